#pragma once
// A Tessera project: a folder holding a human-readable project file
// (tessera-project.json) and an SQLite database (project.db) in WAL mode with
// synchronous=FULL. Every write is one transaction; a killed process loses
// nothing that was reported as committed.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_api.hpp"
#include "store/roles.hpp"

namespace tessera::store {

using ItemId = std::uint64_t;
using AnnotationId = std::uint64_t;
using Bytes = std::vector<std::uint8_t>;

/// Version of the database layout this program reads and writes. Opening a
/// project of an older version migrates it (2: item assignees; 3: a checksum
/// beside each annotation set and a commit counter).
inline constexpr int kDatabaseVersion = 3;
/// Name of the project file inside a project folder.
inline constexpr std::string_view kProjectFileName = "tessera-project.json";
/// Name of the database inside a project folder.
inline constexpr std::string_view kDatabaseFileName = "project.db";

/// One row of the item list.
struct ItemSummary {
    ItemId id = 0;
    std::string uri;
    v1::MediaKind kind = v1::MediaKind::Unknown;
    v1::ItemState state = v1::ItemState::New;
    /// User name of the annotator the item is assigned to; empty = unassigned.
    std::string assignee;
};

/// Which items Project::find_items returns; unset members match every item.
struct ItemQuery {
    /// Items assigned to this user; "" = unassigned items.
    std::optional<std::string> assignee;
    /// Items in this workflow state.
    std::optional<v1::ItemState> state;
    /// At most this many items (the lowest ids).
    std::size_t limit = SIZE_MAX;
};

/// Why `name` cannot be an item's assignee (control characters, invalid UTF-8,
/// a leading or trailing space, over kMaxAssigneeBytes); empty when it can.
/// The empty name is valid: it means unassigned.
[[nodiscard]] std::string assignee_problem(std::string_view name);
/// Longest assignee name, in bytes.
inline constexpr std::size_t kMaxAssigneeBytes = 256;

/// Settings of the project file.
struct ProjectSettings {
    std::string name;
    /// "FULL" (default) or "NORMAL"; FULL makes every commit survive power loss.
    std::string synchronous = "FULL";
};

class Transaction;

/// What Project::open does when its checks find the project damaged (commits
/// lost with the WAL, a half-written import).
enum class IfDamaged {
    Refuse,  ///< throw Error saying what is wrong and what to do
    /// Open it anyway for reading, with the problems in Project::damage(); it
    /// refuses writes, which would hide the evidence. For `tessera validate`.
    Report,
};

/// An item's annotation set packed for storage by pack_annotations, so that
/// packing can run on another thread while a Transaction stores earlier sets.
class PackedAnnotations {
public:
    PackedAnnotations() = default;

    /// The item the set belongs to.
    [[nodiscard]] ItemId item() const { return item_; }
    /// The revision the set was packed as: the item's current revision + 1.
    [[nodiscard]] std::uint64_t revision() const { return revision_; }

private:
    friend PackedAnnotations pack_annotations(ItemId item, std::uint64_t revision,
                                              const v1::AnnotationSetT& annotations,
                                              const v1::ProvenanceT* missing_provenance);
    friend class Transaction;

    ItemId item_ = 0;
    std::uint64_t revision_ = 0;
    std::string problem_;  ///< why the set cannot be stored; empty when it can
    flatbuffers::DetachedBuffer buffer_;
};

/// Packs `annotations` as revision `revision` of `item`'s set; those without
/// provenance get `missing_provenance` (none when null). Needs no project
/// and may run on any thread; the checks of Transaction::set_annotations (every
/// annotation has an id, no id twice) are reported when the set is stored.
[[nodiscard]] PackedAnnotations pack_annotations(
    ItemId item, std::uint64_t revision, const v1::AnnotationSetT& annotations,
    const v1::ProvenanceT* missing_provenance = nullptr);

/// An open project. Not thread-safe: use one Project per thread; several
/// processes may open the same project, one writing while others read.
class Project {
public:
    /// Creates a new project in `dir` (created if missing; must not already hold a project).
    [[nodiscard]] static Project create(const std::filesystem::path& dir, std::string_view name);
    /// Opens an existing project; throws Error when `dir` is not a project, or was
    /// written by a newer program (database version above kDatabaseVersion).
    /// A database of an older version is migrated to kDatabaseVersion first, in
    /// one transaction (programs older than this one then refuse the project).
    /// An empty or foreign database file is refused before anything writes it.
    /// A folder or database that cannot be written is opened read-only.
    [[nodiscard]] static Project open(const std::filesystem::path& dir,
                                      IfDamaged if_damaged = IfDamaged::Refuse);

    Project(Project&&) noexcept;
    Project& operator=(Project&&) noexcept;
    ~Project();

    [[nodiscard]] const std::filesystem::path& dir() const;
    [[nodiscard]] const ProjectSettings& settings() const;
    /// The SQLite database file (the project file's "database" key).
    [[nodiscard]] const std::filesystem::path& database_path() const;
    /// SQLite's integrity check: empty when the database is sound, else one
    /// line per problem, each naming the database file.
    [[nodiscard]] std::vector<std::string> integrity_problems() const;
    /// Damage found when the project was opened with IfDamaged::Report, one
    /// line per problem naming the file and what to do; empty when none.
    [[nodiscard]] const std::vector<std::string>& damage() const;
    /// True when the project was opened read-only because its folder or
    /// database cannot be written; writes then throw Error.
    [[nodiscard]] bool read_only() const;

    /// Reads between begin_snapshot() and end_snapshot() see one consistent
    /// state of the project, whatever other processes commit meanwhile. A
    /// snapshot begun inside another is part of it: the state stays the outer
    /// one's until the outermost ends. Use ReadSnapshot rather than calling
    /// these directly.
    void begin_snapshot() const;
    void end_snapshot() const;

    /// Moves whenever another connection (another process, or another Project
    /// on the same folder) commits; this connection's own commits leave it
    /// alone. Cheap enough to poll every frame to notice other writers.
    [[nodiscard]] std::uint64_t others_version() const;

    // --- Items -------------------------------------------------------------
    /// Number of items.
    [[nodiscard]] std::size_t item_count() const;
    /// All items ordered by id.
    [[nodiscard]] std::vector<ItemSummary> items() const;
    /// True when an item with this id exists.
    [[nodiscard]] bool has_item(ItemId id) const;
    /// The item whose media URI is exactly `uri`, if any.
    [[nodiscard]] std::optional<ItemId> find_item(std::string_view uri) const;
    /// The item as a verified tessera.v1.Item buffer; throws Error if it does not exist.
    [[nodiscard]] Bytes item(ItemId id) const;
    /// The item's annotations as a verified AnnotationSet buffer (an empty set
    /// when it has none); throws Error if the item does not exist.
    [[nodiscard]] Bytes annotations(ItemId id) const;
    /// Number of items in each workflow state.
    [[nodiscard]] std::map<v1::ItemState, std::size_t> state_counts() const;
    /// Ids of the items `query` selects, ascending. Served by an index on
    /// (assignee, state): fast on a million items.
    [[nodiscard]] std::vector<ItemId> find_items(const ItemQuery& query) const;
    /// The item's assignee ("" = unassigned); throws Error if it does not exist.
    [[nodiscard]] std::string assignee(ItemId id) const;
    /// The item's row (URI, kind, state, assignee); throws Error if it does not exist.
    [[nodiscard]] ItemSummary summary(ItemId id) const;
    /// Number of items per assignee ("" = unassigned) and workflow state.
    [[nodiscard]] std::map<std::string, std::map<v1::ItemState, std::size_t>> assignee_counts()
        const;

    // --- Label schema ------------------------------------------------------
    /// The project's label schema as a verified LabelSchema buffer; an empty
    /// schema (no classes) when none was set.
    [[nodiscard]] Bytes label_schema() const;

    // --- Roles -------------------------------------------------------------
    /// The project's roles (none in a project that never had any).
    [[nodiscard]] Roles roles() const;
    /// Gives `user` a role; nullopt takes it away. One transaction.
    void set_role(std::string_view user, std::optional<Role> role);
    /// Allows or forbids inspectors to review items they worked on.
    void set_self_review(bool allowed);

    // --- Edits -------------------------------------------------------------
    /// Applies one EditBatch buffer (verified first) in one transaction and
    /// appends it to the journal; returns its journal sequence number. Annotation
    /// ids of 0 in AddAnnotation are assigned. Throws Error and changes nothing
    /// if any edit is invalid (unknown item, unknown annotation id, bad
    /// assignee name, ...).
    std::uint64_t apply(std::span<const std::uint8_t> edit_batch);

    /// Number of journal entries.
    [[nodiscard]] std::uint64_t journal_size() const;
    /// Journal entry `seq` (1-based, in commit order) as a verified EditBatch buffer.
    [[nodiscard]] Bytes journal_entry(std::uint64_t seq) const;

    /// Stores a review record (verified) and sets the item's state to Accepted
    /// or Rejected in one transaction.
    void add_review(std::span<const std::uint8_t> review_record);
    /// Review records of one item, oldest first, as verified buffers.
    [[nodiscard]] std::vector<Bytes> reviews(ItemId id) const;

    /// Starts a write transaction for bulk work (imports). Nothing is visible to
    /// other connections until Transaction::commit(); dropping it rolls back.
    [[nodiscard]] Transaction begin();

    struct Impl;

private:
    explicit Project(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    friend class Transaction;
};

/// A consistent view of a project for a series of reads (exports, reports).
class ReadSnapshot {
public:
    explicit ReadSnapshot(const Project& project) : project_(project) { project_.begin_snapshot(); }
    ~ReadSnapshot() {
        try {
            project_.end_snapshot();
        } catch (...) {  // ending a read-only transaction loses nothing
        }
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

private:
    const Project& project_;
};

/// A write transaction on a project (BEGIN IMMEDIATE ... COMMIT). It must not
/// outlive its Project.
class Transaction {
public:
    Transaction(Transaction&&) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    /// Rolls back unless committed.
    ~Transaction();

    /// Adds an item (its id is assigned and returned; media.uri must be unique).
    ItemId add_item(const v1::ItemT& item);
    /// Replaces the stored record of item `id` (metadata, subset, name, media
    /// sizes) with `item`; its media URI and kind must stay as they are.
    void update_item(ItemId id, const v1::ItemT& item);
    /// Reserves `count` fresh annotation ids; returns the first of a consecutive run.
    AnnotationId allocate_annotation_ids(std::uint64_t count);
    /// Replaces the whole annotation set of an item (ids must already be assigned).
    void set_annotations(ItemId item, const v1::AnnotationSetT& annotations);
    /// Replaces the annotation set of `annotations.item()` with a packed one, which
    /// must have been packed as the item's current revision + 1.
    void set_annotations(const PackedAnnotations& annotations);
    /// The revision of an item's annotation set (0 while it has none); throws
    /// Error when the item does not exist.
    [[nodiscard]] std::uint64_t annotations_revision(ItemId item);
    /// Replaces the project's label schema.
    void set_label_schema(const v1::LabelSchemaT& schema);
    /// Sets an item's workflow state.
    void set_state(ItemId item, v1::ItemState state);
    /// Project::apply inside this transaction, so that what the batch does can
    /// depend on reads made in the same transaction (assign the first N
    /// unassigned items without another process taking them meanwhile). A
    /// batch that throws is rolled back alone, to a savepoint taken before it:
    /// the transaction stays usable and what it did before can still be
    /// committed (unless SQLite itself ended the transaction, after an I/O error).
    std::uint64_t apply(std::span<const std::uint8_t> edit_batch);
    /// Appends an EditBatch buffer to the journal; returns its sequence number.
    std::uint64_t append_journal(std::span<const std::uint8_t> edit_batch);
    /// Makes everything durable (synchronous=FULL) and visible.
    void commit();

private:
    friend class Project;
    explicit Transaction(Project::Impl* impl);
    Project::Impl* impl_;
    bool done_ = false;
};

}  // namespace tessera::store
