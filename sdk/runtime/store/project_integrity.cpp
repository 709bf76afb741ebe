// What Project does to notice damage: the checks made when a project is
// opened and the commit counting of every write transaction. The pieces
// (checksums, the counter file) are in integrity.cpp.

#include <system_error>

#include <fmt/format.h>

#include "core/error.hpp"
#include "store/integrity.hpp"
#include "store/project_impl.hpp"

namespace tessera::store {

OpenMode detail::open_mode_for(const std::filesystem::path& db_path) {
    if (database_writable(db_path)) return OpenMode::ReadWrite;
    // SQLite reads a WAL through its -shm index, which it cannot create in a
    // read-only folder. A project closed cleanly has no WAL (the last
    // connection checkpoints and deletes it): the database file alone is
    // then the whole project, read without locks ("immutable"); nobody can
    // write it meanwhile, since it or its folder is read-only. With a WAL,
    // its commits must be read: "mode=ro" through the -shm that exists.
    std::error_code ec;
    const auto wal_size = std::filesystem::file_size(db_path.string() + "-wal", ec);
    return ec || wal_size == 0 ? OpenMode::ReadOnlyImmutable : OpenMode::ReadOnly;
}

void Project::Impl::open_checked(bool refuse_damage) {
    // Before SQLite's first read, which rolls back (and deletes) a hot journal.
    // Reading the file before the database also keeps a writer committing
    // meanwhile from raising a false alarm: the file is written only after
    // the commit it counts, so the database read afterwards holds at least
    // as many commits as the file said.
    std::optional<CommitCounter::Record> before;
    try {
        before = counter.read();
    } catch (const Error& e) {
        damage.push_back(e.what());
    }
    // An empty WAL is what an earlier opening left after the real one was lost.
    std::error_code ec;
    const auto wal_size = std::filesystem::file_size(db_path.string() + "-wal", ec);
    const bool wal_existed = !ec && wal_size > 0;
    std::uint64_t commits = 0;
    try {
        configure();
        // Before anything writes: a foreign SQLite file stays as it was.
        const std::optional<std::uint64_t> read = check_version();
        commits = read ? *read : database_commits();
    } catch (const Error& e) {
        db.keep_wal_on_close();
        throw;
    }
    if (before)
        if (const std::string lost = lost_commits_problem(db_path, *before, wal_existed, commits);
            !lost.empty())
            damage.push_back(fmt::format("{}: {}", db_path.generic_string(), lost));
    // The last connection to close checkpoints and deletes the WAL: not a
    // damaged one, which a backup or an expert may still need as it is.
    if (!damage.empty()) db.keep_wal_on_close();
    if (refuse_damage && !damage.empty()) throw Error(damage.front());
    // A damaged project opened to report it is left in the journal mode it has.
    if (damage.empty()) configure_wal();
}

std::uint64_t Project::Impl::database_commits() {
    ResetGuard q(sql("SELECT value FROM meta WHERE key = 'commits'"));
    return q->step() ? static_cast<std::uint64_t>(q->column_int64(0)) : 0;
}

void Project::Impl::require_writable() const {
    if (read_only)
        fail(
            fmt::format("cannot write: the project folder {} or its database is read-only; "
                        "commands that change the project need write access to the folder",
                        dir.generic_string()));
    if (!damage.empty())
        fail(
            fmt::format("the project is damaged and open only to report it, not to change "
                        "it: {}",
                        damage.front()));
}

void Project::Impl::commit_counted() {
    std::uint64_t commits = 0;
    {
        ResetGuard q(
            sql("UPDATE meta SET value = value + 1 WHERE key = 'commits' RETURNING value"));
        if (!q->step()) fail("the meta table has no commit counter");
        commits = static_cast<std::uint64_t>(q->column_int64(0));
    }
    // The lock is taken before COMMIT and released after the counter file is
    // written: another process cannot commit in between (SQLite's write lock
    // is still ours until COMMIT) nor write its counter before ours, so the
    // file's value only grows. A crash between COMMIT and the write leaves
    // the database one ahead of the file, which lost_commits_problem accepts;
    // the file is never ahead of the database, so that is no false alarm.
    counter.lock();
    try {
        ResetGuard q(sql("COMMIT"));
        q->step();
    } catch (...) {
        counter.unlock();
        throw;
    }
    (void)counter.write({commits});
    counter.unlock();
}

}  // namespace tessera::store
