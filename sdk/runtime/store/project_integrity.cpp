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
    bool bulk_ended = false;
    bool journal_gone = false;
    if (before && before->bulk && counter.unlocked_by_others()) {
        // The importing process holds the lock while it runs: it has ended.
        bulk_ended = true;
        std::error_code ec;
        const auto journal_size =
            std::filesystem::file_size(db_path.string() + "-journal", ec);
        journal_gone = ec || journal_size == 0;
    }
    // An empty WAL is what an earlier opening left after the real one was lost.
    std::error_code ec;
    const auto wal_size = std::filesystem::file_size(db_path.string() + "-wal", ec);
    const bool wal_existed = !ec && wal_size > 0;
    const auto half_import = [&] {
        return fmt::format(
            "{}: an import was interrupted while it wrote straight into the database, and its "
            "rollback journal {}-journal (what the database must go back to) is gone: the "
            "database holds part of that import. Restore the project folder from a backup; to "
            "go on with what the database holds, delete {}",
            db_path.generic_string(), db_path.filename().string(),
            counter.path().filename().string());
    };
    std::uint64_t commits = 0;
    try {
        configure();
        // Before anything writes: a foreign SQLite file stays as it was.
        const std::optional<std::uint64_t> read = check_version();
        commits = read ? *read : database_commits();
    } catch (const Error& e) {
        db.keep_wal_on_close();
        // Half an import may leave pages SQLite cannot read: say why they are broken.
        if (bulk_ended && journal_gone) throw Error(half_import() + fmt::format(" ({})", e.what()));
        throw;
    }
    if (before) {
        // The import counts its commit last, just before COMMIT: a database
        // one ahead of the mark holds the whole import.
        if (bulk_ended && journal_gone && commits != before->commits + 1) {
            damage.push_back(half_import());
        } else if (const std::string lost = lost_commits_problem(db_path, *before, wal_existed, commits);
                   !lost.empty()) {
            damage.push_back(fmt::format("{}: {}", db_path.generic_string(), lost));
        } else if (bulk_ended && !read_only) {
            // The import was rolled back from its journal by the first read
            // above, or committed just before its process ended.
            (void)counter.write({commits, false}, true);
        }
    }
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
        fail(fmt::format("cannot write: the project folder {} or its database is read-only; "
                         "commands that change the project need write access to the folder",
                         dir.generic_string()));
    if (!damage.empty())
        fail(fmt::format("the project is damaged and open only to report it, not to change "
                         "it: {}",
                         damage.front()));
}

void Project::Impl::mark_bulk() {
    const std::uint64_t commits = database_commits();
    counter.lock();
    // Synced: the mark must be on the disk before the import's first page.
    if (counter.write({commits, true}, true))
        bulk_marked_at = commits;
    else
        counter.unlock();
}

void Project::Impl::end_bulk_mark() noexcept {
    if (bulk_marked_at) (void)counter.write({*bulk_marked_at, false}, true);
    bulk_marked_at.reset();
    counter.unlock();
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
        if (!bulk_marked_at) counter.unlock();  // the rollback clears the mark, then unlocks
        throw;
    }
    // Synced only after a bulk import, whose mark was synced: otherwise a
    // stale mark could outlive the import on the disk.
    (void)counter.write({commits, false}, bulk_marked_at.has_value());
    bulk_marked_at.reset();
    counter.unlock();
}

}  // namespace tessera::store
