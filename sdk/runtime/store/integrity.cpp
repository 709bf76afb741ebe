// Damage detection for the project store.
//
// Implemented: a checksum per stored annotation set (checked on every read
// and by validate), a commit counter beside the database that finds commits
// lost with a missing, truncated or garbled WAL or with a database file
// replaced by an older copy, a marker that finds a first import left half
// written when its rollback journal was deleted, and a look at a database
// file's first bytes before SQLite may open (and write) it.
// Missing: checksums of items, journal entries and reviews (the Verifier and
// SQLite's integrity check are all that guard them); damage inside one page
// of B-tree structure that leaves the values intact is left to
// PRAGMA integrity_check (run by validate).

#include "store/integrity.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <sqlite3.h>

#include "core/error.hpp"
#include "store/database.hpp"

namespace tessera::store {
namespace {

constexpr std::uint64_t kMul1 = 0x9E3779B97F4A7C15ull;
constexpr std::uint64_t kMul2 = 0xC2B2AE3D27D4EB4Full;

constexpr std::uint64_t rotl(std::uint64_t x, int r) {
    return (x << r) | (x >> (64 - r));
}

// MurmurHash3's finalizer: a bijection that spreads every input bit.
constexpr std::uint64_t mix(std::uint64_t h) {
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 33;
    return h;
}

void checksum_sql(sqlite3_context* context, int, sqlite3_value** argv) {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_value_blob(argv[0]));
    const int size = sqlite3_value_bytes(argv[0]);
    const std::uint64_t sum =
        stored_checksum({data, data != nullptr ? static_cast<std::size_t>(size) : 0});
    sqlite3_result_int64(context, static_cast<sqlite3_int64>(sum));
}

constexpr std::size_t kRecordSize = 64;
constexpr std::string_view kRecordTag = "tessera-commits ";

}  // namespace

std::uint64_t stored_checksum(std::span<const std::uint8_t> bytes) {
    // Each step (xor a word, multiply by an odd constant, rotate, multiply) is
    // a bijection of the state for a given word, so two inputs that differ in
    // one word always end in different states.
    std::uint64_t h = kMul1 ^ (bytes.size() * kMul2);
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes.data() + i, 8);
        h = rotl(h ^ (word * kMul2), 31) * kMul1;
    }
    if (i < bytes.size()) {
        std::uint64_t word = 0;
        std::memcpy(&word, bytes.data() + i, bytes.size() - i);
        h = rotl(h ^ (word * kMul2), 31) * kMul1;
    }
    return mix(h);
}

void register_checksum_function(Database& db) {
    const int rc = sqlite3_create_function_v2(db.handle(), "tessera_checksum", 1,
                                              SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                              checksum_sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        fail(db.path(),
             fmt::format("cannot register the checksum function: {}", sqlite3_errstr(rc)));
}

std::string database_file_problem(const std::filesystem::path& db_path) {
    const int fd = ::open(db_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fmt::format("cannot read the database ({}); check the file's permissions",
                           std::strerror(errno));
    std::array<char, 100> header{};
    ssize_t got = 0;
    while (got < static_cast<ssize_t>(header.size())) {
        const ssize_t n = ::read(fd, header.data() + got, header.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += n;
    }
    ::close(fd);
    constexpr std::string_view kMagic{"SQLite format 3\0", 16};
    const std::string_view start(header.data(), static_cast<std::size_t>(got));
    constexpr std::string_view kRestore =
        "restore the project folder from a backup (Tessera did not change the file)";
    if (start.empty())
        return fmt::format(
            "the database is empty (0 bytes): it was cut short or never "
            "written; {}",
            kRestore);
    if (!kMagic.starts_with(start.substr(0, kMagic.size()))) {
        std::string shown;
        for (const char c : start.substr(0, 8))
            shown += (c >= 0x20 && c < 0x7F)
                         ? std::string(1, c)
                         : fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        return fmt::format(
            "is not an SQLite database (it starts with \"{}\"): another file "
            "took the database's place; {}",
            shown, kRestore);
    }
    if (start.size() < header.size())
        return fmt::format(
            "the database is only {} bytes long, too short for an SQLite "
            "database; {}",
            start.size(), kRestore);
    return {};
}

bool database_writable(const std::filesystem::path& db_path) {
    const std::filesystem::path dir = db_path.has_parent_path() ? db_path.parent_path() : ".";
    // access() reports read-only mounts (EROFS) and immutable files (EPERM)
    // even to root, who ignores permission bits.
    return ::access(db_path.c_str(), W_OK) == 0 && ::access(dir.c_str(), W_OK) == 0;
}

// --- CommitCounter ------------------------------------------------------------

CommitCounter::CommitCounter(const std::filesystem::path& db_path)
    : path_(db_path.string() + "-commits") {}

CommitCounter::~CommitCounter() {
    if (fd_ >= 0) ::close(fd_);  // drops the lock too
}

std::optional<CommitCounter::Record> CommitCounter::read() {
    if (fd_ < 0) {
        fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) {
            if (errno == ENOENT) return std::nullopt;
            fail(path_, fmt::format("cannot read the commit counter ({})", std::strerror(errno)));
        }
    }
    std::array<char, kRecordSize + 1> buffer{};
    ssize_t got = 0;
    do got = ::pread(fd_, buffer.data(), buffer.size(), 0);
    while (got < 0 && errno == EINTR);
    const std::string_view text(buffer.data(), got > 0 ? static_cast<std::size_t>(got) : 0);
    const auto garbled = [&] {
        fail(path_,
             "the commit counter file is damaged (expected \"tessera-commits N\"); "
             "delete it to go on without the check for lost commits until the next "
             "commit writes it again");
    };
    if (text.size() != kRecordSize || !text.starts_with(kRecordTag) || text.back() != '\n')
        garbled();
    Record record;
    const char* begin = text.data() + kRecordTag.size();
    const char* end = text.data() + text.size() - 1;
    const auto [rest, ec] = std::from_chars(begin, end, record.commits);
    if (ec != std::errc() || rest == begin) garbled();
    const std::string_view tail(rest, static_cast<std::size_t>(end - rest));
    if (tail.find_first_not_of(' ') != std::string_view::npos) garbled();
    return record;
}

bool CommitCounter::open_for_writing() noexcept {
    if (writable_) return true;
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    if (fd_ >= 0) {
        // Keep a lock held on the old descriptor across the switch.
        if (locked_) (void)::flock(fd, LOCK_EX);
        ::close(fd_);
    }
    fd_ = fd;
    writable_ = true;
    return true;
}

bool CommitCounter::write(const Record& record, bool sync) noexcept {
    if (!open_for_writing()) return false;
    std::string text = fmt::format("{}{}", kRecordTag, record.commits);
    text.resize(kRecordSize - 1, ' ');
    text += '\n';
    ssize_t n = 0;
    do n = ::pwrite(fd_, text.data(), text.size(), 0);
    while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(text.size())) return false;
    return !sync || ::fdatasync(fd_) == 0;
}

void CommitCounter::lock() noexcept {
    if (locked_) return;
    if (!open_for_writing() && fd_ < 0) return;  // read-only: nothing to order
    while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
    locked_ = true;
}

void CommitCounter::unlock() noexcept {
    if (!locked_) return;
    (void)::flock(fd_, LOCK_UN);
    locked_ = false;
}

std::string lost_commits_problem(const std::filesystem::path& db_path,
                                 const CommitCounter::Record& file, bool wal_existed,
                                 std::uint64_t database) {
    // The counter file is written after the database commits, so the
    // database may be one ahead (a crash in between) or more (the file could
    // not be written); it is never behind unless commits were lost.
    if (database >= file.commits) return {};
    const std::filesystem::path wal = db_path.string() + "-wal";
    const std::string counter = db_path.filename().string() + "-commits";
    const std::uint64_t lost = file.commits - database;
    return fmt::format(
        "{} {}, but {} says {} commits were made and the database holds {}: the last {} "
        "commit{} {} lost (or the database file was replaced by an older copy). Restore the "
        "project folder from a backup; to go on with what the database holds, delete {}",
        wal.filename().string(), wal_existed ? "is damaged or was cut short" : "is missing",
        counter, file.commits, database, lost, lost == 1 ? "" : "s", lost == 1 ? "is" : "are",
        counter);
}

}  // namespace tessera::store
