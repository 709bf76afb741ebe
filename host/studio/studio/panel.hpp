#pragma once
// A panel of the studio: one window drawn every frame. The built-in panels
// live in studio/panels/, one file per feature; a customized host adds its
// own with App::add_panel().

#include <string>

namespace tessera::studio {

class App;

class Panel {
public:
    virtual ~Panel() = default;
    /// Stable id, e.g. "items"; profiles name panels by it.
    [[nodiscard]] virtual std::string id() const = 0;
    /// Draws the panel for one frame (inside its own ImGui::Begin/End).
    virtual void draw(App& app) = 0;
};

}  // namespace tessera::studio
