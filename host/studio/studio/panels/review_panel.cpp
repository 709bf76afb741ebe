// The review panel.
//
// In review mode, for the open item when it is Submitted: Accept (A) records
// an acceptance and opens the next item; Reject (R) opens a small form — the
// reason (one defect of the schema, plus free text) and optional comments
// pinned to the selected annotation — whose confirmation records the
// rejection and opens the next item. The app's A key calls accept_current()
// (declared in panels.hpp); its R key and the Review menu request
// Request::Reject from this panel.
//
// Reopen sends a Submitted or Accepted item back to In progress with the
// reason typed beside it, journaled as the inspector's edit.
//
// Outside review mode the panel appears only when the open item's latest
// review is a rejection: it lists that rejection's reason and comments so the
// annotator knows what to fix; a click on a pinned comment selects its
// annotation.
//
// The free text of the reason is stored as a comment on the whole item
// (annotation 0) citing the reason's defect: ReviewRecord.reason holds a
// defect key only.

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "studio/app.hpp"
#include "studio/i18n.hpp"
#include "studio/panels/panels.hpp"

namespace tessera::studio {
namespace {

/// printf-style formatting of a translated message.
template <typename... Args>
std::string printf_text(const char* format_text, Args... args) {
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, format_text, args...);
    return buffer;
}

std::string local_time(std::int64_t ms) {
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    localtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M", &tm);
    return buffer;
}

/// Localized name of the schema's defect `key` (the key when the schema lacks it).
std::string defect_name(const Session& session, std::string_view key) {
    if (const auto* defects = session.schema().defects())
        for (const v1::Defect* d : *defects)
            if (text(d->key()) == key) return std::string(localized(d->names(), locale(), key));
    return std::string(key);
}

/// A combo over the schema's defects; `index` is -1 for none. True when changed.
bool defect_combo(const char* id, const Session& session, int& index) {
    const auto* defects = session.schema().defects();
    const int count = defects != nullptr ? static_cast<int>(defects->size()) : 0;
    if (index >= count) index = -1;
    const std::string preview =
        index < 0 ? std::string(tr("review.no_defect"))
                  : std::string(localized(
                        defects->Get(static_cast<flatbuffers::uoffset_t>(index))->names(), locale(),
                        text(defects->Get(static_cast<flatbuffers::uoffset_t>(index))->key())));
    bool changed = false;
    ImGui::BeginDisabled(count == 0);
    if (ImGui::BeginCombo(id, preview.c_str())) {
        if (ImGui::Selectable(tr("review.no_defect"), index < 0)) {
            changed = index >= 0;
            index = -1;
        }
        for (int i = 0; i < count; ++i) {
            const v1::Defect* d = defects->Get(static_cast<flatbuffers::uoffset_t>(i));
            const std::string name(localized(d->names(), locale(), text(d->key())));
            ImGui::PushID(i);
            if (ImGui::Selectable(name.c_str(), index == i)) {
                changed = index != i;
                index = i;
            }
            ImGui::PopID();
            if (ImGui::IsItemHovered() && d->descriptions() != nullptr &&
                d->descriptions()->size() > 0) {
                const std::string description(localized(d->descriptions(), locale(), {}));
                ImGui::SetTooltip("%s", description.c_str());
            }
        }
        ImGui::EndCombo();
    }
    ImGui::EndDisabled();
    return changed;
}

std::string defect_key(const Session& session, int index) {
    const auto* defects = session.schema().defects();
    if (index < 0 || defects == nullptr || index >= static_cast<int>(defects->size())) return {};
    return std::string(text(defects->Get(static_cast<flatbuffers::uoffset_t>(index))->key()));
}

class ReviewPanel final : public Panel {
public:
    [[nodiscard]] std::string id() const override { return std::string(kReviewPanel); }
    [[nodiscard]] const char* title_key() const override { return "panel.review"; }
    /// Request::Reject opens the rejection form for the open item.
    bool handle(App& app, Request request) override;
    /// In review mode, and when the open item's latest review is a rejection.
    bool wanted(App& app) override;
    void draw(App& app) override;

private:
    /// The latest review of the open item when it is a rejection (a later
    /// acceptance makes it moot), else nullptr.
    [[nodiscard]] static const v1::ReviewRecordT* rejection(App& app);
    void draw_reopen(App& app);
    void draw_verdicts(App& app);
    void draw_reject_form(App& app);
    void draw_feedback(App& app, const v1::ReviewRecordT& record);
    void reset_form();

    bool form_open_ = false;
    ItemId form_item_ = 0;
    int reason_ = -1;
    std::string reason_text_;
    std::string reopen_reason_;
    std::vector<v1::ReviewCommentT> comments_;
    std::string comment_text_;
    int comment_defect_ = -1;
};

void ReviewPanel::reset_form() {
    form_open_ = false;
    form_item_ = 0;
    reason_ = -1;
    reason_text_.clear();
    comments_.clear();
    comment_text_.clear();
    comment_defect_ = -1;
}

const v1::ReviewRecordT* ReviewPanel::rejection(App& app) {
    Session& session = app.session();
    if (session.current() != 0 && !session.reviews().empty() &&
        session.reviews().back()->verdict == v1::Verdict::Reject)
        return session.reviews().back().get();
    return nullptr;
}

bool ReviewPanel::handle(App& app, Request request) {
    if (request != Request::Reject) return false;
    Session& session = app.session();
    if (!app.review_mode() || session.current() == 0 ||
        session.state() != v1::ItemState::Submitted) {
        app.message(tr("review.not_submitted"), true);
        return false;
    }
    reset_form();
    form_open_ = true;
    form_item_ = session.current();
    return true;
}

bool ReviewPanel::wanted(App& app) {
    if (form_open_ && (form_item_ != app.session().current() || !app.review_mode())) reset_form();
    return app.review_mode() || rejection(app) != nullptr;
}

void ReviewPanel::draw(App& app) {
    const v1::ReviewRecordT* latest_rejection = rejection(app);
    if (app.review_mode()) {
        draw_verdicts(app);
        // The item's earlier rejection, if any, below the verdict buttons.
        if (latest_rejection != nullptr && !form_open_) {
            ImGui::Separator();
            draw_feedback(app, *latest_rejection);
        }
    } else if (latest_rejection != nullptr) {
        draw_feedback(app, *latest_rejection);
    }
}

void ReviewPanel::draw_verdicts(App& app) {
    Session& session = app.session();
    if (session.current() == 0) {
        ImGui::TextDisabled("%s", tr("review.no_item"));
        return;
    }
    const v1::ItemState state = session.state();
    if (state != v1::ItemState::Submitted) {
        ImGui::TextDisabled("%s", tr("review.only_submitted"));
        ImGui::Text("%s:", tr("review.state"));
        ImGui::SameLine();
        ImGui::TextColored(state_color(state), "%s", tr(state_key(state)));
        if (state == v1::ItemState::Accepted) draw_reopen(app);
        return;
    }
    if (form_open_) {
        draw_reject_form(app);
        return;
    }
    const float width = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2.0f;
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.20f, 0.55f, 0.25f, 1.0f));
    if (ImGui::Button(tr("review.accept"), ImVec2(width, 0.0f))) accept_current(app);
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.65f, 0.22f, 0.22f, 1.0f));
    if (ImGui::Button(tr("review.reject"), ImVec2(width, 0.0f)))
        app.request(kReviewPanel, Request::Reject);
    ImGui::PopStyleColor();
    draw_reopen(app);
}

void ReviewPanel::draw_reopen(App& app) {
    ImGui::Separator();
    ImGui::SetNextItemWidth(-FLT_MIN);
    ImGui::InputTextWithHint("##reopen_reason", tr("review.reopen_reason"), &reopen_reason_);
    app.name_widget("review.reopen_reason");
    ImGui::BeginDisabled(reopen_reason_.empty());
    const bool reopen = ImGui::Button(tr("review.reopen"));
    ImGui::EndDisabled();
    app.name_widget("review.reopen");
    if (!reopen) return;
    try {
        app.session().reopen(reopen_reason_);
        app.message(tr("review.reopened"));
        reopen_reason_.clear();
    } catch (const std::exception& e) {
        app.message(e.what(), true);
    }
}

void ReviewPanel::draw_reject_form(App& app) {
    Session& session = app.session();
    ImGui::TextUnformatted(tr("review.reason"));
    ImGui::SetNextItemWidth(-FLT_MIN);
    defect_combo("##reason", session, reason_);
    ImGui::SetNextItemWidth(-FLT_MIN);
    ImGui::InputTextWithHint("##reason_text", tr("review.reason_text"), &reason_text_);

    // Comments pinned to annotations.
    ImGui::Separator();
    ImGui::TextUnformatted(tr("review.comments"));
    for (std::size_t i = 0; i < comments_.size(); ++i) {
        const v1::ReviewCommentT& comment = comments_[i];
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::SmallButton("x")) {
            comments_.erase(comments_.begin() + static_cast<std::ptrdiff_t>(i));
            ImGui::PopID();
            break;
        }
        ImGui::SameLine();
        std::string line = fmt::format("#{}", comment.annotation);
        if (!comment.defect.empty())
            line += fmt::format(" [{}]", defect_name(session, comment.defect));
        line += " " + comment.text;
        if (ImGui::Selectable(line.c_str(), session.selected() == comment.annotation))
            session.select(comment.annotation);
        ImGui::PopID();
    }
    const AnnotationId selected = session.selected();
    if (selected == 0) {
        ImGui::TextDisabled("%s", tr("review.select_to_comment"));
    } else {
        ImGui::SetNextItemWidth(-FLT_MIN);
        defect_combo("##comment_defect", session, comment_defect_);
        ImGui::SetNextItemWidth(-FLT_MIN);
        const bool entered =
            ImGui::InputTextWithHint("##comment_text", tr("review.comment_text"), &comment_text_,
                                     ImGuiInputTextFlags_EnterReturnsTrue);
        const bool can_add = !comment_text_.empty() || comment_defect_ >= 0;
        ImGui::BeginDisabled(!can_add);
        const std::string add =
            printf_text(tr("review.add_comment"), static_cast<unsigned long long>(selected));
        if ((ImGui::Button(add.c_str()) || entered) && can_add) {
            v1::ReviewCommentT comment;
            comment.annotation = selected;
            comment.text = comment_text_;
            comment.defect = defect_key(session, comment_defect_);
            comments_.push_back(std::move(comment));
            comment_text_.clear();
            comment_defect_ = -1;
        }
        ImGui::EndDisabled();
    }

    ImGui::Separator();
    const std::string reason = defect_key(session, reason_);
    const bool can_reject = !reason.empty() || !reason_text_.empty();
    ImGui::BeginDisabled(!can_reject);
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.65f, 0.22f, 0.22f, 1.0f));
    const bool confirmed = ImGui::Button(tr("review.confirm_reject"));
    ImGui::PopStyleColor();
    ImGui::EndDisabled();
    if (!can_reject && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("%s", tr("review.reason_needed"));
    ImGui::SameLine();
    if (ImGui::Button(tr("review.cancel"))) {
        reset_form();
        return;
    }
    if (!confirmed || !can_reject) return;

    std::vector<v1::ReviewCommentT> comments;
    if (!reason_text_.empty()) {
        v1::ReviewCommentT whole_item;
        whole_item.annotation = 0;
        whole_item.text = reason_text_;
        whole_item.defect = reason;
        comments.push_back(std::move(whole_item));
    }
    for (const v1::ReviewCommentT& comment : comments_) comments.push_back(comment);
    const ItemId item = session.current();
    try {
        session.review(v1::Verdict::Reject, reason, comments);
    } catch (const std::exception& e) {
        app.message(e.what(), true);
        return;
    }
    reset_form();
    app.message(printf_text(tr("review.rejected"), static_cast<unsigned long long>(item)));
    app.step_item(+1);
}

void ReviewPanel::draw_feedback(App& app, const v1::ReviewRecordT& record) {
    Session& session = app.session();
    ImGui::TextColored(state_color(v1::ItemState::Rejected), "%s", tr("review.last_rejection"));
    ImGui::TextDisabled(tr("review.by"), record.reviewer.c_str(), local_time(record.time).c_str());
    ImGui::PushTextWrapPos(0.0f);
    if (!record.reason.empty()) {
        ImGui::Text("%s: %s", tr("review.reason"), defect_name(session, record.reason).c_str());
    }
    for (std::size_t i = 0; i < record.comments.size(); ++i) {
        const v1::ReviewCommentT& comment = *record.comments[i];
        ImGui::PushID(static_cast<int>(i));
        std::string line;
        if (comment.annotation != 0) line = fmt::format("#{} ", comment.annotation);
        if (!comment.defect.empty())
            line += fmt::format("[{}] ", defect_name(session, comment.defect));
        line += comment.text;
        if (comment.annotation != 0 && session.find_annotation(comment.annotation) != nullptr) {
            if (ImGui::Selectable(line.c_str(), session.selected() == comment.annotation))
                session.select(comment.annotation);
        } else {
            ImGui::Bullet();
            ImGui::TextUnformatted(line.c_str());
        }
        ImGui::PopID();
    }
    ImGui::PopTextWrapPos();
}

}  // namespace

void accept_current(App& app) {
    Session& session = app.session();
    if (!app.review_mode()) return;
    if (session.current() == 0 || session.state() != v1::ItemState::Submitted) {
        app.message(tr("review.not_submitted"), true);
        return;
    }
    const ItemId item = session.current();
    try {
        session.review(v1::Verdict::Accept, {}, {});
    } catch (const std::exception& e) {
        app.message(e.what(), true);
        return;
    }
    app.message(printf_text(tr("review.accepted"), static_cast<unsigned long long>(item)));
    app.step_item(+1);
}

std::unique_ptr<Panel> make_review_panel() {
    return std::make_unique<ReviewPanel>();
}

}  // namespace tessera::studio
