#include "studio/session.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include <fmt/format.h>
#include <tessera/cpp/strings.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/verify.hpp"

namespace tessera::studio {
namespace {

using cpp::text;

// The item an edit op changes, 0 for an edit this program does not know.
ItemId item_of(const v1::EditOp& op) {
    switch (op.edit_type()) {
        case v1::Edit::AddAnnotation:
            return op.edit_as_AddAnnotation()->item();
        case v1::Edit::UpdateAnnotation:
            return op.edit_as_UpdateAnnotation()->item();
        case v1::Edit::DeleteAnnotation:
            return op.edit_as_DeleteAnnotation()->item();
        case v1::Edit::SetItemState:
            return op.edit_as_SetItemState()->item();
        case v1::Edit::SetAssignee:
            return op.edit_as_SetAssignee()->item();
        default:
            return 0;
    }
}

// The items an edit batch touches, in order of first mention; with
// `annotations_only`, those whose annotations it changes.
std::vector<ItemId> touched_items(const v1::EditBatch& batch, bool annotations_only = false) {
    std::vector<ItemId> items;
    if (batch.ops() == nullptr) return items;
    for (const v1::EditOp* op : *batch.ops()) {
        const ItemId item = item_of(*op);
        if (item == 0 || (annotations_only && (op->edit_type() == v1::Edit::SetItemState ||
                                               op->edit_type() == v1::Edit::SetAssignee)))
            continue;
        if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
    }
    return items;
}

// What the project's roles must allow for `batch`: handing items to others is
// assigning; taking an item or giving it back is part of annotating.
store::Action batch_action(const v1::EditBatch& batch, std::string_view author, bool reviewing) {
    if (batch.ops() != nullptr)
        for (const v1::EditOp* op : *batch.ops())
            if (const auto* set = op->edit_as_SetAssignee();
                set != nullptr && !text(set->assignee()).empty() && text(set->assignee()) != author)
                return store::Action::Assign;
    return reviewing ? store::Action::Review : store::Action::Annotate;
}

std::map<AnnotationId, std::unique_ptr<v1::AnnotationT>> by_id(const Bytes& set_bytes) {
    std::map<AnnotationId, std::unique_ptr<v1::AnnotationT>> result;
    v1::AnnotationSetT set;
    flatbuffers::GetRoot<v1::AnnotationSet>(set_bytes.data())->UnPackTo(&set);
    for (auto& annotation : set.annotations) {
        const AnnotationId id = annotation->id;
        result.emplace(id, std::move(annotation));
    }
    return result;
}

}  // namespace

Bytes make_edit_batch(std::string_view author, std::vector<v1::EditOpT> ops,
                      std::string_view comment) {
    v1::EditBatchT batch;
    batch.author = std::string(author);
    batch.time = now_ms();
    batch.comment = std::string(comment);
    for (v1::EditOpT& op : ops) batch.ops.push_back(std::make_unique<v1::EditOpT>(std::move(op)));
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishEditBatchBuffer(builder, v1::CreateEditBatch(builder, &batch));
    return Bytes(builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize());
}

Session::Session(const std::filesystem::path& dir, std::string author)
    : project_(store::Project::open(dir)),
      file_(store::read_project_file(dir / store::kProjectFileName)),
      author_(std::move(author)),
      schema_(project_.label_schema()),
      items_(project_.items()),
      others_version_(project_.others_version()),
      read_only_(project_.read_only()),
      roles_(project_.roles()) {
    for (const store::ItemSummary& item : items_) ++assignee_counts_[item.assignee];
}

Session::~Session() = default;

std::optional<std::size_t> Session::index_of(ItemId item) const {
    const auto it =
        std::lower_bound(items_.begin(), items_.end(), item,
                         [](const store::ItemSummary& s, ItemId id) { return s.id < id; });
    if (it == items_.end() || it->id != item) return std::nullopt;
    return static_cast<std::size_t>(it - items_.begin());
}

const v1::LabelSchema& Session::schema() const {
    return *flatbuffers::GetRoot<v1::LabelSchema>(schema_.data());
}

const v1::LabelClass* Session::find_class(std::string_view label) const {
    const auto* classes = schema().classes();
    if (classes == nullptr) return nullptr;
    for (const v1::LabelClass* c : *classes)
        if (text(c->key()) == label) return c;
    return nullptr;
}

void Session::open(ItemId item) {
    if (!index_of(item)) throw Error(fmt::format("item {} does not exist", item));
    current_ = item;
    selected_ = 0;
    reload_current();
}

void Session::reload_current() {
    item_ = project_.item(current_);
    reviews_.clear();
    for (const Bytes& record : project_.reviews(current_))
        reviews_.emplace_back(flatbuffers::GetRoot<v1::ReviewRecord>(record.data())->UnPack());
    show_annotations(project_.annotations(current_));
    show_unsaved();
}

void Session::show_annotations(Bytes annotations) {
    annotations_ = std::move(annotations);
    if (selected_ != 0 && find_annotation(selected_) == nullptr) selected_ = 0;
    run_qa();
    ++revision_;
}

const v1::Item& Session::item() const {
    return *flatbuffers::GetRoot<v1::Item>(item_.data());
}

const v1::AnnotationSet& Session::annotations() const {
    return *flatbuffers::GetRoot<v1::AnnotationSet>(annotations_.data());
}

v1::ItemState Session::state() const {
    const auto index = index_of(current_);
    return index ? items_[*index].state : v1::ItemState::New;
}

std::filesystem::path Session::media_path() const {
    return (dir() / std::filesystem::path(std::string(item().media() ? text(item().media()->uri())
                                                                     : std::string_view())))
        .lexically_normal();
}

const v1::Annotation* Session::find_annotation(AnnotationId id) const {
    if (current_ == 0 || annotations().annotations() == nullptr) return nullptr;
    for (const v1::Annotation* a : *annotations().annotations())
        if (a->id() == id) return a;
    return nullptr;
}

ItemSnapshot Session::snapshot(ItemId item) const {
    const store::ItemSummary row = project_.summary(item);
    return {item, row.state, project_.annotations(item), row.assignee};
}

std::uint64_t Session::apply(std::span<const std::uint8_t> edit_batch) {
    if (unsaved_)
        throw Error(
            fmt::format("not saved: an earlier edit is still unsaved ({}); retry or "
                        "discard it first",
                        unsaved_->reason));
    (void)verified_root<v1::EditBatch>(edit_batch, v1::EditBatchIdentifier(), "edit batch");
    try {
        return store_edit(edit_batch);
    } catch (const Error& e) {
        unsaved_ = UnsavedEdit{Bytes(edit_batch.begin(), edit_batch.end()), e.what()};
        show_unsaved();
        throw;
    }
}

std::uint64_t Session::store_edit(std::span<const std::uint8_t> edit_batch) {
    // Verified by apply() before it reached here (retries keep apply's bytes).
    const auto* batch = flatbuffers::GetRoot<v1::EditBatch>(edit_batch.data());
    UndoStep step;
    const std::vector<ItemId> items = touched_items(*batch);
    // Waits for other writers (up to the store's busy timeout); from here on
    // nobody else commits until this edit does, so before and after differ by
    // exactly this batch.
    store::Transaction transaction = project_.begin();
    roles_ = project_.roles();
    if (std::string refusal = roles_.refusal(author_, batch_action(*batch, author_, reviewing_));
        !refusal.empty())
        throw Error(std::move(refusal));
    for (ItemId item : items) step.before.push_back(snapshot(item));
    // Items whose annotations the batch changes must be editable, and the
    // first such edit of a New item starts work on it: New becomes InProgress
    // in the same transaction (and is undone with it). Assigning the item is
    // not working on it.
    const std::vector<ItemId> annotated = touched_items(*batch, true);
    std::vector<ItemId> starting;
    for (const ItemSnapshot& s : step.before) {
        if (std::find(annotated.begin(), annotated.end(), s.item) == annotated.end()) continue;
        require_editable(s.item, s.state);
        if (s.state == v1::ItemState::New) starting.push_back(s.item);
    }
    if (batch->ops() != nullptr)
        for (const v1::EditOp* op : *batch->ops())
            if (const auto* set = op->edit_as_SetItemState()) std::erase(starting, set->item());
    Bytes extended;
    if (!starting.empty()) {
        v1::EditBatchT unpacked;
        batch->UnPackTo(&unpacked);
        for (ItemId item : starting) {
            v1::SetItemStateT set;
            set.item = item;
            set.state = v1::ItemState::InProgress;
            unpacked.ops.push_back(std::make_unique<v1::EditOpT>(edit_op(std::move(set))));
        }
        flatbuffers::FlatBufferBuilder builder;
        v1::FinishEditBatchBuffer(builder, v1::CreateEditBatch(builder, &unpacked));
        extended.assign(builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize());
        edit_batch = extended;
    }
    const std::uint64_t seq = transaction.apply(edit_batch);
    for (ItemId item : items) step.after.push_back(snapshot(item));
    transaction.commit();
    refresh_items(step.after);
    undo_.push_back(std::move(step));
    redo_.clear();
    // An edit batch changes annotation sets, states and assignees, never the
    // item or its reviews: the open item needs only its new set, read above.
    const std::vector<ItemSnapshot>& after = undo_.back().after;
    const auto shown = std::find_if(after.begin(), after.end(),
                                    [&](const ItemSnapshot& a) { return a.item == current_; });
    if (shown != after.end()) show_annotations(shown->annotations);
    ++revision_;
    return seq;
}

void Session::apply_step(const std::vector<ItemSnapshot>& from, const std::vector<ItemSnapshot>& to,
                         std::string_view verb) {
    std::vector<v1::EditOpT> ops;
    std::vector<std::string> conflicts;
    store::Transaction transaction = project_.begin();
    for (std::size_t i = 0; i < to.size(); ++i) {
        const ItemId item = to[i].item;
        const ItemSnapshot now = snapshot(item);
        auto old_set = by_id(from[i].annotations);
        auto new_set = by_id(to[i].annotations);
        const auto current_set = by_id(now.annotations);
        if (!(from[i].annotations == to[i].annotations)) require_editable(item, now.state);
        // Only what the step itself changed is touched, and only when it is
        // still as the step left it.
        const auto unchanged = [&](AnnotationId id) {
            const auto was = old_set.find(id);
            const auto is = current_set.find(id);
            if (was == old_set.end() || is == current_set.end())
                return was == old_set.end() && is == current_set.end();
            return *was->second == *is->second;
        };
        std::vector<AnnotationId> ids;
        for (const auto& [id, annotation] : old_set) ids.push_back(id);
        for (const auto& [id, annotation] : new_set)
            if (old_set.count(id) == 0) ids.push_back(id);
        for (AnnotationId id : ids) {
            const auto old_it = old_set.find(id);
            const auto new_it = new_set.find(id);
            const bool in_old = old_it != old_set.end();
            const bool in_new = new_it != new_set.end();
            if (in_old && in_new && *old_it->second == *new_it->second) continue;
            if (!unchanged(id)) {
                conflicts.push_back(fmt::format("annotation {} of item {}", id, item));
                continue;
            }
            if (!in_new) {
                v1::DeleteAnnotationT del;
                del.item = item;
                del.annotation = id;
                ops.push_back(edit_op(std::move(del)));
            } else if (!in_old) {
                v1::AddAnnotationT add;
                add.item = item;
                add.annotation = std::move(new_it->second);
                ops.push_back(edit_op(std::move(add)));
            } else {
                v1::UpdateAnnotationT update;
                update.item = item;
                update.annotation = std::move(new_it->second);
                ops.push_back(edit_op(std::move(update)));
            }
        }
        if (from[i].state != to[i].state) {
            if (now.state != from[i].state) {
                conflicts.push_back(fmt::format("the state of item {}", item));
            } else {
                v1::SetItemStateT set;
                set.item = item;
                set.state = to[i].state;
                ops.push_back(edit_op(std::move(set)));
            }
        }
        if (from[i].assignee != to[i].assignee) {
            if (now.assignee != from[i].assignee) {
                conflicts.push_back(fmt::format("the assignee of item {}", item));
            } else {
                v1::SetAssigneeT set;
                set.item = item;
                set.assignee = to[i].assignee;
                ops.push_back(edit_op(std::move(set)));
            }
        }
    }
    if (!conflicts.empty()) {
        std::string list;
        for (const std::string& c : conflicts) list += (list.empty() ? "" : ", ") + c;
        throw Error(fmt::format("cannot {}: another writer changed {} since; nothing was changed",
                                verb, list));
    }
    if (!ops.empty()) transaction.apply(make_edit_batch(author_, std::move(ops), verb));
    transaction.commit();
    refresh_items(to);
    // Undo works across items: show the item the step touched.
    const ItemId shown = to.empty() ? current_ : to.front().item;
    if (shown != 0) {
        if (shown != current_) selected_ = 0;
        current_ = shown;
        reload_current();
    }
    ++revision_;
}

void Session::set_reviewing(bool on) {
    if (on)
        if (std::string refusal = roles_.refusal(author_, store::Action::Review); !refusal.empty())
            throw Error(std::move(refusal));
    reviewing_ = on;
}

bool Session::locked() const {
    return current_ != 0 && !reviewing_ &&
           (state() == v1::ItemState::Submitted || state() == v1::ItemState::Accepted);
}

void Session::require_editable(ItemId item, v1::ItemState state) const {
    if (reviewing_ || (state != v1::ItemState::Submitted && state != v1::ItemState::Accepted))
        return;
    throw Error(
        fmt::format("item {} is {}: its annotations are read-only until an inspector reopens it",
                    item, state == v1::ItemState::Submitted ? "submitted" : "accepted"));
}

void Session::reopen(std::string_view why) {
    if (current_ == 0) throw Error("no item is open");
    if (why.empty()) throw Error("say why the item is reopened");
    if (std::string refusal = roles_.refusal(author_, store::Action::Review); !refusal.empty())
        throw Error(std::move(refusal));
    if (state() != v1::ItemState::Submitted && state() != v1::ItemState::Accepted)
        throw Error(
            fmt::format("item {} is not submitted or accepted: nothing to reopen", current_));
    v1::SetItemStateT set;
    set.item = current_;
    set.state = v1::ItemState::InProgress;
    std::vector<v1::EditOpT> ops;
    ops.push_back(edit_op(std::move(set)));
    apply(make_edit_batch(author_, std::move(ops), fmt::format("reopen: {}", why)));
}

bool Session::undo() {
    if (undo_.empty()) return false;
    if (unsaved_) throw Error("cannot undo while an edit is unsaved: retry or discard it first");
    apply_step(undo_.back().after, undo_.back().before, "undo");
    redo_.push_back(std::move(undo_.back()));
    undo_.pop_back();
    return true;
}

bool Session::redo() {
    if (redo_.empty()) return false;
    if (unsaved_) throw Error("cannot redo while an edit is unsaved: retry or discard it first");
    apply_step(redo_.back().before, redo_.back().after, "redo");
    undo_.push_back(std::move(redo_.back()));
    redo_.pop_back();
    return true;
}

bool Session::retry_unsaved() {
    if (!unsaved_) return false;
    const Bytes batch = unsaved_->batch;
    try {
        store_edit(batch);
    } catch (const Error& e) {
        unsaved_->reason = e.what();
        throw;
    }
    unsaved_.reset();
    return true;
}

void Session::discard_unsaved() {
    if (!unsaved_) return;
    unsaved_.reset();
    if (current_ != 0) show_annotations(project_.annotations(current_));
}

void Session::show_unsaved() {
    if (!unsaved_ || current_ == 0) return;
    // The stored set with the refused batch's annotation edits applied, so the
    // annotator keeps seeing what they drew. New annotations get ids above
    // any the store hands out; an op that does not apply is left out.
    v1::AnnotationSetT set;
    flatbuffers::GetRoot<v1::AnnotationSet>(annotations_.data())->UnPackTo(&set);
    AnnotationId unsaved_id = AnnotationId{1} << 62;
    const auto* batch = flatbuffers::GetRoot<v1::EditBatch>(unsaved_->batch.data());
    v1::EditBatchT edits;
    batch->UnPackTo(&edits);
    const auto find = [&](AnnotationId id) {
        return std::find_if(set.annotations.begin(), set.annotations.end(),
                            [id](const auto& a) { return a && a->id == id; });
    };
    for (auto& op : edits.ops) {
        if (!op) continue;
        if (auto* add = op->edit.AsAddAnnotation();
            add && add->item == current_ && add->annotation) {
            if (add->annotation->id == 0) add->annotation->id = unsaved_id++;
            if (find(add->annotation->id) == set.annotations.end())
                set.annotations.push_back(std::move(add->annotation));
        } else if (auto* update = op->edit.AsUpdateAnnotation();
                   update && update->item == current_ && update->annotation) {
            if (const auto it = find(update->annotation->id); it != set.annotations.end())
                *it = std::move(update->annotation);
        } else if (auto* del = op->edit.AsDeleteAnnotation(); del && del->item == current_) {
            if (const auto it = find(del->annotation); it != set.annotations.end())
                set.annotations.erase(it);
        }
    }
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishAnnotationSetBuffer(builder, v1::CreateAnnotationSet(builder, &set));
    show_annotations(
        Bytes(builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()));
}

bool Session::refresh_if_changed() {
    const std::uint64_t version = project_.others_version();
    if (version == others_version_) return false;
    others_version_ = version;
    roles_ = project_.roles();
    // One committed state for the item list and the open item.
    store::ReadSnapshot snapshot(project_);
    items_ = project_.items();
    assignee_counts_.clear();
    for (const store::ItemSummary& item : items_) ++assignee_counts_[item.assignee];
    if (current_ != 0) {
        if (!index_of(current_)) {
            current_ = 0;
            selected_ = 0;
            annotations_.clear();
            ++revision_;
        } else {
            reload_current();
        }
    }
    ++revision_;
    return true;
}

void Session::refresh_items(std::span<const ItemSnapshot> changed) {
    for (const ItemSnapshot& s : changed) {
        const auto index = index_of(s.item);
        if (!index) continue;
        store::ItemSummary& item = items_[*index];
        item.state = s.state;
        if (item.assignee == s.assignee) continue;
        if (const auto old = assignee_counts_.find(item.assignee);
            old != assignee_counts_.end() && --old->second == 0)
            assignee_counts_.erase(old);
        ++assignee_counts_[s.assignee];
        item.assignee = s.assignee;
    }
}

void Session::set_rules(const qa::RuleSet* rules) {
    rules_ = rules;
    checker_ = rules ? std::make_unique<qa::Checker>(*rules) : nullptr;
    run_qa();
    ++revision_;
}

void Session::run_qa() {
    findings_.clear();
    if (!checker_ || current_ == 0) return;
    const qa::ItemInput input{schema_, item_, annotations_, schema(), item(), annotations()};
    checker_->check(input, findings_);
    for (qa::Finding& finding : findings_) finding.item = current_;
    if (findings_observer_) findings_observer_(current_, findings_);
}

std::size_t Session::error_count() const {
    return static_cast<std::size_t>(
        std::count_if(findings_.begin(), findings_.end(),
                      [](const qa::Finding& f) { return f.severity == qa::Severity::Error; }));
}

bool Session::submit() {
    if (current_ == 0 || error_count() > 0) return false;
    v1::SetItemStateT set;
    set.item = current_;
    set.state = v1::ItemState::Submitted;
    std::vector<v1::EditOpT> ops;
    ops.push_back(edit_op(std::move(set)));
    apply(make_edit_batch(author_, std::move(ops), "submit"));
    return true;
}

void Session::review(v1::Verdict verdict, std::string_view reason,
                     std::span<const v1::ReviewCommentT> comments) {
    if (current_ == 0) throw Error("no item is open");
    roles_ = project_.roles();
    if (std::string refusal = roles_.refusal(author_, store::Action::Review); !refusal.empty())
        throw Error(std::move(refusal));
    if (!roles_.users.empty() && !roles_.self_review) {
        bool own = project_.assignee(current_) == author_;
        if (const auto* list = annotations().annotations())
            for (const v1::Annotation* a : *list)
                own = own || (a->provenance() && text(a->provenance()->author()) == author_);
        if (own)
            throw Error(
                fmt::format("{} worked on item {}: another inspector must review it (a lead can "
                            "allow self-review: tessera role DIR --self-review allow)",
                            author_, current_));
    }
    if (verdict == v1::Verdict::Accept) {
        reload_current();  // QA on what is stored now, not on what was shown
        if (const std::size_t errors = error_count(); errors > 0)
            throw Error(fmt::format(
                "cannot accept item {}: QA finds {} error{}; reject it or correct it first",
                current_, errors, errors == 1 ? "" : "s"));
    }
    v1::ReviewRecordT record;
    record.item = current_;
    record.reviewer = author_;
    record.verdict = verdict;
    record.reason = std::string(reason);
    record.time = now_ms();
    for (const v1::ReviewCommentT& comment : comments)
        record.comments.push_back(std::make_unique<v1::ReviewCommentT>(comment));
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishReviewRecordBuffer(builder, v1::CreateReviewRecord(builder, &record));
    project_.add_review({builder.GetBufferPointer(), builder.GetSize()});
    const v1::ItemState state =
        verdict == v1::Verdict::Accept ? v1::ItemState::Accepted : v1::ItemState::Rejected;
    const auto index = index_of(current_);
    const ItemSnapshot changed{
        current_, state, {}, index ? items_[*index].assignee : std::string()};
    refresh_items({&changed, 1});
    reload_current();
}

std::size_t Session::count(v1::ItemState state) const {
    return static_cast<std::size_t>(
        std::count_if(items_.begin(), items_.end(),
                      [&](const store::ItemSummary& s) { return s.state == state; }));
}

}  // namespace tessera::studio
