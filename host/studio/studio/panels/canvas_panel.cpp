// The canvas panel: the open item's view, with a toolbar of the view's tools
// (the active one highlighted) and the active label above it, and the review
// comments of the item's latest rejection pinned on it, so the annotator sees
// what to fix where.

#include <string>

#include <fmt/format.h>
#include <imgui.h>

#include "studio/app.hpp"
#include "studio/i18n.hpp"
#include "studio/panels/panels.hpp"

namespace tessera::studio {
namespace {

class CanvasPanel final : public Panel {
public:
    [[nodiscard]] std::string id() const override { return "canvas"; }
    [[nodiscard]] const char* title_key() const override { return "window.canvas"; }
    [[nodiscard]] PanelFlags flags() const override {
        return {.window = ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse};
    }
    void draw(App& app) override;

private:
    static void draw_toolbar(App& app, const plugins::ViewRecord& view);
    static void draw_review_comments(App& app);
};

void CanvasPanel::draw(App& app) {
    const plugins::ViewRecord* view = app.view();
    if (view == nullptr) {
        ImGui::TextUnformatted(tr("status.no_view"));
        return;
    }
    draw_toolbar(app, *view);
    const tessera_view_state_t state{
        .tool = app.tool().c_str(),
        .label = app.label().c_str(),
        .selected = app.session().selected(),
        .author = app.options().author.c_str(),
    };
    app.canvas().frame(view->plugin, *view->view, state);
    draw_review_comments(app);
}

void CanvasPanel::draw_toolbar(App& app, const plugins::ViewRecord& view) {
    for (std::uint32_t i = 0; i < view.view->tool_count; ++i) {
        const tessera_view_tool_t& t = view.view->tools[i];
        if (!app.profile().offers_tool(t.id)) continue;
        const std::string key = fmt::format("tool.{}", t.id);
        const char* name = tr(key);
        const bool active = app.tool() == t.id;
        if (active)
            ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
        if (ImGui::Button(name == key ? t.name : name)) app.set_tool(t.id);
        if (active) ImGui::PopStyleColor();
        ImGui::SameLine();
    }
    ImGui::TextDisabled("%s %s", tr("panel.labels"),
                        app.label().empty() ? "-" : app.label_name(app.label()).c_str());
}

void CanvasPanel::draw_review_comments(App& app) {
    const Canvas& canvas = app.canvas();
    const Session& session = app.session();
    ImDrawList* draw = canvas.draw_list();
    if (draw == nullptr) return;
    const auto& reviews = session.reviews();
    if (reviews.empty() || reviews.back()->verdict != v1::Verdict::Reject) return;
    draw->PushClipRect(canvas.origin(),
                       {canvas.origin().x + canvas.size().x, canvas.origin().y + canvas.size().y},
                       true);
    for (const auto& comment : reviews.back()->comments) {
        ImVec2 at = comment->position ? canvas.to_screen(static_cast<float>(comment->position->x()),
                                                         static_cast<float>(comment->position->y()))
                                      : canvas.origin();
        if (const v1::Annotation* a = session.find_annotation(comment->annotation);
            a && a->geometry_as_Box()) {
            const v1::Box* box = a->geometry_as_Box();
            at = canvas.to_screen(static_cast<float>(box->left()), static_cast<float>(box->top()));
        }
        const ImVec2 size = ImGui::CalcTextSize(comment->text.c_str());
        draw->AddRectFilled({at.x, at.y - size.y - 6}, {at.x + size.x + 8, at.y},
                            IM_COL32(200, 40, 40, 230), 3.0f);
        draw->AddText({at.x + 4, at.y - size.y - 3}, IM_COL32(255, 255, 255, 255),
                      comment->text.c_str());
    }
    draw->PopClipRect();
}

}  // namespace

std::unique_ptr<Panel> make_canvas_panel() {
    return std::make_unique<CanvasPanel>();
}

}  // namespace tessera::studio
