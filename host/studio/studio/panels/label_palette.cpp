// The label palette: the schema's classes, each with its colour, its name in
// the UI language and its hotkey; a click makes it the label of new shapes.
// Child classes are indented under their parents.
// A search box filters by key or by name (in any language of the schema).
// Hotkeys themselves are handled by the app.

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "studio/app.hpp"
#include "studio/i18n.hpp"
#include "studio/panels/panels.hpp"

namespace tessera::studio {
namespace {

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// Case-insensitive (ASCII) substring search; other scripts compare exactly.
bool contains(std::string_view haystack, const std::string& lowered_needle) {
    return lowercase(haystack).find(lowered_needle) != std::string::npos;
}

bool matches(const v1::LabelClass& c, const std::string& needle, std::string_view shown_name) {
    if (needle.empty()) return true;
    if (contains(text(c.key()), needle) || contains(shown_name, needle)) return true;
    if (c.names() != nullptr)
        for (const v1::LocalizedText* name : *c.names())
            if (contains(text(name->text()), needle)) return true;
    return false;
}

/// Depth of `c` in the class tree (parents come before children; cycles are cut).
int depth_of(const Session& session, const v1::LabelClass& c) {
    int depth = 0;
    std::string_view parent = text(c.parent());
    while (!parent.empty() && depth < 8) {
        const v1::LabelClass* p = session.find_class(parent);
        if (p == nullptr) break;
        ++depth;
        parent = text(p->parent());
    }
    return depth;
}

class LabelPalette final : public Panel {
public:
    [[nodiscard]] std::string id() const override { return "labels"; }
    [[nodiscard]] const char* title_key() const override { return "panel.labels"; }
    void draw(App& app) override;

private:
    std::string search_;
};

void LabelPalette::draw(App& app) {
    const Session& session = app.session();
    const auto* classes = session.schema().classes();
    if (classes == nullptr || classes->size() == 0) {
        ImGui::TextDisabled("%s", tr("labels.none"));
        return;
    }

    ImGui::SetNextItemWidth(-FLT_MIN);
    ImGui::InputTextWithHint("##search", tr("labels.search"), &search_);
    const std::string needle = lowercase(search_);

    // The app gives classes their own hotkeys, or 1-9 by position when the
    // schema declares none: show what the keyboard really does.
    bool any_hotkey = false;
    for (const v1::LabelClass* c : *classes) any_hotkey = any_hotkey || !text(c->hotkey()).empty();
    struct Row {
        const v1::LabelClass* label_class;
        std::string name;
        std::string hotkey;
    };
    std::vector<Row> rows;
    for (flatbuffers::uoffset_t i = 0; i < classes->size(); ++i) {
        const v1::LabelClass* c = classes->Get(i);
        std::string name = app.label_name(text(c->key()));
        if (!matches(*c, needle, name)) continue;
        std::string hotkey(text(c->hotkey()));
        if (!any_hotkey && i < 9) hotkey = std::to_string(i + 1);
        rows.push_back({c, std::move(name), std::move(hotkey)});
    }
    if (rows.empty()) ImGui::TextDisabled("%s", tr("labels.no_match"));

    constexpr ImGuiTableFlags flags =
        ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit;
    if (!rows.empty() && ImGui::BeginTable("##classes", 3, flags)) {
        ImGui::TableSetupColumn("##color", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("##name", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("##hotkey", ImGuiTableColumnFlags_WidthFixed);
        const float swatch = ImGui::GetTextLineHeight();
        for (const Row& row : rows) {
            const v1::LabelClass& c = *row.label_class;
            const std::string_view key = text(c.key());
            ImGui::PushID(&c);
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::ColorButton("##swatch", rgba_color(c.color()),
                               ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoDragDrop,
                               ImVec2(swatch, swatch));
            ImGui::TableSetColumnIndex(1);
            // Children are indented under their parent (flat while searching).
            const float indent =
                needle.empty() ? static_cast<float>(depth_of(session, c)) * 10.0f : 0.0f;
            if (indent > 0.0f) ImGui::Indent(indent);
            if (ImGui::Selectable(row.name.c_str(), app.label() == key,
                                  ImGuiSelectableFlags_SpanAllColumns))
                app.set_label(key);
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%.*s", static_cast<int>(key.size()), key.data());
            if (indent > 0.0f) ImGui::Unindent(indent);
            ImGui::TableSetColumnIndex(2);
            if (!row.hotkey.empty()) ImGui::TextDisabled("%s", row.hotkey.c_str());
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
}

}  // namespace

std::unique_ptr<Panel> make_label_palette() {
    return std::make_unique<LabelPalette>();
}

}  // namespace tessera::studio
