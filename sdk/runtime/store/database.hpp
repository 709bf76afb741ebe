#pragma once
// A small RAII wrapper over SQLite3: a connection, prepared statements and
// errors that name the database file and SQLite's message. Only the store
// uses it; sqlite3.h stays out of this header.

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace tessera::store {

/// A statement failed because it would break a constraint (UNIQUE, FOREIGN KEY, CHECK).
class ConstraintError : public Error {
public:
    using Error::Error;
};

/// Another connection held the lock for longer than the busy timeout.
class BusyError : public Error {
public:
    using Error::Error;
};

/// How a database file is opened.
enum class OpenMode {
    ReadWrite,        ///< the file must exist
    ReadWriteCreate,  ///< created when missing
    /// Read-only, for a folder or file that cannot be written: SQLite then
    /// needs the WAL's -shm beside the file, so use it only when one exists.
    ReadOnly,
    /// Read-only without locks or a -shm, trusting that nobody changes the
    /// file: for a read-only folder whose database has no WAL to read.
    ReadOnlyImmutable,
};

class Statement;

/// An open SQLite connection. Movable, not copyable; not thread-safe.
class Database {
public:
    /// Opens `path`; throws Error naming it when SQLite cannot.
    Database(std::filesystem::path path, OpenMode mode);
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    /// Runs one or more statements that return no rows needed by the caller.
    void exec(std::string_view sql);
    /// Compiles one statement for repeated use.
    [[nodiscard]] Statement prepare(std::string_view sql);
    /// Number of rows changed by the last INSERT, UPDATE or DELETE.
    [[nodiscard]] std::int64_t changes() const;
    /// True while a transaction is open on this connection.
    [[nodiscard]] bool in_transaction() const;
    /// Closing will neither checkpoint nor delete the WAL: for a database
    /// found damaged, whose files must stay as they were found.
    void keep_wal_on_close();

    /// The file this connection opened, as given to the constructor.
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    /// The raw handle, for tests and tools that need an SQLite call not wrapped here.
    [[nodiscard]] sqlite3* handle() const { return db_; }

private:
    std::filesystem::path path_;
    sqlite3* db_ = nullptr;
};

/// A prepared statement. Parameters are 1-based, columns 0-based, as in SQLite.
/// Text and blobs bound are borrowed: they must stay valid until step() ran.
class Statement {
public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    /// Binds an integer to parameter `index`.
    Statement& bind(int index, std::int64_t value);
    /// Binds UTF-8 text to parameter `index`.
    Statement& bind_text(int index, std::string_view text);
    /// Binds a blob to parameter `index` (an empty span binds an empty blob, not NULL).
    Statement& bind_blob(int index, std::span<const std::uint8_t> blob);
    /// Binds NULL to parameter `index`.
    Statement& bind_null(int index);

    /// Advances: true when a row is available, false when done. Throws
    /// ConstraintError or Error (naming the database file) on failure.
    bool step();
    /// Rewinds for another execution and clears the bindings. A statement left
    /// mid-result keeps a read snapshot open, so reset it when done.
    void reset() noexcept;

    /// Integer value of column `index` of the current row (0 for NULL).
    [[nodiscard]] std::int64_t column_int64(int index) const;
    /// Text of column `index`, valid until the next step() or reset().
    [[nodiscard]] std::string_view column_text(int index) const;
    /// Blob of column `index`, valid until the next step() or reset().
    [[nodiscard]] std::span<const std::uint8_t> column_blob(int index) const;
    /// True when column `index` of the current row is NULL.
    [[nodiscard]] bool column_is_null(int index) const;

private:
    friend class Database;
    Statement(sqlite3_stmt* stmt, std::filesystem::path db_path)
        : stmt_(stmt), db_path_(std::move(db_path)) {}
    void check_bind(int rc, int index) const;

    sqlite3_stmt* stmt_ = nullptr;
    std::filesystem::path db_path_;  ///< names the database in error messages
};

/// Resets a statement when leaving a scope, even by an exception, so that no
/// cached statement keeps a read snapshot or stale bindings.
class ResetGuard {
public:
    explicit ResetGuard(Statement& statement) : statement_(statement) {}
    ResetGuard(const ResetGuard&) = delete;
    ResetGuard& operator=(const ResetGuard&) = delete;
    ~ResetGuard() { statement_.reset(); }

    Statement* operator->() const { return &statement_; }
    Statement& operator*() const { return statement_; }

private:
    Statement& statement_;
};

/// While it lives, a thread asks the kernel every few milliseconds to start
/// writing the files' dirty pages to disk, so that a large transaction's
/// writes reach the disk while it still runs and the sync at commit finds
/// little left to write. It neither waits for
/// the disk nor replaces a sync: durability is SQLite's, as configured. Does
/// nothing where the system has no sync_file_range.
///
/// Only for files SQLite takes no locks on (the WAL): closing any descriptor of
/// a file drops the process's POSIX locks on it, and SQLite locks the database.
class BackgroundWriteback {
public:
    /// Starts on `files`; a file that does not exist yet is looked for again later.
    explicit BackgroundWriteback(std::vector<std::filesystem::path> files);
    BackgroundWriteback(const BackgroundWriteback&) = delete;
    BackgroundWriteback& operator=(const BackgroundWriteback&) = delete;
    /// Stops the thread (without waiting for the disk).
    ~BackgroundWriteback();

private:
    void run();

    std::vector<std::filesystem::path> files_;
    std::mutex mutex_;
    std::condition_variable stop_requested_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace tessera::store
