#include "store/database.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <sqlite3.h>

namespace tessera::store {
namespace {

std::string system_error_text(sqlite3* db) {
    const int errno_value = db != nullptr ? sqlite3_system_errno(db) : 0;
    return errno_value != 0 ? std::strerror(errno_value) : std::string();
}

// What a user can do about result `rc`: no SQL, no codes (those go to the
// error's detail, shown by `tessera --verbose`).
std::string user_message(const std::filesystem::path& path, sqlite3* db, int rc) {
    const int errno_value = db != nullptr ? sqlite3_system_errno(db) : 0;
    const std::string folder =
        (path.has_parent_path() ? path.parent_path() : std::filesystem::path(".")).generic_string();
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_FULL || errno_value == ENOSPC || errno_value == EDQUOT)
        return fmt::format(
            "the disk is full, nothing was saved; free space on the disk that "
            "holds {} and try again",
            folder);
    switch (rc & 0xff) {
        case SQLITE_READONLY:
            return fmt::format(
                "cannot write: the database or its folder {} is read-only; "
                "commands that change the project need write access to its "
                "folder",
                folder);
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return "another program is writing to the project and did not finish within 10 "
                   "seconds; try again when it is done";
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return fmt::format(
                "the database is damaged ({}); run `tessera validate` on {} and "
                "restore the project folder from a backup",
                message, folder);
        case SQLITE_IOERR:
            return fmt::format(
                "cannot read or write the database or its -wal/-shm files "
                "(disk I/O error{}{}); check the disk and the files' "
                "permissions, then try again",
                errno_value != 0 ? ": " : "", system_error_text(db));
        case SQLITE_CANTOPEN:
            return fmt::format(
                "cannot open the database or its -wal/-shm files{}{}; check "
                "that they exist and that {} can be read and written",
                errno_value != 0 ? ": " : "", system_error_text(db), folder);
        case SQLITE_NOMEM:
            return "out of memory";
        default:
            return message;
    }
}

std::string detail_of(sqlite3* db, int rc, std::string_view doing) {
    const int errno_value = db != nullptr ? sqlite3_system_errno(db) : 0;
    return fmt::format("{}: SQLite says \"{}\" (extended code {}{})", doing,
                       db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc), rc,
                       errno_value != 0 ? fmt::format(", errno {}", errno_value) : "");
}

[[noreturn]] void fail_sqlite(const std::filesystem::path& path, sqlite3* db, int rc,
                              std::string_view doing) {
    const std::string detail = detail_of(db, rc, doing);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        throw ConstraintError(
            fmt::format("{}: {}", path.generic_string(), db != nullptr ? sqlite3_errmsg(db) : ""),
            detail);
    std::string message = fmt::format("{}: {}", path.generic_string(), user_message(path, db, rc));
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        throw BusyError(message, detail);
    throw Error(message, detail);
}

// A file: URI for `path` with `query`: '%', '?' and '#' must be escaped.
std::string file_uri(const std::filesystem::path& path, std::string_view query) {
    std::string uri = "file:";
    for (const char c : std::filesystem::absolute(path).string()) {
        if (c == '%' || c == '?' || c == '#')
            uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        else
            uri += c;
    }
    uri += '?';
    uri += query;
    return uri;
}

std::string_view first_line(std::string_view sql) {
    const auto start = sql.find_first_not_of(" \n\t");
    sql = start == std::string_view::npos ? std::string_view() : sql.substr(start);
    return sql.substr(0, std::min(sql.find('\n'), std::size_t{60}));
}

}  // namespace

// --- Database ---------------------------------------------------------------

Database::Database(std::filesystem::path path, OpenMode mode) : path_(std::move(path)) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    std::string name = path_.string();
    if (mode == OpenMode::ReadWriteCreate) flags |= SQLITE_OPEN_CREATE;
    if (mode == OpenMode::ReadOnly || mode == OpenMode::ReadOnlyImmutable) {
        flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
        name = file_uri(path_, mode == OpenMode::ReadOnly ? "mode=ro" : "mode=ro&immutable=1");
    }
    const int rc = sqlite3_open_v2(name.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message = user_message(path_, db_, rc);
        const std::string detail = detail_of(db_, rc, "opening");
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw Error(fmt::format("{}: {}", path_.generic_string(), message), detail);
    }
    sqlite3_extended_result_codes(db_, 1);
}

Database::Database(Database&& other) noexcept
    : path_(std::move(other.path_)), db_(std::exchange(other.db_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        sqlite3_close_v2(db_);
        path_ = std::move(other.path_);
        db_ = std::exchange(other.db_, nullptr);
    }
    return *this;
}

// sqlite3_close_v2 defers the close until the last statement is finalized, so
// statements and the connection may be destroyed in any order.
Database::~Database() {
    sqlite3_close_v2(db_);
}

void Database::exec(std::string_view sql) {
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        const std::string reason = message != nullptr ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        fail_sqlite(path_, db_, rc, fmt::format("running \"{}\" ({})", first_line(sql), reason));
    }
}

Statement Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sql.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        fail(path_, "internal error: SQL statement too long");
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK)
        fail_sqlite(path_, db_, rc, fmt::format("preparing \"{}\"", first_line(sql)));
    return Statement(stmt, path_);
}

std::int64_t Database::changes() const {
    return sqlite3_changes64(db_);
}

bool Database::in_transaction() const {
    return sqlite3_get_autocommit(db_) == 0;
}

void Database::keep_wal_on_close() {
    (void)sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

// --- Statement --------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), db_path_(std::move(other.db_path_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        stmt_ = std::exchange(other.stmt_, nullptr);
        db_path_ = std::move(other.db_path_);
    }
    return *this;
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

void Statement::check_bind(int rc, int index) const {
    if (rc != SQLITE_OK)
        fail_sqlite(
            db_path_, sqlite3_db_handle(stmt_), rc,
            fmt::format("binding parameter {} of \"{}\"", index, first_line(sqlite3_sql(stmt_))));
}

Statement& Statement::bind(int index, std::int64_t value) {
    check_bind(sqlite3_bind_int64(stmt_, index, value), index);
    return *this;
}

Statement& Statement::bind_text(int index, std::string_view text) {
    check_bind(
        sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8),
        index);
    return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> blob) {
    // SQLite binds NULL for a null pointer; an empty blob must stay a blob.
    static constexpr std::uint8_t kEmpty = 0;
    const void* data = blob.empty() ? &kEmpty : blob.data();
    check_bind(sqlite3_bind_blob64(stmt_, index, data, blob.size(), SQLITE_STATIC), index);
    return *this;
}

Statement& Statement::bind_null(int index) {
    check_bind(sqlite3_bind_null(stmt_, index), index);
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail_sqlite(db_path_, sqlite3_db_handle(stmt_), rc,
                fmt::format("running \"{}\"", first_line(sqlite3_sql(stmt_))));
}

void Statement::reset() noexcept {
    // The error of a failed step was already reported by step().
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int64(int index) const {
    return sqlite3_column_int64(stmt_, index);
}

std::string_view Statement::column_text(int index) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
    const int size = sqlite3_column_bytes(stmt_, index);
    return text != nullptr ? std::string_view(text, static_cast<std::size_t>(size))
                           : std::string_view();
}

std::span<const std::uint8_t> Statement::column_blob(int index) const {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, index));
    const int size = sqlite3_column_bytes(stmt_, index);
    return data != nullptr ? std::span<const std::uint8_t>(data, static_cast<std::size_t>(size))
                           : std::span<const std::uint8_t>();
}

bool Statement::column_is_null(int index) const {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

// --- BackgroundWriteback ----------------------------------------------------

BackgroundWriteback::BackgroundWriteback(std::vector<std::filesystem::path> files)
    : files_(std::move(files)) {
#if defined(__linux__)
    thread_ = std::thread([this] { run(); });
#endif
}

BackgroundWriteback::~BackgroundWriteback() {
    {
        const std::lock_guard lock(mutex_);
        stop_ = true;
    }
    stop_requested_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void BackgroundWriteback::run() {
#if defined(__linux__)
    std::vector<int> fds(files_.size(), -1);
    std::unique_lock lock(mutex_);
    while (!stop_requested_.wait_for(lock, std::chrono::milliseconds(10), [&] { return stop_; })) {
        lock.unlock();
        for (std::size_t i = 0; i < files_.size(); ++i) {
            // Read-only is enough to start writeback; this descriptor never writes.
            if (fds[i] < 0) fds[i] = ::open(files_[i].c_str(), O_RDONLY | O_CLOEXEC);
            if (fds[i] >= 0) (void)::sync_file_range(fds[i], 0, 0, SYNC_FILE_RANGE_WRITE);
        }
        lock.lock();
    }
    for (const int fd : fds)
        if (fd >= 0) ::close(fd);
#endif
}

}  // namespace tessera::store
