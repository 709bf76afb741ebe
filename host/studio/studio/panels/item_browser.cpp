// The item browser: every item of the project in one table, virtualized with
// ImGuiListClipper so a million items scroll as smoothly as ten.
//
// Implemented:
//  - columns id, file name, state (translated and coloured), and the assignee
//    once the project has assigned items; a click opens the item;
//  - filters by state, by label, by QA findings (any, with errors, or of one
//    rule) and by assignee (any, unassigned, me = the session's author, or
//    anyone with items);
//  - a row's context menu assigns the item to me or unassigns it (undoable,
//    like every edit); handing out work in bulk is `tessera assign`'s job;
//  - the open item's row is scrolled into view when another part of the app
//    opens an item (PageDown / PageUp, undo across items).
// Missing:
//  - assignments made by another process (`tessera assign` while the studio
//    runs) show after the studio is opened again: the session reads the item
//    list once.
//
// Scripted sessions find the widgets by name (App::name_widget):
// "filter.assignee" (the combo), "filter.assignee.any", "filter.assignee.unassigned",
// "filter.assignee.me", "filter.assignee=NAME" (its entries), "filter.qa" (the
// combo), "filter.qa.any", "filter.qa.findings", "filter.qa.errors",
// "filter.qa.rule=ID" (its entries), "items.row=ID"
// (each row drawn), "items.assign_me" and "items.unassign" (the row's menu).
//
// Cost per frame: without a filter the table reads items() only for the rows
// on screen. The state and assignee filters compare fields of items(), which
// the session keeps in memory. With a filter, the indices of the passing items are cached and
// rebuilt only when the filter or Session::revision() changes. The rebuild
// runs under a time budget per frame and resumes on the next frame, so the UI
// never stalls:
//  - the label filter must read each item's AnnotationSet from the store (one
//    read per item). Results are cached per item for as long as the label
//    filter stays the same; after an edit only the open item is read again
//    (edits change the open item: views edit it, undo opens the item it
//    touched). While the first scan runs, the list grows as matches are found
//    and the panel shows how far the scan got;
//  - the QA filter starts App::project_qa() the first time it is used: the
//    live QA's rules run over every item on a worker thread (a million items
//    take seconds), and the list is built again when that run ends. The App
//    hands it the open item's live findings after every change, so the list
//    follows the annotator's fixes.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <imgui.h>

#include "studio/app.hpp"
#include "studio/i18n.hpp"
#include "studio/panels/panels.hpp"

namespace tessera::studio {
namespace {

/// Time the filter may spend per frame rebuilding its list.
constexpr auto kRebuildBudget = std::chrono::milliseconds(6);
/// Items looked at between two clock reads during a rebuild.
constexpr std::size_t kRebuildStride = 256;
constexpr int kAnyState = -1;
constexpr std::int8_t kUnknown = -1;

constexpr v1::ItemState kStates[] = {v1::ItemState::New, v1::ItemState::InProgress,
                                     v1::ItemState::Submitted, v1::ItemState::Accepted,
                                     v1::ItemState::Rejected};

bool has_label(const v1::AnnotationSet& set, std::string_view label) {
    if (set.annotations() == nullptr) return false;
    for (const v1::Annotation* a : *set.annotations())
        if (text(a->label()) == label) return true;
    return false;
}

std::string_view file_name(std::string_view uri) {
    const auto slash = uri.find_last_of("/\\");
    return slash == std::string_view::npos ? uri : uri.substr(slash + 1);
}

class ItemBrowser final : public Panel {
public:
    [[nodiscard]] std::string id() const override { return "items"; }
    [[nodiscard]] const char* title_key() const override { return "panel.items"; }
    void draw(App& app) override;

private:
    [[nodiscard]] bool filtering() const {
        return state_filter_ != kAnyState || !label_filter_.empty() ||
               qa_filter_ != QaFilter::Any || assignee_filter_;
    }
    enum class QaFilter { Any, Findings, Errors, Rule };
    void draw_filters(App& app);
    /// The assignee combo; true when the filter changed.
    bool draw_assignee_filter(App& app);
    /// The QA combo; true when the filter changed.
    bool draw_qa_filter(App& app);
    [[nodiscard]] bool matches_qa(const store::ItemSummary& item);
    /// The context menu of the row of `item` (assign to me, unassign).
    void draw_row_menu(App& app, const store::ItemSummary& item);
    void follow_session(Session& session);
    void rebuild_some(Session& session);
    [[nodiscard]] bool passes(Session& session, std::size_t index);
    [[nodiscard]] bool matches_label(Session& session, std::size_t index);
    void draw_table(App& app);

    // Filters.
    int state_filter_ = kAnyState;
    std::string label_filter_;
    QaFilter qa_filter_ = QaFilter::Any;
    std::string qa_rule_;      // the rule of QaFilter::Rule
    ProjectQa* qa_ = nullptr;  // the app's, once the QA filter was used
    std::uint64_t seen_qa_revision_ = 0;
    /// nullopt = any; "" = unassigned; else the user name.
    std::optional<std::string> assignee_filter_;

    // The filtered list: indices into Session::items(), ascending. `rows_` is
    // shown; a rebuild fills `building_` and swaps it in when done, except
    // after a filter change, when `building_` is shown while it grows.
    std::vector<std::uint32_t> rows_;
    std::vector<std::uint32_t> building_;
    std::size_t build_pos_ = 0;
    bool building_active_ = false;
    bool show_building_ = false;

    // Per item index: does it carry `label_filter_`? kUnknown until read.
    std::vector<std::int8_t> label_match_;

    std::uint64_t seen_revision_ = std::numeric_limits<std::uint64_t>::max();
    ItemId seen_current_ = 0;
    ItemId scrolled_to_ = 0;
    float row_height_ = 0.0f;
    char id_text_[24] = {};
};

void ItemBrowser::draw(App& app) {
    Session& session = app.session();
    follow_session(session);
    draw_filters(app);
    if (building_active_) rebuild_some(session);
    draw_table(app);
}

void ItemBrowser::follow_session(Session& session) {
    // The project's QA run ended, or live QA changed what is known.
    if (qa_ != nullptr && qa_->revision() != seen_qa_revision_) {
        seen_qa_revision_ = qa_->revision();
        if (qa_filter_ != QaFilter::Any) {
            building_.clear();
            build_pos_ = 0;
            building_active_ = true;
        }
    }
    if (session.revision() == seen_revision_) return;
    seen_revision_ = session.revision();
    const ItemId current = session.current();
    if (current != 0) {
        if (const auto index = session.index_of(current); index && *index < label_match_.size())
            label_match_[*index] = kUnknown;
    }
    // The item last open may have been edited just before another was opened.
    if (seen_current_ != 0 && seen_current_ != current) {
        if (const auto index = session.index_of(seen_current_);
            index && *index < label_match_.size())
            label_match_[*index] = kUnknown;
    }
    seen_current_ = current;
    if (filtering()) {
        building_.clear();
        build_pos_ = 0;
        building_active_ = true;
    }
}

void ItemBrowser::draw_filters(App& app) {
    Session& session = app.session();
    bool changed = false;

    // State.
    std::string preview =
        std::string(tr("filter.state")) + ": " +
        (state_filter_ == kAnyState ? tr("filter.any")
                                    : tr(state_key(static_cast<v1::ItemState>(state_filter_))));
    ImGui::SetNextItemWidth(-FLT_MIN);
    if (ImGui::BeginCombo("##state", preview.c_str())) {
        if (ImGui::Selectable(tr("filter.any"), state_filter_ == kAnyState)) {
            changed = state_filter_ != kAnyState;
            state_filter_ = kAnyState;
        }
        for (const v1::ItemState state : kStates) {
            const int value = static_cast<int>(state);
            ImGui::PushStyleColor(ImGuiCol_Text, state_color(state));
            if (ImGui::Selectable(tr(state_key(state)), state_filter_ == value)) {
                changed = changed || state_filter_ != value;
                state_filter_ = value;
            }
            ImGui::PopStyleColor();
        }
        ImGui::EndCombo();
    }

    // Label.
    preview =
        std::string(tr("filter.label")) + ": " +
        (label_filter_.empty() ? std::string(tr("filter.any")) : app.label_name(label_filter_));
    ImGui::SetNextItemWidth(-FLT_MIN);
    if (ImGui::BeginCombo("##label", preview.c_str())) {
        if (ImGui::Selectable(tr("filter.any"), label_filter_.empty())) {
            changed = changed || !label_filter_.empty();
            label_filter_.clear();
        }
        if (const auto* classes = session.schema().classes()) {
            for (const v1::LabelClass* c : *classes) {
                const std::string_view key = text(c->key());
                ImGui::PushID(c);
                if (ImGui::Selectable(app.label_name(key).c_str(), label_filter_ == key)) {
                    changed = changed || label_filter_ != key;
                    label_filter_ = std::string(key);
                }
                ImGui::PopID();
            }
        }
        ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("filter.label_tip"));

    if (draw_qa_filter(app)) changed = true;

    if (draw_assignee_filter(app)) changed = true;

    if (changed) {
        label_match_.assign(label_filter_.empty() ? 0 : session.items().size(), kUnknown);
        rows_.clear();
        building_.clear();
        build_pos_ = 0;
        building_active_ = filtering();
        show_building_ = true;
    }
}

bool ItemBrowser::draw_assignee_filter(App& app) {
    Session& session = app.session();
    const std::string& me = session.author();
    const auto& counts = session.assignee_counts();
    const auto count_of = [&](std::string_view name) -> unsigned long long {
        const auto it = counts.find(name);
        return it == counts.end() ? 0 : it->second;
    };
    std::string preview = std::string(tr("filter.assignee")) + ": ";
    if (!assignee_filter_)
        preview += tr("filter.any");
    else if (assignee_filter_->empty())
        preview += tr("filter.unassigned");
    else if (*assignee_filter_ == me)
        preview += tr("filter.me");
    else
        preview += *assignee_filter_;
    ImGui::SetNextItemWidth(-FLT_MIN);
    const bool open = ImGui::BeginCombo("##assignee", preview.c_str());
    app.name_widget("filter.assignee");
    if (!open) return false;

    bool changed = false;
    const auto entry = [&](const std::string& text, std::optional<std::string> value,
                           std::string widget) {
        ImGui::PushID(widget.c_str());
        if (ImGui::Selectable(text.c_str(), assignee_filter_ == value)) {
            changed = changed || assignee_filter_ != value;
            assignee_filter_ = std::move(value);
        }
        app.name_widget(std::move(widget));
        ImGui::PopID();
    };
    entry(tr("filter.any"), std::nullopt, "filter.assignee.any");
    entry(fmt::format("{} ({})", tr("filter.unassigned"), count_of("")), std::string(),
          "filter.assignee.unassigned");
    entry(fmt::format("{} - {} ({})", tr("filter.me"), me, count_of(me)), me, "filter.assignee.me");
    // Everyone else with items: a few dozen annotators, not a million rows.
    for (const auto& [name, count] : counts)
        if (!name.empty() && name != me)
            entry(fmt::format("{} ({})", name, count), name, "filter.assignee=" + name);
    ImGui::EndCombo();
    return changed;
}

bool ItemBrowser::draw_qa_filter(App& app) {
    std::string preview = std::string(tr("filter.qa")) + ": ";
    switch (qa_filter_) {
        case QaFilter::Any:
            preview += tr("filter.any");
            break;
        case QaFilter::Findings:
            preview += tr("filter.qa.findings");
            break;
        case QaFilter::Errors:
            preview += tr("filter.qa.errors");
            break;
        case QaFilter::Rule:
            preview += qa_rule_;
            break;
    }
    ImGui::SetNextItemWidth(-FLT_MIN);
    const bool open = ImGui::BeginCombo("##qa", preview.c_str());
    app.name_widget("filter.qa");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("filter.qa_tip"));
    if (!open) return false;

    bool changed = false;
    const auto entry = [&](const std::string& text, QaFilter filter, std::string_view rule,
                           std::string widget) {
        ImGui::PushID(widget.c_str());
        const bool chosen = qa_filter_ == filter && qa_rule_ == rule;
        if (ImGui::Selectable(text.c_str(), chosen)) {
            changed = changed || !chosen;
            qa_filter_ = filter;
            qa_rule_ = std::string(rule);
            // The project is checked once the filter is first used.
            if (filter != QaFilter::Any && qa_ == nullptr) qa_ = &app.project_qa();
        }
        app.name_widget(std::move(widget));
        ImGui::PopID();
    };
    entry(tr("filter.any"), QaFilter::Any, {}, "filter.qa.any");
    entry(tr("filter.qa.findings"), QaFilter::Findings, {}, "filter.qa.findings");
    entry(tr("filter.qa.errors"), QaFilter::Errors, {}, "filter.qa.errors");
    // The rules that found something, with the number of items each did.
    if (qa_ != nullptr && qa_->done()) {
        const std::vector<std::size_t> counts = qa_->items_per_rule();
        for (std::size_t i = 0; i < counts.size(); ++i) {
            if (counts[i] == 0) continue;
            const std::string& rule = qa_->rules()[i];
            entry(fmt::format("{} ({})", rule, counts[i]), QaFilter::Rule, rule,
                  "filter.qa.rule=" + rule);
        }
    }
    ImGui::EndCombo();
    return changed;
}

bool ItemBrowser::matches_qa(const store::ItemSummary& item) {
    const ItemQa* found = qa_ != nullptr ? qa_->find(item.id) : nullptr;
    if (found == nullptr || found->findings == 0) return false;
    switch (qa_filter_) {
        case QaFilter::Any:
        case QaFilter::Findings:
            return true;
        case QaFilter::Errors:
            return found->errors > 0;
        case QaFilter::Rule:
            return std::any_of(found->rules.begin(), found->rules.end(),
                               [&](std::uint32_t rule) { return qa_->rules()[rule] == qa_rule_; });
    }
    return false;
}

void ItemBrowser::draw_row_menu(App& app, const store::ItemSummary& item) {
    if (!ImGui::BeginPopupContextItem("##row_menu")) return;
    const std::string& me = app.session().author();
    const auto assign = [&](std::string assignee) {
        const char* comment = assignee.empty() ? "unassign" : "assign to me";
        v1::SetAssigneeT set;
        set.item = item.id;
        set.assignee = std::move(assignee);
        std::vector<v1::EditOpT> ops;
        ops.push_back(edit_op(std::move(set)));
        // A refusal shows in the status bar.
        (void)app.apply(make_edit_batch(me, std::move(ops), comment));
    };
    // Copied: applying changes the row the summary lives in.
    const std::string assignee = item.assignee;
    if (ImGui::MenuItem(tr("items.assign_me"), nullptr, false, assignee != me)) assign(me);
    app.name_widget("items.assign_me");
    if (ImGui::MenuItem(tr("items.unassign"), nullptr, false, !assignee.empty())) assign({});
    app.name_widget("items.unassign");
    ImGui::EndPopup();
}

bool ItemBrowser::matches_label(Session& session, std::size_t index) {
    std::int8_t& known = label_match_[index];
    if (known != kUnknown) return known != 0;
    const ItemId id = session.items()[index].id;
    bool found = false;
    if (id == session.current()) {
        found = has_label(session.annotations(), label_filter_);
    } else {
        try {
            const store::Bytes set = session.project().annotations(id);
            found = has_label(*flatbuffers::GetRoot<v1::AnnotationSet>(set.data()), label_filter_);
        } catch (const std::exception&) {
            found = false;  // an unreadable item matches no label
        }
    }
    known = found ? 1 : 0;
    return found;
}

bool ItemBrowser::passes(Session& session, std::size_t index) {
    const store::ItemSummary& item = session.items()[index];
    if (state_filter_ != kAnyState && static_cast<int>(item.state) != state_filter_) return false;
    if (assignee_filter_ && item.assignee != *assignee_filter_) return false;
    if (qa_filter_ != QaFilter::Any && !matches_qa(item)) return false;
    if (!label_filter_.empty() && !matches_label(session, index)) return false;
    return true;
}

void ItemBrowser::rebuild_some(Session& session) {
    const std::size_t count = session.items().size();
    if (!label_filter_.empty() && label_match_.size() != count)
        label_match_.assign(count, kUnknown);
    const auto deadline = std::chrono::steady_clock::now() + kRebuildBudget;
    while (build_pos_ < count) {
        const std::size_t end = std::min(count, build_pos_ + kRebuildStride);
        for (; build_pos_ < end; ++build_pos_)
            if (passes(session, build_pos_))
                building_.push_back(static_cast<std::uint32_t>(build_pos_));
        if (std::chrono::steady_clock::now() >= deadline) break;
    }
    if (build_pos_ >= count) {
        rows_.swap(building_);
        building_.clear();
        building_active_ = false;
        show_building_ = false;
    }
}

void ItemBrowser::draw_table(App& app) {
    Session& session = app.session();
    const auto& items = session.items();
    const bool filtered = filtering();
    const std::vector<std::uint32_t>& rows = show_building_ ? building_ : rows_;
    const std::size_t row_count = filtered ? rows.size() : items.size();

    if (qa_ != nullptr && qa_filter_ != QaFilter::Any) {
        if (!qa_->done()) {
            const std::uint64_t total = qa_->total();
            ImGui::Text(tr("items.qa_checking"),
                        total == 0 ? 0
                                   : static_cast<int>(100.0 * static_cast<double>(qa_->checked()) /
                                                      static_cast<double>(total)));
        } else if (!qa_->error().empty()) {
            ImGui::PushStyleColor(ImGuiCol_Text, kErrorColor);
            ImGui::TextWrapped(tr("items.qa_failed"), qa_->error().c_str());
            ImGui::PopStyleColor();
        }
    }
    if (building_active_ && show_building_ && !items.empty()) {
        ImGui::Text(tr("items.scanning"), static_cast<int>(100.0 * static_cast<double>(build_pos_) /
                                                           static_cast<double>(items.size())));
    } else {
        ImGui::TextDisabled(tr("items.count"), static_cast<unsigned long long>(row_count),
                            static_cast<unsigned long long>(items.size()));
    }

    constexpr ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                      ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                      ImGuiTableFlags_SizingFixedFit;
    // The assignee column once anyone has items; a few annotators, so the
    // longest name is cheap to find.
    const auto& assignees = session.assignee_counts();
    const bool assignee_column = assignees.size() > assignees.count("");
    float assignee_width = 0.0f;
    if (assignee_column) {
        assignee_width = ImGui::CalcTextSize(tr("items.column.assignee")).x;
        for (const auto& [name, count] : assignees)
            assignee_width = std::max(assignee_width, ImGui::CalcTextSize(name.c_str()).x);
        assignee_width = std::min(assignee_width, 8.0f * ImGui::GetFontSize());
    }
    // One table state per locale and column set: the state column fits the
    // longest state name.
    const std::string table_id =
        "##items_" + std::string(locale()) + (assignee_column ? "_assignee" : "");
    if (!ImGui::BeginTable(table_id.c_str(), assignee_column ? 4 : 3, flags)) return;
    float state_width = ImGui::CalcTextSize(tr("items.column.state")).x;
    for (const v1::ItemState state : kStates)
        state_width = std::max(state_width, ImGui::CalcTextSize(tr(state_key(state))).x);
    std::snprintf(id_text_, sizeof id_text_, "%llu",
                  static_cast<unsigned long long>(items.empty() ? 0 : items.back().id));
    const float id_width =
        std::max(ImGui::CalcTextSize(id_text_).x, ImGui::CalcTextSize(tr("items.column.id")).x);
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(tr("items.column.id"), ImGuiTableColumnFlags_WidthFixed, id_width);
    ImGui::TableSetupColumn(tr("items.column.file"), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(tr("items.column.state"), ImGuiTableColumnFlags_WidthFixed,
                            state_width);
    if (assignee_column)
        ImGui::TableSetupColumn(tr("items.column.assignee"), ImGuiTableColumnFlags_WidthFixed,
                                assignee_width);
    ImGui::TableHeadersRow();

    // Keep the open item in view when something else opened it.
    const ItemId current = session.current();
    if (current != scrolled_to_ && row_height_ > 0.0f) {
        scrolled_to_ = current;
        std::optional<std::size_t> position;
        if (const auto index = session.index_of(current)) {
            if (!filtered) {
                position = *index;
            } else {
                const auto it =
                    std::lower_bound(rows.begin(), rows.end(), static_cast<std::uint32_t>(*index));
                if (it != rows.end() && *it == *index)
                    position = static_cast<std::size_t>(it - rows.begin());
            }
        }
        if (position) {
            const float y = static_cast<float>(*position) * row_height_;
            const float top = ImGui::GetScrollY();
            const float visible = ImGui::GetWindowHeight() - 2.0f * row_height_;  // less the header
            if (y < top || y > top + visible) ImGui::SetScrollY(std::max(0.0f, y - visible / 2.0f));
        }
    }

    ImGuiListClipper clipper;
    clipper.Begin(
        static_cast<int>(std::min<std::size_t>(row_count, std::numeric_limits<int>::max())));
    char* id_text = id_text_;
    while (clipper.Step()) {
        if (clipper.ItemsHeight > 0.0f) row_height_ = clipper.ItemsHeight;
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const std::size_t index =
                filtered ? rows[static_cast<std::size_t>(row)] : static_cast<std::size_t>(row);
            const store::ItemSummary& item = items[index];
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            std::snprintf(id_text, sizeof id_text_, "%llu",
                          static_cast<unsigned long long>(item.id));
            ImGui::PushID(row);
            if (ImGui::Selectable(id_text, item.id == current,
                                  ImGuiSelectableFlags_SpanAllColumns) &&
                item.id != current) {
                scrolled_to_ = item.id;  // clicked: already in view
                app.open_item(item.id);
            }
            app.name_widget(fmt::format("items.row={}", item.id));
            if (ImGui::IsItemHovered() && !item.uri.empty())
                ImGui::SetTooltip("%s", item.uri.c_str());
            draw_row_menu(app, item);
            ImGui::PopID();
            ImGui::TableSetColumnIndex(1);
            const std::string_view name = file_name(item.uri);
            ImGui::TextUnformatted(name.data(), name.data() + name.size());
            ImGui::TableSetColumnIndex(2);
            ImGui::TextColored(state_color(item.state), "%s", tr(state_key(item.state)));
            if (assignee_column) {
                ImGui::TableSetColumnIndex(3);
                ImGui::TextUnformatted(item.assignee.c_str());
            }
        }
    }
    ImGui::EndTable();
}

}  // namespace

std::unique_ptr<Panel> make_item_browser() {
    return std::make_unique<ItemBrowser>();
}

}  // namespace tessera::studio
