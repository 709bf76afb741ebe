#pragma once
// The studio's built-in panels, one file per feature, and the table of them.
//
// Adding a panel — one file plus one line:
//   1. Write panels/my_panel.cpp: a class deriving from Panel (studio/panel.hpp)
//      that declares id(), title_key() (an i18n key; add its texts to
//      i18n.cpp) and, if needed, flags(), and draws its contents in draw() —
//      no SetNextWindowPos, no ImGui::Begin/End: the App places the window,
//      begins it, skips draw() while it is collapsed and ends it. End the file
//      with its factory: std::unique_ptr<Panel> make_my_panel().
//   2. Add one line to TESSERA_STUDIO_PANELS below: the factory, how it is
//      placed, and its default rectangle as fractions of the work area (the
//      window between the main menu bar and the status bar), so it follows
//      the window's size. The line's position is the drawing order.
// A profile's "layout" overrides the default rectangle by panel id; a panel
// the user moves or resizes is saved per user (layout.hpp) until
// View → Reset layout. Panels ask each other for things through
// App::request(id, Request), never through globals or flags of their own on App.
// A customized host adds a panel without touching this file: App::add_panel().

#include <cstdint>
#include <memory>
#include <string_view>

#include <imgui.h>
#include <tessera/cpp/strings.hpp>

#include "core/data_api.hpp"
#include "studio/panel.hpp"

namespace tessera::studio {

class App;

// The table of panels, in drawing order: PANEL(factory, placement, x, y,
// width, height). The fractions reproduce the original 1280 x 800 layout
// (749 px of work area) to the pixel: items on the left (260 px), the canvas
// in the centre, a right column (280 px) stacking labels, attributes, QA and
// review, the status bar along the bottom.
// clang-format off
#define TESSERA_STUDIO_PANELS(PANEL)                                                          \
    /* The open item's view, its toolbar and the review comments pinned on it. */             \
    PANEL(make_canvas_panel,      Placement::Free,      0.203125f, 0.0f,    0.578125f, 1.0f)    \
    /* Every item of the project in a virtualized table, filtered; a click opens one. */      \
    PANEL(make_item_browser,      Placement::Free,      0.0f,      0.0f,    0.203125f, 1.0f)    \
    /* The schema's classes with colour, name and hotkey; a click picks the label. */         \
    PANEL(make_label_palette,     Placement::Free,      0.78125f,  0.0f,    0.21875f,  0.2537f) \
    /* Label and attributes of the selected annotation; every change is an edit. */           \
    PANEL(make_attribute_editor,  Placement::Free,      0.78125f,  0.2537f, 0.21875f,  0.2937f) \
    /* The open item's QA findings; a click selects the annotation concerned. */              \
    PANEL(make_qa_panel,          Placement::Free,      0.78125f,  0.5474f, 0.21875f,  0.2537f) \
    /* Accept / reject in review mode; otherwise the last rejection's feedback. */            \
    PANEL(make_review_panel,      Placement::Free,      0.78125f,  0.8011f, 0.21875f,  0.1989f) \
    /* Progress, item, tool, label, errors, messages. */                                      \
    PANEL(make_status_bar,        Placement::StatusBar, 0.0f,      1.0f,    1.0f,      0.0f)    \
    /* The F1 sheet of every shortcut. */                                                     \
    PANEL(make_shortcut_sheet,    Placement::Centered,  0.0f,      0.0f,    0.359375f, 0.7477f) \
    /* The open view's own settings, drawn by the view (F2). */                               \
    PANEL(make_view_options,      Placement::Free,      0.546875f, 0.0801f, 0.21875f,  0.1869f)
// clang-format on

#define TESSERA_DECLARE_PANEL(make, ...) [[nodiscard]] std::unique_ptr<Panel> make();
TESSERA_STUDIO_PANELS(TESSERA_DECLARE_PANEL)
#undef TESSERA_DECLARE_PANEL

/// Panel ids that the app and other panels send requests to.
inline constexpr std::string_view kQaPanel = "qa";
inline constexpr std::string_view kReviewPanel = "review";
inline constexpr std::string_view kShortcutSheet = "shortcuts";
inline constexpr std::string_view kViewOptions = "view_options";

/// Draws the main menu bar (File, Edit, View, Review, Help).
void draw_main_menu(App& app);

/// Accepts the open item when in review mode and it is Submitted, then opens
/// the next one; what the app's A key calls. Reports refusals in the status bar.
void accept_current(App& app);

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
