#pragma once
// The studio's built-in panels, one file per feature. The App registers them
// in this order — items, labels, attributes, QA, review, status bar, shortcut
// sheet, view options — and draws the main menu bar before them.
//
// Default layout (ImGuiCond_FirstUseEver, for a 1280x800 window): the item
// browser on the left (x 0..260), the canvas in the centre, a right column
// (x 1000..1280) stacking labels, attributes, QA and review, and the status
// bar along the bottom 28 px.

#include <cstdint>
#include <memory>
#include <string_view>

#include <imgui.h>
#include <tessera/cpp/strings.hpp>

#include "core/data_api.hpp"
#include "studio/panel.hpp"

namespace tessera::studio {

class App;

/// Every item of the project in a virtualized table, filtered by state,
/// label and QA findings; a click opens the item.
[[nodiscard]] std::unique_ptr<Panel> make_item_browser();
/// The schema's classes with colour, name and hotkey; a click picks the label.
[[nodiscard]] std::unique_ptr<Panel> make_label_palette();
/// Label and attributes of the selected annotation; every change is an edit.
[[nodiscard]] std::unique_ptr<Panel> make_attribute_editor();
/// The open item's QA findings; a click selects the annotation concerned.
[[nodiscard]] std::unique_ptr<Panel> make_qa_panel();
/// Accept / reject in review mode; otherwise the last rejection's feedback.
[[nodiscard]] std::unique_ptr<Panel> make_review_panel();
/// The bar along the bottom: progress, item, tool, label, errors, messages.
[[nodiscard]] std::unique_ptr<Panel> make_status_bar();
/// The F1 sheet of every shortcut (shown while App::show_shortcuts).
[[nodiscard]] std::unique_ptr<Panel> make_shortcut_sheet();
/// The open view's own settings, drawn by the view (shown while App::show_view_options).
[[nodiscard]] std::unique_ptr<Panel> make_view_options();

/// Draws the main menu bar (File, Edit, View, Review, Help).
void draw_main_menu(App& app);

/// Accepts the open item when in review mode and it is Submitted, then opens
/// the next one; what the app's A key calls. Reports refusals in the status bar.
void accept_current(App& app);
/// Opens the review panel's rejection form for the open item (the app's R key);
/// the rejection itself happens when the reviewer confirms the form.
void open_reject_form();

// --- Helpers shared by the panels --------------------------------------------

/// The i18n key of a workflow state: "state.new", "state.in_progress", ...
[[nodiscard]] inline const char* state_key(v1::ItemState state) {
    switch (state) {
        case v1::ItemState::New:
            return "state.new";
        case v1::ItemState::InProgress:
            return "state.in_progress";
        case v1::ItemState::Submitted:
            return "state.submitted";
        case v1::ItemState::Accepted:
            return "state.accepted";
        case v1::ItemState::Rejected:
            return "state.rejected";
    }
    return "state.unknown";
}

/// The text colour the panels use for a workflow state.
[[nodiscard]] inline ImVec4 state_color(v1::ItemState state) {
    switch (state) {
        case v1::ItemState::New:
            return {0.70f, 0.70f, 0.70f, 1.0f};
        case v1::ItemState::InProgress:
            return {0.40f, 0.70f, 1.00f, 1.0f};
        case v1::ItemState::Submitted:
            return {1.00f, 0.80f, 0.30f, 1.0f};
        case v1::ItemState::Accepted:
            return {0.40f, 0.90f, 0.45f, 1.0f};
        case v1::ItemState::Rejected:
            return {1.00f, 0.40f, 0.40f, 1.0f};
    }
    return {1.0f, 1.0f, 1.0f, 1.0f};
}

/// Top-left corner of the default layout: below the main menu bar. Computed
/// from the style, not from the viewport's work area, which only accounts for
/// the menu bar from the second frame on (too late for ImGuiCond_FirstUseEver).
[[nodiscard]] inline ImVec2 layout_origin() {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    return {viewport->Pos.x, viewport->Pos.y + ImGui::GetFrameHeight()};
}

/// Height of the status bar along the bottom, pixels.
inline constexpr float kStatusBarHeight = 28.0f;

/// Height of the default layout between the menu bar and the status bar.
[[nodiscard]] inline float layout_height() {
    return ImGui::GetMainViewport()->Size.y - ImGui::GetFrameHeight() - kStatusBarHeight;
}

/// Colour of error text (invalid input, failed operations).
inline const ImVec4 kErrorColor{1.00f, 0.40f, 0.40f, 1.0f};

/// ImGui colour of a schema colour 0xRRGGBBAA.
[[nodiscard]] inline ImVec4 rgba_color(std::uint32_t rgba) {
    return {static_cast<float>((rgba >> 24) & 0xFF) / 255.0f,
            static_cast<float>((rgba >> 16) & 0xFF) / 255.0f,
            static_cast<float>((rgba >> 8) & 0xFF) / 255.0f,
            static_cast<float>(rgba & 0xFF) / 255.0f};
}

/// The text of `texts` in `lang`, else English, else the first one, else `fallback`
/// (schema names of defects and enum values; the App names classes itself).
[[nodiscard]] inline std::string_view localized(
    const flatbuffers::Vector<flatbuffers::Offset<v1::LocalizedText>>* texts, std::string_view lang,
    std::string_view fallback) {
    if (texts == nullptr || texts->size() == 0) return fallback;
    const auto text_in = [&](std::string_view wanted) -> const v1::LocalizedText* {
        for (const v1::LocalizedText* t : *texts)
            if (t->lang() != nullptr && t->text() != nullptr && t->lang()->string_view() == wanted)
                return t;
        return nullptr;
    };
    const v1::LocalizedText* found = text_in(lang);
    if (found == nullptr) found = text_in("en");
    if (found == nullptr) found = texts->Get(0);
    return found->text() != nullptr ? found->text()->string_view() : fallback;
}

using cpp::text;

}  // namespace tessera::studio
