// The view options panel: the open view's own settings, which the view draws
// itself (tessera.view/1 options(), through tessera.host.ui/1 or, for a
// plugin built against the studio's ImGui, tessera.host.imgui/1). A closable
// panel, toggled from the View menu or with F2; placed over the canvas's
// top-right corner.

#include <string>

#include <imgui.h>

#include "studio/app.hpp"
#include "studio/i18n.hpp"
#include "studio/panels/panels.hpp"

namespace tessera::studio {
namespace {

class ViewOptions final : public Panel {
public:
    [[nodiscard]] std::string id() const override { return std::string(kViewOptions); }
    [[nodiscard]] const char* title_key() const override { return "panel.view_options"; }
    [[nodiscard]] PanelFlags flags() const override { return {.closable = true}; }
    void draw(App& app) override;
};

void ViewOptions::draw(App& app) {
    const plugins::ViewRecord* view = app.view();
    if (view == nullptr)
        ImGui::TextDisabled("%s", tr("status.no_view"));
    else if (view->view->options == nullptr)
        ImGui::TextDisabled("%s", tr("view_options.none"));
    else
        app.canvas().options(view->plugin, *view->view);
}

}  // namespace

std::unique_ptr<Panel> make_view_options() {
    return std::make_unique<ViewOptions>();
}

}  // namespace tessera::studio
