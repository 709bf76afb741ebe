#pragma once
// Private to the store: what lets Tessera notice a damaged project instead of
// serving it — a checksum beside every stored annotation set, a commit
// counter kept both in the database and in a small file beside it, and the
// checks made on a database file before SQLite is allowed to touch it.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

namespace tessera::store {

class Database;

/// 64-bit checksum of a stored buffer. Any change confined to 8 aligned
/// bytes (a flipped bit or byte) always changes it; other damage does with
/// probability 1 - 2^-64. Not cryptographic: it finds accidents, not forgery.
[[nodiscard]] std::uint64_t stored_checksum(std::span<const std::uint8_t> bytes);

/// Registers the SQL function tessera_checksum(blob), stored_checksum as a
/// signed 64-bit integer, on `db` (the migration to version 3 and validate use it).
void register_checksum_function(Database& db);

/// Why `db_path` cannot be a Tessera database, judged from its first bytes
/// without letting SQLite open (and so write) it: empty, too short to hold an
/// SQLite header, or another kind of file. Empty when it may be one.
[[nodiscard]] std::string database_file_problem(const std::filesystem::path& db_path);

/// True when SQLite could write `db_path` and create files beside it.
[[nodiscard]] bool database_writable(const std::filesystem::path& db_path);

/// The commit counter file beside the database, "<database>-commits": one
/// line "tessera-commits N" (N = commits made since it was created). It lives outside the database
/// so that losing the WAL (which holds the last commits until they are checkpointed) cannot take it
/// back in time with the database.
///
/// Written in place with one pwrite of a fixed 64-byte record (within one disk
/// sector, so never torn) after SQLite's COMMIT returned, under an flock taken
/// before the COMMIT: commits and counter updates of several processes happen
/// in the same order. Not synced: a counter that power loss takes back only
/// weakens the check (see CommitCounter::check); a synced database commit comes
/// before the counter write, so the file can never be ahead of the database
/// it describes — except under synchronous=NORMAL, where a power loss really
/// does lose the last commits, and saying so is right.
class CommitCounter {
public:
    struct Record {
        std::uint64_t commits = 0;
    };

    explicit CommitCounter(const std::filesystem::path& db_path);
    CommitCounter(const CommitCounter&) = delete;
    CommitCounter& operator=(const CommitCounter&) = delete;
    ~CommitCounter();

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

    /// The record; nullopt when the file does not exist (a project made before
    /// version 3, or a user who deleted it to accept a loss). Throws Error
    /// naming the file when it is not a counter file.
    [[nodiscard]] std::optional<Record> read();
    /// Writes the record in place (creating the file when missing). Returns
    /// false when it cannot (read-only folder, disk full): the next commit
    /// writes it again, and a counter behind the database is tolerated.
    bool write(const Record& record, bool sync = false) noexcept;

    /// Takes the file's exclusive lock (blocking) / releases it. Held from
    /// just before a COMMIT until the counter is written.
    void lock() noexcept;
    void unlock() noexcept;

private:
    bool open_for_writing() noexcept;

    std::filesystem::path path_;
    int fd_ = -1;
    bool writable_ = false;
    bool locked_ = false;
};

/// What the counter file and the database's own counter (meta 'commits') say
/// together: empty when they agree, else a message naming the files and
/// saying what to do. `file` is what the counter file held and `wal_existed`
/// whether the WAL did, before the database was first read (SQLite then
/// creates an empty WAL); `database` is the meta value.
[[nodiscard]] std::string lost_commits_problem(const std::filesystem::path& db_path,
                                               const CommitCounter::Record& file, bool wal_existed,
                                               std::uint64_t database);

}  // namespace tessera::store
