// The SQLite project store.
//
// Implemented: items, one AnnotationSet buffer per item (with a revision),
// the label schema, item states and assignees, review records, an append-only
// journal of edit batches; WAL mode, synchronous from the project file, a busy
// timeout so readers and one writer coexist across processes; every buffer
// read back is verified; older databases are migrated when opened (version 1
// to 2: item assignees; 2 to 3: annotation set checksums and the commit
// counter of integrity.hpp, checked by project_integrity.cpp). Missing:
// deleting items, a server backend.

#include "store/project.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/verify.hpp"
#include "store/database.hpp"
#include "store/project_file.hpp"
#include "store/project_impl.hpp"

namespace tessera::store {

using namespace detail;

namespace {

constexpr int kPageSize = 65536;

constexpr const char* kSchemaSql = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE items(
  id INTEGER PRIMARY KEY,
  uri TEXT NOT NULL UNIQUE,
  kind INTEGER NOT NULL,
  state INTEGER NOT NULL DEFAULT 0,
  item BLOB NOT NULL);
CREATE INDEX items_by_state ON items(state);
CREATE TABLE annotation_sets(
  item INTEGER PRIMARY KEY REFERENCES items(id),
  revision INTEGER NOT NULL,
  data BLOB NOT NULL);
CREATE TABLE journal(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  author TEXT NOT NULL,
  time INTEGER NOT NULL,
  batch BLOB NOT NULL);
CREATE TABLE reviews(
  id INTEGER PRIMARY KEY,
  item INTEGER NOT NULL REFERENCES items(id),
  time INTEGER NOT NULL,
  record BLOB NOT NULL);
CREATE INDEX reviews_by_item ON reviews(item, id);
CREATE TABLE label_schema(id INTEGER PRIMARY KEY CHECK (id = 1), data BLOB NOT NULL);
INSERT INTO meta(key, value) VALUES ('next_annotation_id', 1);
)sql";

/// What turns a database of version N - 1 into version N, for N from 2 up.
/// New projects are made by kSchemaSql and then every migration, so that an
/// old project once migrated has exactly the layout of a new one.
struct Migration {
    int version;
    const char* sql;
};
constexpr Migration kMigrations[] = {
    // Each item is assigned to at most one annotator; '' = unassigned. ADD
    // COLUMN with a constant default rewrites no row, so the migration of a
    // large project costs one pass to build the index. The index serves the
    // queries a team lead and the item browser make: one assignee's items in
    // one state in id order (the first N unassigned New items), and counts
    // per assignee and state.
    {2, R"sql(
ALTER TABLE items ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
CREATE INDEX items_by_assignee ON items(assignee, state);
)sql"},
    // A checksum beside each annotation set finds damage the Verifier cannot
    // (a changed coordinate is still a valid buffer), and a commit counter
    // matched against the file beside the database finds commits lost with
    // the WAL (integrity.hpp). tessera_checksum is registered on every
    // connection; computing it rewrites every set once, in this transaction.
    {3, R"sql(
ALTER TABLE annotation_sets ADD COLUMN checksum INTEGER NOT NULL DEFAULT 0;
UPDATE annotation_sets SET checksum = tessera_checksum(data);
INSERT INTO meta(key, value) VALUES ('commits', 0);
)sql"},
};
static_assert(std::size(kMigrations) == kDatabaseVersion - 1, "one migration per version after 1");

/// The layout of a new project: version 1's, then each migration.
std::string current_schema_sql() {
    std::string sql = kSchemaSql;
    for (const Migration& migration : kMigrations) sql += migration.sql;
    return sql;
}

}  // namespace

std::string assignee_problem(std::string_view name) {
    if (name.size() > kMaxAssigneeBytes)
        return fmt::format("is {} bytes long, expected at most {}", name.size(), kMaxAssigneeBytes);
    if (name.starts_with(' ')) return "starts with a space";
    if (name.ends_with(' ')) return "ends with a space";
    if (const auto bad = first_invalid_utf8(name))
        return fmt::format("is not valid UTF-8 at byte {}", *bad + 1);
    // Names are shown on one line in lists and reports: no C0 or C1 control
    // character, DEL, or line / paragraph separator (U+2028, U+2029).
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(name[k]); };
        std::uint32_t code = 0;
        if (byte(i) < 0x20 || byte(i) == 0x7F)
            code = byte(i);
        else if (byte(i) == 0xC2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9F)
            code = byte(i + 1);
        else if (byte(i) == 0xE2 && byte(i + 1) == 0x80 &&
                 (byte(i + 2) == 0xA8 || byte(i + 2) == 0xA9))
            code = 0x2000u | (byte(i + 2) - 0x80u);
        if (code != 0 || name[i] == '\0')
            return fmt::format("contains the control character U+{:04X} at byte {}", code, i + 1);
    }
    return {};
}

// --- Opening -----------------------------------------------------------------

Project::Project(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Project::Project(Project&&) noexcept = default;
Project& Project::operator=(Project&&) noexcept = default;
Project::~Project() = default;

Project Project::create(const std::filesystem::path& dir, std::string_view name) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) fail(dir, fmt::format("cannot create the project folder: {}", ec.message()));
    const std::filesystem::path file = dir / kProjectFileName;
    if (std::filesystem::exists(file))
        fail(dir, fmt::format("already holds a Tessera project ({})", kProjectFileName));
    const std::filesystem::path db_path = dir / kDatabaseFileName;
    if (std::filesystem::exists(db_path))
        fail(db_path, "already exists; choose an empty folder for a new project");
    {
        Database db(db_path, OpenMode::ReadWriteCreate);
        register_checksum_function(db);
        // Pages of 64 KiB (SQLite's largest): an annotation set (a few KB, often
        // more than a 4 KiB page holds) fits one page instead of a chain of
        // overflow pages, and a bulk import writes, syncs and checkpoints 16 times
        // fewer pages (half the importing thread's CPU time for 1M annotations).
        // The cost: a small edit writes one 64 KiB page to the WAL instead of
        // 4 KiB. Set before the first write; existing projects keep their size.
        db.exec(fmt::format("PRAGMA page_size = {}", kPageSize));
        db.exec("PRAGMA journal_mode = WAL");
        db.exec(
            fmt::format("BEGIN IMMEDIATE; {} INSERT INTO meta(key, value) VALUES "
                        "('database_version', {}); COMMIT;",
                        current_schema_sql(), kDatabaseVersion));
        // The counter file is created with the database (0 commits), so that
        // a WAL lost before the first checkpoint is noticed too.
        CommitCounter counter(db_path);
        if (!counter.write({}, true))
            fail(counter.path(), "cannot create the commit counter file beside the database");
    }
    ProjectFile contents;
    contents.settings.name = std::string(name);
    if (contents.settings.name.empty()) {
        std::filesystem::path folder = std::filesystem::absolute(dir).lexically_normal();
        if (folder.filename().empty()) folder = folder.parent_path();  // "dir/" names "dir"
        contents.settings.name = folder.filename().string();
    }
    write_project_file(file, contents);
    return open(dir);
}

Project Project::open(const std::filesystem::path& dir, IfDamaged if_damaged) {
    if (!std::filesystem::exists(dir)) fail(dir, "no such project folder");
    if (!std::filesystem::is_directory(dir))
        fail(dir, "is not a folder, expected a project folder");
    const std::filesystem::path file = dir / kProjectFileName;
    if (!std::filesystem::exists(file))
        fail(dir,
             fmt::format("not a Tessera project (it has no {}; create one with `tessera init`)",
                         kProjectFileName));
    ProjectFile contents = read_project_file(file);
    const std::filesystem::path db_path = dir / contents.database;
    if (!std::filesystem::exists(db_path)) fail(db_path, "the project's database is missing");
    if (const std::string problem = database_file_problem(db_path); !problem.empty())
        fail(db_path, problem);
    auto impl =
        std::make_unique<Impl>(dir, db_path, std::move(contents.settings), open_mode_for(db_path));
    impl->open_checked(if_damaged == IfDamaged::Refuse);
    return Project(std::move(impl));
}

void Project::Impl::migrate(std::int64_t found) {
    try {
        db.exec("BEGIN IMMEDIATE");
        // Another process may have migrated the project since the check.
        Statement version = db.prepare("SELECT value FROM meta WHERE key = 'database_version'");
        const std::int64_t now = version.step() ? version.column_int64(0) : found;
        version.reset();
        if (now > kDatabaseVersion)
            fail(fmt::format("database version {} appeared meanwhile", now));
        for (const Migration& migration : kMigrations)
            if (migration.version > now) db.exec(migration.sql);
        db.exec(fmt::format("UPDATE meta SET value = {} WHERE key = 'database_version'; COMMIT",
                            kDatabaseVersion));
    } catch (const Error& e) {
        if (db.in_transaction()) {
            try {
                db.exec("ROLLBACK");
            } catch (const Error&) {  // closing the connection rolls back too
            }
        }
        // Errors name the database already; the message names it once.
        std::string_view reason = e.what();
        if (const std::string prefix = db_path.generic_string() + ": "; reason.starts_with(prefix))
            reason.remove_prefix(prefix.size());
        fail(fmt::format("cannot migrate the database from version {} to {} (it is unchanged): {}",
                         found, kDatabaseVersion, reason));
    }
}

const std::filesystem::path& Project::dir() const {
    return impl_->dir;
}
const ProjectSettings& Project::settings() const {
    return impl_->settings;
}
const std::filesystem::path& Project::database_path() const {
    return impl_->db_path;
}
const std::vector<std::string>& Project::damage() const {
    return impl_->damage;
}
bool Project::read_only() const {
    return impl_->read_only;
}

std::vector<std::string> Project::integrity_problems() const {
    std::vector<std::string> problems;
    ResetGuard q(impl_->sql("PRAGMA integrity_check"));
    while (q->step()) {
        const std::string line(q->column_text(0));
        if (line != "ok") problems.push_back(fmt::format("{}: {}", impl_->db_path.string(), line));
    }
    return problems;
}

void Project::begin_snapshot() const {
    if (impl_->snapshots > 0) {  // inside a snapshot already: it goes on
        ++impl_->snapshots;
        return;
    }
    if (impl_->transaction_open) impl_->fail("a snapshot cannot start inside a write transaction");
    ResetGuard begin(impl_->sql("BEGIN DEFERRED"));
    begin->step();
    // A deferred transaction takes its snapshot at the first read.
    ResetGuard read(impl_->sql("SELECT count(*) FROM items"));
    try {
        read->step();
    } catch (...) {
        ResetGuard rollback(impl_->sql("ROLLBACK"));
        try {
            rollback->step();
        } catch (const Error&) {  // closing the connection ends it too
        }
        throw;
    }
    impl_->snapshots = 1;
}

void Project::end_snapshot() const {
    if (impl_->snapshots == 0 || --impl_->snapshots > 0) return;
    ResetGuard q(impl_->sql("COMMIT"));
    q->step();
}

std::uint64_t Project::others_version() const {
    ResetGuard q(impl_->sql("PRAGMA data_version"));
    q->step();
    return static_cast<std::uint64_t>(q->column_int64(0));
}

// --- Reading -----------------------------------------------------------------

std::size_t Project::item_count() const {
    ResetGuard q(impl_->sql("SELECT count(*) FROM items"));
    q->step();
    return static_cast<std::size_t>(q->column_int64(0));
}

std::vector<ItemSummary> Project::items() const {
    ResetGuard q(impl_->sql("SELECT id, uri, kind, state, assignee FROM items ORDER BY id"));
    std::vector<ItemSummary> result;
    while (q->step()) {
        ItemSummary& s = result.emplace_back();
        s.id = static_cast<ItemId>(q->column_int64(0));
        s.uri = std::string(q->column_text(1));
        s.kind = static_cast<v1::MediaKind>(q->column_int64(2));
        s.state = static_cast<v1::ItemState>(q->column_int64(3));
        s.assignee = std::string(q->column_text(4));
    }
    return result;
}

std::vector<ItemId> Project::find_items(const ItemQuery& query) const {
    // One literal per combination: statements are cached by their text. With
    // an assignee, the index on (assignee, state) finds the rows; with a state
    // as well they come out of it in id order, so LIMIT stops the scan early.
    std::string_view text = "SELECT id FROM items ORDER BY id LIMIT ?3";
    if (query.assignee && query.state)
        text = "SELECT id FROM items WHERE assignee = ?1 AND state = ?2 ORDER BY id LIMIT ?3";
    else if (query.assignee)
        text = "SELECT id FROM items WHERE assignee = ?1 ORDER BY id LIMIT ?3";
    else if (query.state)
        text = "SELECT id FROM items WHERE state = ?2 ORDER BY id LIMIT ?3";
    ResetGuard q(impl_->sql(text));
    if (query.assignee) q->bind_text(1, *query.assignee);
    if (query.state) q->bind(2, static_cast<std::int64_t>(*query.state));
    // A negative LIMIT is no limit.
    q->bind(3, query.limit > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())
                   ? -1
                   : static_cast<std::int64_t>(query.limit));
    std::vector<ItemId> ids;
    while (q->step()) ids.push_back(static_cast<ItemId>(q->column_int64(0)));
    return ids;
}

std::string Project::assignee(ItemId id) const {
    ResetGuard q(impl_->sql("SELECT assignee FROM items WHERE id = ?1"));
    q->bind(1, as_sql(id));
    if (!q->step()) impl_->fail(fmt::format("item {} does not exist", id));
    return std::string(q->column_text(0));
}

ItemSummary Project::summary(ItemId id) const {
    ResetGuard q(impl_->sql("SELECT uri, kind, state, assignee FROM items WHERE id = ?1"));
    q->bind(1, as_sql(id));
    if (!q->step()) impl_->fail(fmt::format("item {} does not exist", id));
    return {id, std::string(q->column_text(0)), static_cast<v1::MediaKind>(q->column_int64(1)),
            static_cast<v1::ItemState>(q->column_int64(2)), std::string(q->column_text(3))};
}

std::map<std::string, std::map<v1::ItemState, std::size_t>> Project::assignee_counts() const {
    ResetGuard q(
        impl_->sql("SELECT assignee, state, count(*) FROM items GROUP BY assignee, state"));
    std::map<std::string, std::map<v1::ItemState, std::size_t>> counts;
    while (q->step())
        counts[std::string(q->column_text(0))][static_cast<v1::ItemState>(q->column_int64(1))] =
            static_cast<std::size_t>(q->column_int64(2));
    return counts;
}

// Roles live in a table made when the first role is given: programs that know
// no roles open the project as before (and do not enforce them).
Roles Project::roles() const {
    Roles roles;
    {
        ResetGuard q(impl_->sql("SELECT value FROM meta WHERE key = 'self_review'"));
        roles.self_review = q->step() && q->column_int64(0) != 0;
    }
    ResetGuard exists(
        impl_->sql("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'roles'"));
    if (!exists->step() || exists->column_int64(0) == 0) return roles;
    // Not cached: the table may not exist when the statement cache is filled.
    Statement q = impl_->db.prepare("SELECT user, role FROM roles");
    while (q.step())
        if (const auto role = static_cast<Role>(q.column_int64(1));
            role >= Role::Annotator && role <= Role::Lead)
            roles.users.emplace(std::string(q.column_text(0)), role);
    return roles;
}

void Project::set_role(std::string_view user, std::optional<Role> role) {
    if (const std::string problem = assignee_problem(user); !problem.empty() || user.empty())
        impl_->fail(fmt::format("user name {}", user.empty() ? "is empty" : problem));
    Transaction transaction = begin();
    impl_->db.exec(
        "CREATE TABLE IF NOT EXISTS roles(user TEXT PRIMARY KEY, role INTEGER NOT NULL)");
    if (role) {
        Statement q = impl_->db.prepare(
            "INSERT INTO roles(user, role) VALUES (?1, ?2) ON CONFLICT(user) DO UPDATE SET role = "
            "excluded.role");
        q.bind_text(1, user).bind(2, static_cast<std::int64_t>(*role));
        q.step();
    } else {
        Statement q = impl_->db.prepare("DELETE FROM roles WHERE user = ?1");
        q.bind_text(1, user);
        q.step();
    }
    transaction.commit();
}

void Project::set_self_review(bool allowed) {
    Transaction transaction = begin();
    ResetGuard q(impl_->sql(
        "INSERT INTO meta(key, value) VALUES ('self_review', ?1) ON CONFLICT(key) DO UPDATE SET "
        "value = excluded.value"));
    q->bind(1, allowed ? 1 : 0);
    q->step();
    transaction.commit();
}

bool Project::has_item(ItemId id) const {
    ResetGuard q(impl_->sql("SELECT 1 FROM items WHERE id = ?1"));
    q->bind(1, as_sql(id));
    return q->step();
}

std::optional<ItemId> Project::find_item(std::string_view uri) const {
    ResetGuard q(impl_->sql("SELECT id FROM items WHERE uri = ?1"));
    q->bind_text(1, uri);
    if (!q->step()) return std::nullopt;
    return static_cast<ItemId>(q->column_int64(0));
}

Bytes Project::item(ItemId id) const {
    Impl& impl = *impl_;
    ResetGuard q(impl.sql("SELECT uri, item FROM items WHERE id = ?1"));
    q->bind(1, as_sql(id));
    if (!q->step()) impl.fail(fmt::format("item {} does not exist", id));
    const auto* item = verified_root<v1::Item>(q->column_blob(1), v1::ItemIdentifier(),
                                               impl.what(fmt::format("item {}", id)));
    const std::string_view uri = q->column_text(0);
    if (item->id() != id || item->media() == nullptr || item->media()->uri() == nullptr ||
        item->media()->uri()->string_view() != uri)
        impl.fail(fmt::format("item {}: stored item does not match its row (id {}, URI \"{}\")", id,
                              item->id(), uri));
    return to_bytes(q->column_blob(1));
}

Bytes Project::annotations(ItemId id) const {
    Impl& impl = *impl_;
    ResetGuard q(impl.sql(kSetOfItem));
    q->bind(1, as_sql(id));
    if (!q->step()) impl.fail(fmt::format("item {} does not exist", id));
    if (!q->column_is_null(1)) {
        (void)impl.verified_set(q->column_blob(1), q->column_int64(2), id);
        return to_bytes(q->column_blob(1));
    }
    flatbuffers::FlatBufferBuilder builder(64);
    v1::FinishAnnotationSetBuffer(builder, v1::CreateAnnotationSet(builder, id, 0));
    return to_bytes(finished(builder));
}

std::map<v1::ItemState, std::size_t> Project::state_counts() const {
    ResetGuard q(impl_->sql("SELECT state, count(*) FROM items GROUP BY state"));
    std::map<v1::ItemState, std::size_t> counts;
    while (q->step())
        counts[static_cast<v1::ItemState>(q->column_int64(0))] =
            static_cast<std::size_t>(q->column_int64(1));
    return counts;
}

Bytes Project::label_schema() const {
    Impl& impl = *impl_;
    ResetGuard q(impl.sql("SELECT data FROM label_schema WHERE id = 1"));
    if (q->step()) {
        (void)verified_root<v1::LabelSchema>(q->column_blob(0), v1::LabelSchemaIdentifier(),
                                             impl.what("label schema"));
        return to_bytes(q->column_blob(0));
    }
    flatbuffers::FlatBufferBuilder builder(64);
    v1::FinishLabelSchemaBuffer(builder, v1::CreateLabelSchema(builder));
    return to_bytes(finished(builder));
}

std::uint64_t Project::journal_size() const {
    // Sequence numbers are dense: the journal is append-only and AUTOINCREMENT
    // rolls back with its transaction.
    ResetGuard q(impl_->sql("SELECT coalesce(max(seq), 0) FROM journal"));
    q->step();
    return static_cast<std::uint64_t>(q->column_int64(0));
}

Bytes Project::journal_entry(std::uint64_t seq) const {
    Impl& impl = *impl_;
    ResetGuard q(impl.sql("SELECT batch FROM journal WHERE seq = ?1"));
    q->bind(1, as_sql(seq));
    if (!q->step())
        impl.fail(fmt::format("the journal has no entry {} (it holds {})", seq, journal_size()));
    (void)verified_root<v1::EditBatch>(q->column_blob(0), v1::EditBatchIdentifier(),
                                       impl.what(fmt::format("journal entry {}", seq)));
    return to_bytes(q->column_blob(0));
}

std::vector<Bytes> Project::reviews(ItemId id) const {
    Impl& impl = *impl_;
    impl.require_item(id);
    ResetGuard q(impl.sql("SELECT id, record FROM reviews WHERE item = ?1 ORDER BY id"));
    q->bind(1, as_sql(id));
    std::vector<Bytes> result;
    while (q->step()) {
        (void)verified_root<v1::ReviewRecord>(
            q->column_blob(1), v1::ReviewRecordIdentifier(),
            impl.what(fmt::format("review {} of item {}", q->column_int64(0), id)));
        result.push_back(to_bytes(q->column_blob(1)));
    }
    return result;
}

// --- Edits -------------------------------------------------------------------

void Project::Impl::apply_edit(v1::EditOpT& op, std::size_t index,
                               std::map<ItemId, LoadedSet>& sets, AnnotationId next_id,
                               AnnotationId& fresh) {
    const v1::Edit type = op.edit.type;
    const std::string context =
        fmt::format("edit batch, op {} ({}): ", index + 1,
                    type <= v1::Edit::MAX ? v1::EnumNameEdit(type) : "unknown");
    auto set_of = [&](ItemId item) -> v1::AnnotationSetT& {
        auto it = sets.find(item);
        if (it == sets.end()) it = sets.emplace(item, load_set(item, context)).first;
        return it->second.set;
    };
    switch (type) {
        case v1::Edit::AddAnnotation: {
            auto& add = *op.edit.AsAddAnnotation();
            if (!add.annotation) fail(context + "the annotation is missing");
            v1::AnnotationSetT& set = set_of(add.item);
            AnnotationId& id = add.annotation->id;
            if (id == 0) {
                id = fresh++;
            } else {
                if (id >= next_id)
                    fail(
                        fmt::format("{}annotation id {} was never assigned by this project; "
                                    "use 0 to get a new one",
                                    context, id));
                if (find_annotation(set, id) != set.annotations.end())
                    fail(fmt::format("{}item {} already has an annotation {}", context, add.item,
                                     id));
            }
            set.annotations.push_back(std::make_unique<v1::AnnotationT>(*add.annotation));
            return;
        }
        case v1::Edit::UpdateAnnotation: {
            auto& update = *op.edit.AsUpdateAnnotation();
            if (!update.annotation) fail(context + "the annotation is missing");
            v1::AnnotationSetT& set = set_of(update.item);
            const auto it = find_annotation(set, update.annotation->id);
            if (it == set.annotations.end())
                fail(fmt::format("{}item {} has no annotation {}", context, update.item,
                                 update.annotation->id));
            *it = std::make_unique<v1::AnnotationT>(*update.annotation);
            return;
        }
        case v1::Edit::DeleteAnnotation: {
            auto& remove = *op.edit.AsDeleteAnnotation();
            v1::AnnotationSetT& set = set_of(remove.item);
            const auto it = find_annotation(set, remove.annotation);
            if (it == set.annotations.end())
                fail(fmt::format("{}item {} has no annotation {}", context, remove.item,
                                 remove.annotation));
            set.annotations.erase(it);
            return;
        }
        case v1::Edit::SetItemState: {
            auto& state = *op.edit.AsSetItemState();
            set_state(state.item, state.state, context);
            return;
        }
        case v1::Edit::SetAssignee: {
            const auto& assign = *op.edit.AsSetAssignee();
            set_assignee(assign.item, assign.assignee, context);
            return;
        }
        default:
            fail(fmt::format("{}edit type {} is not known to this program", context,
                             static_cast<int>(type)));
    }
}

std::uint64_t Project::apply(std::span<const std::uint8_t> edit_batch) {
    const auto* batch =
        verified_root<v1::EditBatch>(edit_batch, v1::EditBatchIdentifier(), "edit batch");
    Transaction transaction = begin();
    const std::uint64_t seq = impl_->apply_batch(*batch);
    transaction.commit();
    return seq;
}

std::uint64_t Project::Impl::apply_batch(const v1::EditBatch& batch) {
    if (const std::string problem = batch_value_problem(batch); !problem.empty())
        fail(problem + "; nothing of the batch was applied: correct it and apply it again");
    v1::EditBatchT edits;
    batch.UnPackTo(&edits);

    std::uint64_t to_assign = 0;
    for (const auto& op : edits.ops)
        if (const auto* add = op ? op->edit.AsAddAnnotation() : nullptr;
            add != nullptr && add->annotation && add->annotation->id == 0)
            ++to_assign;
    const AnnotationId next_id = next_annotation_id();
    AnnotationId fresh = to_assign > 0 ? allocate_annotation_ids(to_assign) : next_id;

    std::map<ItemId, LoadedSet> sets;
    for (std::size_t i = 0; i < edits.ops.size(); ++i) {
        if (!edits.ops[i]) fail(fmt::format("edit batch, op {}: missing", i + 1));
        apply_edit(*edits.ops[i], i, sets, next_id, fresh);
    }
    check_references(edits, sets);
    for (const auto& [item, loaded] : sets) write_set(item, loaded.revision + 1, loaded.set);

    // The journal keeps the batch as applied, with the assigned ids filled in.
    builder.Clear();
    v1::FinishEditBatchBuffer(builder, v1::CreateEditBatch(builder, &edits));
    const auto applied = finished(builder);
    return append_journal(applied, *flatbuffers::GetRoot<v1::EditBatch>(applied.data()));
}

void Project::Impl::check_references(const v1::EditBatchT& edits,
                                     const std::map<ItemId, LoadedSet>& sets) {
    std::map<ItemId, std::unordered_set<AnnotationId>> ids;  // of each touched item, when needed
    for (std::size_t i = 0; i < edits.ops.size(); ++i) {
        const v1::EditOpT& op = *edits.ops[i];
        ItemId item = 0;
        const v1::AnnotationT* annotation = nullptr;
        if (const auto* add = op.edit.AsAddAnnotation())
            item = add->item, annotation = add->annotation.get();
        else if (const auto* update = op.edit.AsUpdateAnnotation())
            item = update->item, annotation = update->annotation.get();
        if (annotation == nullptr || (annotation->parent == 0 && annotation->relations.empty()))
            continue;
        auto [known, fresh] = ids.try_emplace(item);
        if (fresh)
            for (const auto& a : sets.at(item).set.annotations)
                if (a) known->second.insert(a->id);
        const auto refuse = [&](std::string_view what, AnnotationId target) {
            fail(fmt::format(
                "edit batch, op {} ({}): item {}, annotation {}: {} {} is not an "
                "annotation of this item; nothing of the batch was applied",
                i + 1, v1::EnumNameEdit(op.edit.type), item, annotation->id, what, target));
        };
        if (annotation->parent != 0 && !known->second.count(annotation->parent))
            refuse("parent", annotation->parent);
        for (const auto& relation : annotation->relations)
            if (relation && !known->second.count(relation->target))
                refuse("relation target", relation->target);
    }
}

void Project::add_review(std::span<const std::uint8_t> review_record) {
    Impl& impl = *impl_;
    const auto* record = verified_root<v1::ReviewRecord>(
        review_record, v1::ReviewRecordIdentifier(), "review record");
    if (record->verdict() > v1::Verdict::MAX)
        impl.fail(fmt::format("review of item {}: verdict {} is not known", record->item(),
                              static_cast<int>(record->verdict())));
    Transaction transaction = begin();
    impl.require_item(record->item(), "review: ");
    {
        ResetGuard q(impl.sql("INSERT INTO reviews(item, time, record) VALUES (?1, ?2, ?3)"));
        q->bind(1, as_sql(record->item())).bind(2, record->time()).bind_blob(3, review_record);
        q->step();
    }
    impl.set_state(record->item(), record->verdict() == v1::Verdict::Accept
                                       ? v1::ItemState::Accepted
                                       : v1::ItemState::Rejected);
    transaction.commit();
}

Transaction Project::begin() {
    if (impl_->transaction_open)
        impl_->fail("a write transaction is already open on this connection");
    return Transaction(impl_.get());
}

// --- Transaction -------------------------------------------------------------

Transaction::Transaction(Project::Impl* impl) : impl_(impl) {
    impl_->require_writable();
    ResetGuard q(impl_->sql("BEGIN IMMEDIATE"));
    q->step();
    impl_->clear_transaction_state();
    impl_->transaction_open = true;
}

Transaction::Transaction(Transaction&& other) noexcept
    : impl_(other.impl_), done_(std::exchange(other.done_, true)) {}

Transaction::~Transaction() {
    if (done_) return;
    impl_->clear_transaction_state();
    // SQLite may already have rolled back after some errors (disk full, I/O).
    if (impl_->db.in_transaction()) {
        try {
            ResetGuard q(impl_->sql("ROLLBACK"));
            q->step();
        } catch (const Error&) {
            // Nothing more to do: closing the connection ends the transaction.
        }
    }
}

namespace {

/// `item` as a tessera.v1.Item buffer with id `id`, its metadata sorted by key.
std::span<const std::uint8_t> encode_item(flatbuffers::FlatBufferBuilder& builder, ItemId id,
                                          const v1::ItemT& item) {
    builder.Clear();
    const auto media = v1::CreateMedia(builder, item.media.get());
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<v1::KeyValue>>> metadata;
    if (!item.metadata.empty()) {
        std::vector<flatbuffers::Offset<v1::KeyValue>> entries;
        entries.reserve(item.metadata.size());
        for (const auto& kv : item.metadata)
            if (kv) entries.push_back(v1::CreateKeyValue(builder, kv.get()));
        metadata = builder.CreateVectorOfSortedTables(&entries);
    }
    const auto subset = item.subset.empty() ? 0 : builder.CreateString(item.subset);
    const auto name = item.name.empty() ? 0 : builder.CreateString(item.name);
    v1::FinishItemBuffer(builder, v1::CreateItem(builder, id, media, metadata, subset, name));
    return finished(builder);
}

}  // namespace

ItemId Transaction::add_item(const v1::ItemT& item) {
    Project::Impl& impl = *impl_;
    if (!item.media || item.media->uri.empty()) impl.fail("an item needs a media URI");
    if (!impl.next_item_id) {
        ResetGuard q(impl.sql("SELECT coalesce(max(id), 0) FROM items"));
        q->step();
        impl.next_item_id = static_cast<ItemId>(q->column_int64(0)) + 1;
    }
    const ItemId id = *impl.next_item_id;
    ResetGuard q(
        impl.sql("INSERT INTO items(id, uri, kind, state, item) VALUES (?1, ?2, ?3, 0, ?4)"));
    q->bind(1, as_sql(id))
        .bind_text(2, item.media->uri)
        .bind(3, static_cast<std::int64_t>(item.media->kind))
        .bind_blob(4, encode_item(impl.builder, id, item));
    try {
        q->step();
    } catch (const ConstraintError&) {
        impl.fail(fmt::format("an item with media URI \"{}\" already exists", item.media->uri));
    }
    ++*impl.next_item_id;
    return id;
}

void Transaction::update_item(ItemId id, const v1::ItemT& item) {
    Project::Impl& impl = *impl_;
    if (!item.media) impl.fail(fmt::format("item {}: an item needs its media", id));
    ResetGuard q(impl.sql("UPDATE items SET item = ?2 WHERE id = ?1 AND uri = ?3 AND kind = ?4"));
    q->bind(1, as_sql(id))
        .bind_blob(2, encode_item(impl.builder, id, item))
        .bind_text(3, item.media->uri)
        .bind(4, static_cast<std::int64_t>(item.media->kind));
    q->step();
    if (impl.db.changes() != 1)
        impl.fail(fmt::format("item {} does not exist with media \"{}\" of that kind", id,
                              item.media->uri));
}

AnnotationId Transaction::allocate_annotation_ids(std::uint64_t count) {
    return impl_->allocate_annotation_ids(count);
}

namespace {

/// Why `annotations` cannot be stored as `item`'s set (an annotation without an
/// id, an id twice); empty when they can.
std::string id_problem(ItemId item, const v1::AnnotationSetT& annotations) {
    std::vector<AnnotationId> ids;
    ids.reserve(annotations.annotations.size());
    for (const auto& annotation : annotations.annotations) {
        if (!annotation) continue;
        if (annotation->id == 0)
            return fmt::format("item {}: annotation \"{}\" has no id (allocate ids first)", item,
                               annotation->label);
        ids.push_back(annotation->id);
    }
    std::sort(ids.begin(), ids.end());
    if (const auto dup = std::adjacent_find(ids.begin(), ids.end()); dup != ids.end())
        return fmt::format("item {}: annotation id {} appears twice", item, *dup);
    return {};
}

/// Why `annotations` may not be stored as `item`'s set because of a string
/// they hold (see batch_value_problem); empty when they may. Checked before
/// packing, on the unpacked strings: an import pays no FlatBuffers look-ups,
/// and `missing_provenance`, shared by every annotation without one, once.
std::string set_text_problem(ItemId item, const v1::AnnotationSetT& annotations,
                             const v1::ProvenanceT* missing_provenance) {
    const auto problem_of = [&](std::uint64_t id, std::string problem) {
        return fmt::format(
            "item {}, annotation {}, {}; text may not hold NUL bytes or invalid "
            "UTF-8: correct the source and import again",
            item, id, problem);
    };
    for (const auto& annotation : annotations.annotations)
        if (annotation)
            if (std::string problem = first_unstorable_text(*annotation); !problem.empty())
                return problem_of(annotation->id, std::move(problem));
    if (missing_provenance != nullptr) {
        for (const auto& [what, text] : {std::pair{"author", &missing_provenance->author},
                                         {"model", &missing_provenance->model}})
            if (std::string why = unstorable_text(*text); !why.empty())
                return fmt::format("item {}: the provenance given to its annotations: {} {}", item,
                                   what, why);
    }
    return {};
}

}  // namespace

PackedAnnotations pack_annotations(ItemId item, std::uint64_t revision,
                                   const v1::AnnotationSetT& annotations,
                                   const v1::ProvenanceT* missing_provenance) {
    PackedAnnotations packed;
    packed.item_ = item;
    packed.revision_ = revision;
    packed.problem_ = id_problem(item, annotations);
    if (packed.problem_.empty())
        packed.problem_ = set_text_problem(item, annotations, missing_provenance);
    if (!packed.problem_.empty()) return packed;
    // About 100 bytes per annotation: one allocation for most sets.
    flatbuffers::FlatBufferBuilder builder(1024 + 128 * annotations.annotations.size());
    finish_annotation_set(builder, item, revision, annotations, missing_provenance);
    packed.buffer_ = builder.Release();
    return packed;
}

void Transaction::set_annotations(ItemId item, const v1::AnnotationSetT& annotations) {
    Project::Impl& impl = *impl_;
    if (const std::string problem = id_problem(item, annotations); !problem.empty())
        impl.fail(problem);
    if (const std::string problem = set_text_problem(item, annotations, nullptr); !problem.empty())
        impl.fail(problem);
    impl.write_set(item, impl.set_revision(item) + 1, annotations);
}

void Transaction::set_annotations(const PackedAnnotations& annotations) {
    Project::Impl& impl = *impl_;
    if (!annotations.problem_.empty()) impl.fail(annotations.problem_);
    if (annotations.buffer_.size() == 0)
        impl.fail(fmt::format("item {}: the annotation set was not packed (use pack_annotations)",
                              annotations.item_));
    const std::uint64_t revision = impl.set_revision(annotations.item_);
    if (annotations.revision_ != revision + 1)
        impl.fail(
            fmt::format("item {}: annotations packed as revision {}, but the stored set "
                        "is at revision {}",
                        annotations.item_, annotations.revision_, revision));
    impl.store_set(annotations.item_, annotations.revision_,
                   {annotations.buffer_.data(), annotations.buffer_.size()});
}

std::uint64_t Transaction::annotations_revision(ItemId item) {
    return impl_->set_revision(item);
}

void Transaction::set_label_schema(const v1::LabelSchemaT& schema) {
    auto& builder = impl_->builder;
    builder.Clear();
    v1::FinishLabelSchemaBuffer(builder, v1::CreateLabelSchema(builder, &schema));
    ResetGuard q(impl_->sql("INSERT OR REPLACE INTO label_schema(id, data) VALUES (1, ?1)"));
    q->bind_blob(1, finished(builder));
    q->step();
}

void Transaction::set_state(ItemId item, v1::ItemState state) {
    impl_->set_state(item, state);
}

std::uint64_t Transaction::append_journal(std::span<const std::uint8_t> edit_batch) {
    const auto* batch =
        verified_root<v1::EditBatch>(edit_batch, v1::EditBatchIdentifier(), "edit batch");
    return impl_->append_journal(edit_batch, *batch);
}

std::uint64_t Transaction::apply(std::span<const std::uint8_t> edit_batch) {
    Project::Impl& impl = *impl_;
    if (done_) impl.fail("the transaction was already committed");
    const auto* batch =
        verified_root<v1::EditBatch>(edit_batch, v1::EditBatchIdentifier(), "edit batch");
    // A savepoint makes a refused batch leave the transaction as it was.
    {
        ResetGuard q(impl.sql("SAVEPOINT apply_batch"));
        q->step();
    }
    try {
        const std::uint64_t seq = impl.apply_batch(*batch);
        ResetGuard q(impl.sql("RELEASE apply_batch"));
        q->step();
        return seq;
    } catch (...) {
        if (impl.db.in_transaction()) {
            ResetGuard rollback(impl.sql("ROLLBACK TO apply_batch"));
            rollback->step();
            ResetGuard release(impl.sql("RELEASE apply_batch"));
            release->step();
        }
        throw;
    }
}

void Transaction::commit() {
    if (done_) impl_->fail("the transaction was already committed");
    impl_->commit_counted();
    done_ = true;
    impl_->clear_transaction_state();
}

}  // namespace tessera::store
