#pragma once
// Private to the store (included by project.cpp only): Project::Impl, the
// connection with its cached statements and the storage primitives the public
// operations are built from.

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/annotation_numbers.hpp"
#include "core/annotation_text.hpp"
#include "core/data_api.hpp"
#include "core/error.hpp"
#include "core/verify.hpp"
#include "store/annotation_packer.hpp"
#include "store/database.hpp"
#include "store/integrity.hpp"
#include "store/project.hpp"

namespace tessera::store {
namespace detail {

// One row when the item exists; revision, data and checksum are NULL while it has no set.
constexpr std::string_view kSetOfItem =
    "SELECT s.revision, s.data, s.checksum FROM items i LEFT JOIN annotation_sets s ON "
    "s.item = i.id WHERE i.id = ?1";

inline Bytes to_bytes(std::span<const std::uint8_t> span) {
    return Bytes(span.begin(), span.end());
}

inline std::span<const std::uint8_t> finished(const flatbuffers::FlatBufferBuilder& builder) {
    return {builder.GetBufferPointer(), builder.GetSize()};
}

inline std::int64_t as_sql(std::uint64_t value) {
    return static_cast<std::int64_t>(value);
}

inline bool valid_state(v1::ItemState state) {
    return state >= v1::ItemState::MIN && state <= v1::ItemState::MAX;
}

/// ReadWrite, or a read-only mode when the folder or database cannot be
/// written (project_integrity.cpp).
OpenMode open_mode_for(const std::filesystem::path& db_path);

inline auto find_annotation(v1::AnnotationSetT& set, AnnotationId id) {
    return std::find_if(set.annotations.begin(), set.annotations.end(),
                        [id](const auto& a) { return a && a->id == id; });
}

/// Why `batch` may not be applied because of a value it holds: a string that
/// is not text (invalid UTF-8, a NUL byte) or a number that is not finite,
/// naming the op, item, annotation and field; empty when it may. Such values
/// are kept out here, at the edit boundary, because once stored they are
/// exported and journaled as if they were what the annotator made.
inline std::string batch_value_problem(const v1::EditBatch& batch) {
    for (const auto& [what, text] :
         {std::pair{"author", batch.author()}, {"comment", batch.comment()}})
        if (const std::string why = unstorable_text(cpp::text(text)); !why.empty())
            return fmt::format("edit batch, {}: text {}", what, why);
    if (batch.ops() == nullptr) return {};
    for (flatbuffers::uoffset_t i = 0; i < batch.ops()->size(); ++i) {
        const v1::EditOp* op = batch.ops()->Get(i);
        if (op == nullptr) continue;
        std::uint64_t item = 0;
        const v1::Annotation* annotation = nullptr;
        if (const auto* add = op->edit_as_AddAnnotation())
            item = add->item(), annotation = add->annotation();
        else if (const auto* update = op->edit_as_UpdateAnnotation())
            item = update->item(), annotation = update->annotation();
        if (annotation == nullptr) continue;
        std::string problem = first_unstorable_text(*annotation);
        if (problem.empty()) problem = non_finite_number(*annotation);
        if (!problem.empty())
            return fmt::format("edit batch, op {} ({}): item {}, {}, {}", i + 1,
                               v1::EnumNameEdit(op->edit_type()), item,
                               annotation->id() ? fmt::format("annotation {}", annotation->id())
                                                : std::string("new annotation"),
                               problem);
    }
    return {};
}

}  // namespace detail

struct Project::Impl {
    /// An item's annotation set, unpacked for editing.
    struct LoadedSet {
        std::uint64_t revision = 0;
        v1::AnnotationSetT set;
    };

    Impl(std::filesystem::path dir_, std::filesystem::path db_path_, ProjectSettings settings_,
         OpenMode mode)
        : dir(std::move(dir_)),
          db_path(std::move(db_path_)),
          settings(std::move(settings_)),
          db(db_path, mode),
          read_only(mode == OpenMode::ReadOnly || mode == OpenMode::ReadOnlyImmutable),
          counter(db_path) {
        register_checksum_function(db);
    }

    std::filesystem::path dir;
    std::filesystem::path db_path;
    ProjectSettings settings;
    Database db;
    /// Opened read-only: the folder or the database cannot be written.
    bool read_only = false;
    /// The commit counter beside the database (integrity.hpp).
    CommitCounter counter;
    /// What the checks at opening found (Project::damage); writes are refused while not empty.
    std::vector<std::string> damage;
    /// Prepared statements by SQL text (the text is always a literal, so views stay valid).
    std::unordered_map<std::string_view, Statement> statements;
    flatbuffers::FlatBufferBuilder builder{4096};
    bool transaction_open = false;
    /// Read snapshots open (Project::begin_snapshot): nested ones share the outermost.
    int snapshots = 0;
    std::optional<ItemId> next_item_id;  ///< cached during one transaction
    std::uint64_t bytes_stored = 0;      ///< annotation sets stored in this transaction
    /// Writes the WAL ahead while a transaction stores much (see store_set).
    std::unique_ptr<BackgroundWriteback> writeback;

    /// Resets what lives for one transaction.
    void clear_transaction_state() {
        transaction_open = false;
        next_item_id.reset();
        bytes_stored = 0;
        writeback.reset();
    }

    /// Throws Error "DIR/project.db: message".
    [[noreturn]] void fail(std::string_view message) const { tessera::fail(db_path, message); }

    /// "DIR/project.db: thing", naming a buffer for verified_root.
    std::string what(std::string_view thing) const {
        return fmt::format("{}: {}", db_path.generic_string(), thing);
    }

    /// The cached statement for `text`, prepared on first use.
    Statement& sql(std::string_view text) {
        auto it = statements.find(text);
        if (it == statements.end()) it = statements.emplace(text, db.prepare(text)).first;
        return it->second;
    }

    /// Busy timeout, durability level and foreign keys for this connection.
    /// Reads and writes nothing: a file that is not Tessera's stays unchanged.
    void configure() {
        db.exec(
            fmt::format("PRAGMA busy_timeout = 10000; PRAGMA synchronous = {}; "
                        "PRAGMA foreign_keys = ON;",
                        settings.synchronous));
    }

    /// WAL mode (which writes the database header) for a database known to be Tessera's.
    void configure_wal() {
        if (read_only) return;
        Statement mode = db.prepare("PRAGMA journal_mode = WAL");
        if (!mode.step() || mode.column_text(0) != "wal")
            fail(fmt::format("cannot switch the database to WAL mode (journal mode is \"{}\")",
                             mode.column_text(0)));
        // SQLite checkpoints once the WAL holds 1000 pages: about 4 MB with the
        // default 4 KiB pages. Keep that size for databases with larger pages
        // (new projects use 64 KiB) rather than let the WAL grow to 64 MB.
        Statement page_size = db.prepare("PRAGMA page_size");
        if (page_size.step() && page_size.column_int64(0) > 4096)
            db.exec(
                fmt::format("PRAGMA wal_autocheckpoint = {}",
                            std::max<std::int64_t>(16, (4000 * 4096) / page_size.column_int64(0))));
    }

    /// Refuses databases that are not Tessera's or are newer than this program.
    /// Returns the commit count (meta 'commits') read with the version, when no
    /// migration ran: one statement fewer when opening.
    std::optional<std::uint64_t> check_version() {
        {
            Statement has_meta = db.prepare(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'");
            if (!has_meta.step() || has_meta.column_int64(0) == 0)
                fail("not a Tessera database (it has no meta table)");
        }
        Statement version = db.prepare(
            "SELECT value, (SELECT value FROM meta WHERE key = 'commits') FROM meta WHERE key = "
            "'database_version'");
        if (!version.step()) fail("not a Tessera database (no database_version in its meta table)");
        const std::int64_t found = version.column_int64(0);
        if (found > kDatabaseVersion)
            fail(
                fmt::format("database version {} is newer than this program supports ({}); "
                            "use a newer tessera",
                            found, kDatabaseVersion));
        if (found < 1) fail(fmt::format("database version {} is not valid", found));
        const auto commits = static_cast<std::uint64_t>(version.column_int64(1));
        version.reset();
        if (found < kDatabaseVersion && read_only)
            fail(
                fmt::format("database version {} must be migrated to version {} before this "
                            "program can read it, which needs write access: open the project "
                            "once where its folder can be written",
                            found, kDatabaseVersion));
        if (found < kDatabaseVersion) {
            migrate(found);
            return std::nullopt;
        }
        return commits;
    }

    // --- Integrity (project_integrity.cpp) --------------------------------------

    /// Opens the connection for use: reads the commit counter file before
    /// SQLite reads the database, configures, checks the version (migrating),
    /// switches to WAL, then compares the counters. Puts what it finds in
    /// `damage`; throws the first problem when `refuse_damage`.
    void open_checked(bool refuse_damage);
    /// Throws unless this connection may write (not read-only, no damage found).
    void require_writable() const;
    /// Counts the commit in the database, commits, then writes the counter file.
    void commit_counted();
    /// The database's commit count (meta 'commits').
    std::uint64_t database_commits();

    /// Brings a database of version `found` up to kDatabaseVersion in one
    /// transaction (defined in project.cpp, beside the layout it changes).
    void migrate(std::int64_t found);

    /// Sets an item's assignee ("" = unassigned); throws for unknown items and
    /// names assignee_problem refuses.
    void set_assignee(ItemId item, std::string_view assignee, std::string_view context = {}) {
        if (const std::string problem = assignee_problem(assignee); !problem.empty())
            fail(fmt::format("{}item {}: assignee name {}", context, item, problem));
        ResetGuard q(sql("UPDATE items SET assignee = ?2 WHERE id = ?1"));
        q->bind(1, detail::as_sql(item)).bind_text(2, assignee);
        q->step();
        if (db.changes() == 0) fail(fmt::format("{}item {} does not exist", context, item));
    }

    /// Applies a verified batch inside the open transaction and journals it;
    /// returns its sequence number (project.cpp).
    std::uint64_t apply_batch(const v1::EditBatch& batch);
    /// Throws unless every parent and relation target of the annotations the
    /// batch added or updated is an annotation of the same item, as `sets`
    /// hold them after the batch (project.cpp).
    void check_references(const v1::EditBatchT& edits, const std::map<ItemId, LoadedSet>& sets);

    /// Throws unless the item exists; `context` prefixes the message.
    void require_item(ItemId id, std::string_view context = {}) {
        ResetGuard q(sql(detail::kSetOfItem));
        q->bind(1, detail::as_sql(id));
        if (!q->step()) fail(fmt::format("{}item {} does not exist", context, id));
    }

    /// The item's set, verified and unpacked; throws when the item does not exist.
    LoadedSet load_set(ItemId item, std::string_view context = {}) {
        ResetGuard q(sql(detail::kSetOfItem));
        q->bind(1, detail::as_sql(item));
        if (!q->step()) fail(fmt::format("{}item {} does not exist", context, item));
        LoadedSet loaded;
        loaded.set.item = item;
        if (q->column_is_null(1)) return loaded;
        loaded.revision = static_cast<std::uint64_t>(q->column_int64(0));
        verified_set(q->column_blob(1), q->column_int64(2), item)->UnPackTo(&loaded.set);
        return loaded;
    }

    /// Checks a stored set against its checksum, verifies it and that it belongs to `item`.
    const v1::AnnotationSet* verified_set(std::span<const std::uint8_t> blob, std::int64_t checksum,
                                          ItemId item) {
        if (static_cast<std::int64_t>(stored_checksum(blob)) != checksum)
            fail(
                fmt::format("the annotations of item {} are damaged (they no longer match the "
                            "checksum stored with them: the disk or another program changed "
                            "the database file); run `tessera validate` on {} and restore the "
                            "project folder from a backup",
                            item, dir.generic_string()));
        const auto* set = verified_root<v1::AnnotationSet>(
            blob, v1::AnnotationSetIdentifier(), what(fmt::format("annotations of item {}", item)));
        if (set->item() != item)
            fail(fmt::format("annotations of item {} are stored as belonging to item {}", item,
                             set->item()));
        return set;
    }

    /// Packs `set` with the given item and revision and stores it.
    void write_set(ItemId item, std::uint64_t revision, const v1::AnnotationSetT& set) {
        finish_annotation_set(builder, item, revision, set);
        store_set(item, revision, detail::finished(builder));
    }

    /// Stores a packed set as the item's set at `revision`.
    void store_set(ItemId item, std::uint64_t revision, std::span<const std::uint8_t> data) {
        // Bulk writes (imports) spill to the WAL as they go; past a few MB, have
        // the kernel write them out meanwhile rather than all in COMMIT's sync.
        constexpr std::uint64_t kWritebackAfter = 16 << 20;
        bytes_stored += data.size();
        if (!writeback && bytes_stored >= kWritebackAfter)
            writeback = std::make_unique<BackgroundWriteback>(
                std::vector<std::filesystem::path>{db_path.string() + "-wal"});
        ResetGuard q(
            sql("INSERT INTO annotation_sets(item, revision, data, checksum) VALUES (?1, ?2, ?3, "
                "?4) ON CONFLICT(item) DO UPDATE SET revision = excluded.revision, data = "
                "excluded.data, checksum = excluded.checksum"));
        q->bind(1, detail::as_sql(item))
            .bind(2, detail::as_sql(revision))
            .bind_blob(3, data)
            .bind(4, static_cast<std::int64_t>(stored_checksum(data)));
        q->step();
    }

    /// The revision of the item's set (0 while it has none); throws when the item does not exist.
    std::uint64_t set_revision(ItemId item) {
        ResetGuard q(sql(detail::kSetOfItem));
        q->bind(1, detail::as_sql(item));
        if (!q->step()) fail(fmt::format("item {} does not exist", item));
        return static_cast<std::uint64_t>(q->column_int64(0));
    }

    /// The first annotation id not handed out yet.
    AnnotationId next_annotation_id() {
        ResetGuard q(sql("SELECT value FROM meta WHERE key = 'next_annotation_id'"));
        if (!q->step()) fail("the meta table has no next_annotation_id");
        return static_cast<AnnotationId>(q->column_int64(0));
    }

    /// Hands out `count` consecutive ids; returns the first.
    AnnotationId allocate_annotation_ids(std::uint64_t count) {
        ResetGuard q(
            sql("UPDATE meta SET value = value + ?1 WHERE key = 'next_annotation_id' RETURNING "
                "value - ?1"));
        q->bind(1, detail::as_sql(count));
        if (!q->step()) fail("the meta table has no next_annotation_id");
        return static_cast<AnnotationId>(q->column_int64(0));
    }

    /// Sets an item's workflow state; throws for unknown items and states.
    void set_state(ItemId item, v1::ItemState state, std::string_view context = {}) {
        if (!detail::valid_state(state))
            fail(fmt::format("{}item state {} is not a known state", context,
                             static_cast<int>(state)));
        ResetGuard q(sql("UPDATE items SET state = ?2 WHERE id = ?1"));
        q->bind(1, detail::as_sql(item)).bind(2, static_cast<std::int64_t>(state));
        q->step();
        if (db.changes() == 0) fail(fmt::format("{}item {} does not exist", context, item));
    }

    /// Appends a verified batch to the journal; returns its sequence number.
    std::uint64_t append_journal(std::span<const std::uint8_t> batch_bytes,
                                 const v1::EditBatch& batch) {
        ResetGuard q(
            sql("INSERT INTO journal(author, time, batch) VALUES (?1, ?2, ?3) RETURNING seq"));
        q->bind_text(1, batch.author() != nullptr ? batch.author()->string_view() : "")
            .bind(2, batch.time())
            .bind_blob(3, batch_bytes);
        if (!q->step()) fail("appending to the journal returned no sequence number");
        return static_cast<std::uint64_t>(q->column_int64(0));
    }

    /// Applies one unpacked edit to the sets loaded so far; `next_id` is the
    /// first id never handed out before this batch, `fresh` the next id to assign.
    void apply_edit(v1::EditOpT& op, std::size_t index, std::map<ItemId, LoadedSet>& sets,
                    AnnotationId next_id, AnnotationId& fresh);
};

}  // namespace tessera::store
