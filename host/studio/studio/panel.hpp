#pragma once
// A panel of the studio: one window drawn every frame. A panel declares what
// it is (id, title, flags) and draws its contents; the App places it from the
// layout table, calls ImGui::Begin/End around draw() and skips draw() while
// the window is collapsed. The built-in panels live in studio/panels/, one
// file per feature (see panels.hpp for how to add one); a customized host
// adds its own with App::add_panel().

#include <cstdint>
#include <string>

#include "studio/layout.hpp"

namespace tessera::studio {

class App;

/// What the app or one panel asks of another panel, through App::request().
enum class Request : std::uint8_t {
    Show,    ///< opens a closable panel (PanelFlags::closable)
    Toggle,  ///< opens a closable panel, or closes it when open (F1, F2)
    Focus,   ///< expands the panel and brings it to the front (QA after a blocked submit)
    Reject,  ///< the review panel opens its rejection form for the open item (R)
};

/// How the app shows a panel.
struct PanelFlags {
    /// Extra ImGuiWindowFlags for ImGui::Begin.
    int window = 0;
    /// Shown only while open (App::request Show / Toggle), with a close button.
    bool closable = false;
    /// Brought to the front each time it opens (closable panels).
    bool focus_when_opened = false;
};

class Panel {
public:
    virtual ~Panel() = default;
    /// Stable id, e.g. "items"; profiles, the saved layout and App::request() name panels by it.
    [[nodiscard]] virtual std::string id() const = 0;
    /// The i18n key of the window title ("panel.items"); text without a
    /// translation is shown as it is, so a host's own panel may give its title.
    [[nodiscard]] virtual const char* title_key() const = 0;
    /// How the app shows the panel.
    [[nodiscard]] virtual PanelFlags flags() const { return {}; }
    /// Text after the title, shown also when collapsed (the QA panel's error count).
    [[nodiscard]] virtual std::string title_suffix(App& /*app*/) { return {}; }
    /// Whether the panel shows this frame; called every frame before placing
    /// it (the review panel shows only in review mode or after a rejection).
    [[nodiscard]] virtual bool wanted(App& /*app*/) { return true; }
    /// Handles a request addressed to this panel that the app does not handle
    /// itself (Request::Reject); true brings the panel to the front.
    virtual bool handle(App& /*app*/, Request /*request*/) { return false; }
    /// Draws the contents for one frame, between the app's ImGui::Begin and
    /// End; not called while the window is collapsed.
    virtual void draw(App& app) = 0;
};

}  // namespace tessera::studio
