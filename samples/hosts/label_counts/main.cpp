// A customized host: the standard studio plus one panel that counts the open
// item's annotations by label. Everything else (views, panels, undo, QA,
// profiles, scripted sessions) comes from the tessera_host library.
//
//   label-counts-studio [--profile FILE] [--script FILE.lua] [--author NAME] PROJECT

#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <imgui.h>

#include "core/error.hpp"
#include "studio/app.hpp"

namespace {

using tessera::studio::App;

class LabelCounts final : public tessera::studio::Panel {
public:
    std::string id() const override { return "label_counts"; }
    const char* title_key() const override { return "Label counts"; }

    // The app places the window and begins it; this draws what is inside.
    void draw(App& app) override {
        std::map<std::string, int> counts;
        if (app.session().current() != 0)
            if (const auto* annotations = app.session().annotations().annotations())
                for (const auto* annotation : *annotations)
                    ++counts[annotation->label() ? annotation->label()->str() : ""];
        for (const auto& [label, count] : counts) {
            const std::uint32_t c = app.label_color(label);
            ImGui::ColorButton(label.c_str(), {(c >> 24) / 255.f, ((c >> 16) & 255) / 255.f,
                                               ((c >> 8) & 255) / 255.f, 1.f});
            ImGui::SameLine();
            ImGui::Text("%s: %d", app.label_name(label).c_str(), count);
        }
        if (counts.empty()) ImGui::TextDisabled("no annotations");
    }
};

}  // namespace

int main(int argc, char** argv) {
    tessera::studio::AppOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--profile" && i + 1 < argc)
            options.profile = argv[++i];
        else if (arg == "--script" && i + 1 < argc)
            options.script = argv[++i];
        else if (arg == "--author" && i + 1 < argc)
            options.author = argv[++i];
        else
            options.project = arg;
    }
    if (options.project.empty()) {
        fmt::print(stderr,
                   "usage: label-counts-studio [--profile FILE] [--script FILE.lua] PROJECT\n");
        return 2;
    }
    try {
        App app(std::move(options));
        // Bottom right, over the review panel's place: fractions of the window
        // below the menu bar (1000, 640, 280 x 130 px of a 1280 x 800 window).
        app.add_panel(std::make_unique<LabelCounts>(), {0.78125f, 0.8238f, 0.21875f, 0.1736f});
        return app.run();
    } catch (const tessera::Error& e) {
        fmt::print(stderr, "label-counts-studio: {}\n", e.what());
        return 1;
    }
}
