#pragma once
// One annotator's session on a project: the open item, the selection, the
// live QA findings, and every edit — applied through the store (durable at
// once) and recorded on an undo stack that works across items.
//
// Undo is computed from the store, not from the edit: inside the edit's own
// write transaction the session reads the touched items' annotation sets,
// states and assignees before and after the batch, so the step holds exactly
// what this edit changed and nothing another writer committed. Undoing applies
// the step backwards, again inside one write transaction, and only after
// checking that everything it would touch still is as this session left it;
// otherwise it is refused, naming what another writer changed. So edits
// submitted by view plugins undo like the host's own, and never undo anybody
// else's work.
//
// Finished work is locked: while the session annotates (not reviewing), the
// annotations of Submitted and Accepted items cannot be changed, by an edit
// or by undo; a reviewer's corrections are edits by the reviewer.
//
// An edit the store refuses (disk full, read-only, locked, invalid) is not
// dropped: it stays as the unsaved edit, shown on the open item, until it is
// retried or discarded.
//
// Not thread-safe: the studio's main thread owns the session.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_api.hpp"
#include "qa/engine.hpp"
#include "store/project.hpp"
#include "store/project_file.hpp"

namespace tessera::studio {

using store::AnnotationId;
using store::Bytes;
using store::ItemId;

/// The state of one item before or after an edit batch.
struct ItemSnapshot {
    ItemId item = 0;
    v1::ItemState state = v1::ItemState::New;
    /// The item's AnnotationSet buffer.
    Bytes annotations;
    /// User name of the item's annotator; empty = unassigned.
    std::string assignee;
};

/// One undoable step: the touched items before and after, both read inside
/// the edit's write transaction.
struct UndoStep {
    std::vector<ItemSnapshot> before;
    std::vector<ItemSnapshot> after;
};

/// An edit batch the store refused, kept until it is retried or discarded.
struct UnsavedEdit {
    Bytes batch;
    /// The store's reason, as shown to the annotator.
    std::string reason;
};

class Session {
public:
    /// Opens the project in `dir`; `author` is recorded on every edit.
    /// Throws Error when `dir` is not a project.
    Session(const std::filesystem::path& dir, std::string author);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    [[nodiscard]] store::Project& project() { return project_; }
    [[nodiscard]] const std::filesystem::path& dir() const { return project_.dir(); }
    [[nodiscard]] const std::string& author() const { return author_; }
    [[nodiscard]] const store::ProjectFile& project_file() const { return file_; }

    // --- Items and schema ------------------------------------------------------

    /// Every item in id order, with its current state and assignee.
    [[nodiscard]] const std::vector<store::ItemSummary>& items() const { return items_; }
    /// Number of items per assignee ("" = unassigned), kept up to date by
    /// every edit, undo and redo of this session.
    [[nodiscard]] const std::map<std::string, std::size_t, std::less<>>& assignee_counts() const {
        return assignee_counts_;
    }
    /// Index of `item` in items(), or nullopt.
    [[nodiscard]] std::optional<std::size_t> index_of(ItemId item) const;
    /// The project's label schema (verified).
    [[nodiscard]] const v1::LabelSchema& schema() const;
    [[nodiscard]] std::span<const std::uint8_t> schema_bytes() const { return schema_; }
    /// The schema class `label`, or nullptr.
    [[nodiscard]] const v1::LabelClass* find_class(std::string_view label) const;

    // --- The open item ---------------------------------------------------------

    /// Opens `item` (throws Error if there is none); clears the selection.
    void open(ItemId item);
    /// The open item's id, 0 when none is open.
    [[nodiscard]] ItemId current() const { return current_; }
    /// The open item and its annotations (verified); only while current() != 0.
    [[nodiscard]] const v1::Item& item() const;
    [[nodiscard]] const v1::AnnotationSet& annotations() const;
    [[nodiscard]] std::span<const std::uint8_t> item_bytes() const { return item_; }
    [[nodiscard]] std::span<const std::uint8_t> annotation_bytes() const { return annotations_; }
    /// The open item's state.
    [[nodiscard]] v1::ItemState state() const;
    /// Absolute path of the open item's media.
    [[nodiscard]] std::filesystem::path media_path() const;
    /// The annotation `id` of the open item, or nullptr.
    [[nodiscard]] const v1::Annotation* find_annotation(AnnotationId id) const;

    /// The selected annotation of the open item, 0 for none.
    [[nodiscard]] AnnotationId selected() const { return selected_; }
    void select(AnnotationId id) { selected_ = id; }

    // --- Edits and undo --------------------------------------------------------

    /// Applies one EditBatch buffer through the store (one durable
    /// transaction), pushes it on the undo stack and clears the redo stack.
    /// Returns its journal number. Throws Error and changes nothing in the
    /// store when the store refuses it; the batch then becomes the unsaved
    /// edit (while none is waiting already) and shows on the open item.
    std::uint64_t apply(std::span<const std::uint8_t> edit_batch);
    /// Undoes the last step (across items: opens the item it touched).
    /// False when there is nothing to undo. Throws Error, changing nothing,
    /// when another writer changed what the step touched (the message names
    /// it) or the store refuses; the step is kept.
    bool undo();
    /// Redoes the last undone step; false when there is none. Refused like undo().
    bool redo();

    /// The edit the store refused last, until retried or discarded.
    [[nodiscard]] const std::optional<UnsavedEdit>& unsaved() const { return unsaved_; }
    /// Applies the unsaved edit again. True when the store took it (it is
    /// then an ordinary undoable step); throws Error, keeping it, when not.
    bool retry_unsaved();
    /// Drops the unsaved edit; the open item shows what is stored again.
    void discard_unsaved();

    /// Notices commits of other writers (other studios, imports): when the
    /// store moved since the last call, re-reads the open item and the
    /// states and assignees of all items. True when it did.
    bool refresh_if_changed();
    /// True when the project cannot be written (read-only file or folder).
    [[nodiscard]] bool read_only() const { return read_only_; }
    [[nodiscard]] bool can_undo() const { return !undo_.empty(); }
    [[nodiscard]] bool can_redo() const { return !redo_.empty(); }

    /// Counts changes of anything the session shows (item opened, edit,
    /// undo, state change); panels and views refresh when it moves.
    [[nodiscard]] std::uint64_t revision() const { return revision_; }

    // --- QA and workflow -------------------------------------------------------

    /// Runs `rules` on the open item after every change (the RuleSet must
    /// outlive the session or the next call); nullptr switches live QA off.
    void set_rules(const qa::RuleSet* rules);
    /// The open item's findings under the rules, ordered by rule.
    [[nodiscard]] const std::vector<qa::Finding>& findings() const { return findings_; }
    /// Called with the open item and its findings each time live QA ran
    /// (after every change); empty to stop.
    void set_findings_observer(std::function<void(ItemId, std::span<const qa::Finding>)> observer) {
        findings_observer_ = std::move(observer);
    }
    /// Number of error-severity findings of the open item.
    [[nodiscard]] std::size_t error_count() const;
    /// Submits the open item (state Submitted, undoable). Refused, returning
    /// false, while error-severity findings exist.
    bool submit();
    /// Reviewing: the session is an inspector's, who may correct Submitted
    /// and Accepted items; otherwise their annotations are read-only. Throws
    /// Error when the project's roles do not let the author review.
    void set_reviewing(bool on);
    /// The project's roles, re-read when another writer commits.
    [[nodiscard]] const store::Roles& roles() const { return roles_; }
    [[nodiscard]] bool reviewing() const { return reviewing_; }
    /// True when the open item's annotations cannot be edited now (it is
    /// Submitted or Accepted and the session is not reviewing).
    [[nodiscard]] bool locked() const;
    /// Records a review of the open item (state Accepted or Rejected). Not undoable:
    /// a review is a record of what an inspector decided. An Accept re-runs QA
    /// first and throws Error while error-severity findings exist; throws when
    /// the author may not review, or reviews their own work and the project
    /// does not allow self-review.
    void review(v1::Verdict verdict, std::string_view reason,
                std::span<const v1::ReviewCommentT> comments);
    /// Sends a Submitted or Accepted open item back to In progress, recorded
    /// in the journal with the session's author and `why` (required).
    void reopen(std::string_view why);
    /// Review records of the open item, oldest first.
    [[nodiscard]] const std::vector<std::unique_ptr<v1::ReviewRecordT>>& reviews() const {
        return reviews_;
    }
    /// Number of items in `state`.
    [[nodiscard]] std::size_t count(v1::ItemState state) const;

private:
    // The item as stored now (inside a transaction: as that transaction sees it).
    ItemSnapshot snapshot(ItemId item) const;
    // Turns the touched items from `from` into `to` in one write transaction,
    // after checking that they are still as `from` says; throws naming what
    // another writer changed. `verb` ("undo", "redo") names it in messages.
    void apply_step(const std::vector<ItemSnapshot>& from, const std::vector<ItemSnapshot>& to,
                    std::string_view verb);
    // Applies the batch and records the step; throws when the store refuses.
    std::uint64_t store_edit(std::span<const std::uint8_t> edit_batch);
    // Throws unless the annotations of `item`, whose stored state is `state`,
    // may be changed now (finished work is locked while annotating).
    void require_editable(ItemId item, v1::ItemState state) const;
    // Shows the open item's stored set with the unsaved edit applied over it.
    void show_unsaved();
    // Reads the open item, its reviews and its annotations from the store.
    void reload_current();
    // Shows `annotations` as the open item's set: selection, QA, revision.
    void show_annotations(Bytes annotations);
    // Copies the states and assignees of `changed` into items().
    void refresh_items(std::span<const ItemSnapshot> changed);
    void run_qa();

    store::Project project_;
    store::ProjectFile file_;
    std::string author_;
    Bytes schema_;
    std::vector<store::ItemSummary> items_;
    std::map<std::string, std::size_t, std::less<>> assignee_counts_;
    ItemId current_ = 0;
    Bytes item_;
    Bytes annotations_;
    AnnotationId selected_ = 0;
    std::vector<UndoStep> undo_;
    std::vector<UndoStep> redo_;
    std::optional<UnsavedEdit> unsaved_;
    bool reviewing_ = false;
    std::uint64_t others_version_ = 0;
    bool read_only_ = false;
    store::Roles roles_;
    std::uint64_t revision_ = 0;
    const qa::RuleSet* rules_ = nullptr;
    std::unique_ptr<qa::Checker> checker_;
    std::vector<qa::Finding> findings_;
    std::function<void(ItemId, std::span<const qa::Finding>)> findings_observer_;
    std::vector<std::unique_ptr<v1::ReviewRecordT>> reviews_;
};

/// One edit op holding `edit`: a v1::AddAnnotationT, UpdateAnnotationT,
/// DeleteAnnotationT, SetItemStateT or SetAssigneeT.
template <class Edit>
[[nodiscard]] v1::EditOpT edit_op(Edit edit) {
    v1::EditOpT op;
    op.edit.Set(std::move(edit));
    return op;
}

/// Packs `ops` into an EditBatch buffer by `author` at the current time.
[[nodiscard]] Bytes make_edit_batch(std::string_view author, std::vector<v1::EditOpT> ops,
                                    std::string_view comment = {});

}  // namespace tessera::studio
