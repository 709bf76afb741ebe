// The shortcut sheet (F1): every shortcut of the studio with what it does, in
// the UI language. A closable panel: F1 and the menus toggle it
// (Request::Toggle), its close button closes it. The keys themselves are
// handled by the app and the view.

#include <string>

#include <imgui.h>

#include "studio/app.hpp"
#include "studio/i18n.hpp"
#include "studio/panels/panels.hpp"

namespace tessera::studio {
namespace {

struct Shortcut {
    /// The keys as printed; an i18n key when `keys_translated`.
    const char* keys;
    /// i18n key of what the shortcut does.
    const char* action;
    bool keys_translated = false;
};

struct Section {
    const char* title;  // i18n key
    std::initializer_list<Shortcut> shortcuts;
};

const Section kSections[] = {
    {"shortcuts.section.labels_tools",
     {{"1 - 9", "shortcuts.labels"},
      {"V", "shortcuts.tool_select"},
      {"B", "shortcuts.tool_box"},
      {"P", "shortcuts.tool_polygon"},
      {"L", "shortcuts.tool_polyline"},
      {"K", "shortcuts.tool_keypoints"}}},
    {"shortcuts.section.view",
     {{"F", "shortcuts.fit"},
      {"0", "shortcuts.actual_size"},
      {"keys.wheel", "shortcuts.zoom", true},
      {"keys.middle_right_drag", "shortcuts.pan", true},
      {"F2", "shortcuts.view_options"}}},
    {"shortcuts.section.editing",
     {{"Enter", "shortcuts.close_polygon"},
      {"Esc", "shortcuts.cancel"},
      {"Delete", "shortcuts.delete"},
      {"Ctrl+Z", "shortcuts.undo"},
      {"Ctrl+Shift+Z / Ctrl+Y", "shortcuts.redo"},
      {"Ctrl+S", "shortcuts.retry_save"},
      {"Ctrl+Shift+D", "shortcuts.discard_unsaved"},
      {"Ctrl+Enter", "shortcuts.submit"}}},
    {"shortcuts.section.items",
     {{"PageDown", "shortcuts.next_item"}, {"PageUp", "shortcuts.previous_item"}}},
    {"shortcuts.section.review", {{"A", "shortcuts.accept"}, {"R", "shortcuts.reject"}}},
    {"shortcuts.section.help", {{"F1", "shortcuts.sheet"}}},
};

class ShortcutSheet final : public Panel {
public:
    [[nodiscard]] std::string id() const override { return std::string(kShortcutSheet); }
    [[nodiscard]] const char* title_key() const override { return "panel.shortcuts"; }
    [[nodiscard]] PanelFlags flags() const override {
        return {.window = ImGuiWindowFlags_NoCollapse, .closable = true, .focus_when_opened = true};
    }
    void draw(App& app) override;
};

void ShortcutSheet::draw(App& /*app*/) {
    constexpr ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit;
    for (const Section& section : kSections) {
        ImGui::Spacing();
        ImGui::TextColored(ImVec4(0.55f, 0.75f, 1.0f, 1.0f), "%s", tr(section.title));
        ImGui::PushID(section.title);
        if (ImGui::BeginTable("##keys", 2, flags)) {
            ImGui::TableSetupColumn("##key", ImGuiTableColumnFlags_WidthFixed, 170.0f);
            ImGui::TableSetupColumn("##action", ImGuiTableColumnFlags_WidthStretch);
            for (const Shortcut& shortcut : section.shortcuts) {
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                ImGui::TextUnformatted(shortcut.keys_translated ? tr(shortcut.keys)
                                                                : shortcut.keys);
                ImGui::TableSetColumnIndex(1);
                ImGui::TextUnformatted(tr(shortcut.action));
            }
            ImGui::EndTable();
        }
        ImGui::PopID();
    }
    ImGui::Spacing();
    ImGui::TextDisabled("%s", tr("shortcuts.review_only"));
}

}  // namespace

std::unique_ptr<Panel> make_shortcut_sheet() {
    return std::make_unique<ShortcutSheet>();
}

}  // namespace tessera::studio
