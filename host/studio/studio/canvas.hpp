#pragma once
// The canvas: where a view plugin draws, through tessera.host.ui/1 over
// Dear ImGui's draw lists, shown through a CanvasCache. Keeps the view's item-to-screen transform
// between frames so the host can draw its own overlays (QA findings, review comments) in item
// coordinates too.

#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>
#include <tessera/ext/host_ui.h>
#include <tessera/ext/view.h>

#include "studio/canvas_cache.hpp"

namespace tessera::studio {

/// What the canvas asks of the host.
struct CanvasHooks {
    /// Colour (0xRRGGBBAA) of a label of the schema.
    std::function<std::uint32_t(std::string_view label)> label_color;
    /// Name of a label of the schema in the UI language.
    std::function<std::string(std::string_view label)> label_name;
    /// The view selected `annotation` (0 = none).
    std::function<void(std::uint64_t annotation)> select;
    /// The view drew a widget labelled `label` (the last ImGui item); may be empty.
    std::function<void(std::string_view label)> widget;
};

class Canvas {
public:
    explicit Canvas(CanvasHooks hooks);
    /// Deletes the textures views left behind; the OpenGL context must still be current.
    ~Canvas();
    Canvas(const Canvas&) = delete;
    Canvas& operator=(const Canvas&) = delete;

    /// The tessera.host.ui/1 table (static; handed to views in frame() and options()).
    [[nodiscard]] static const tessera_host_ui_t* api();

    /// Lays the canvas over the rest of the current ImGui window and runs the
    /// view's frame() in it; returns after the view drew.
    void frame(const tessera_plugin_t* plugin, const tessera_plugin_view_t& view,
               const tessera_view_state_t& state);
    /// Runs the view's options() (if it has one) in the current ImGui window.
    void options(const tessera_plugin_t* plugin, const tessera_plugin_view_t& view);

    /// The view's transform: screen = origin + offset + item * scale.
    [[nodiscard]] ImVec2 to_screen(float x, float y) const;
    [[nodiscard]] ImVec2 to_item(ImVec2 screen) const;
    [[nodiscard]] float scale() const { return scale_; }
    /// Top-left corner and size of the canvas on the screen, as of the last frame.
    [[nodiscard]] ImVec2 origin() const { return origin_; }
    [[nodiscard]] ImVec2 size() const { return size_; }
    /// The draw list of the last frame (for the host's overlays; valid during the frame).
    [[nodiscard]] ImDrawList* draw_list() const { return draw_; }
    /// Keeps the still part of the view's drawing in a texture.
    [[nodiscard]] CanvasCache& cache() { return cache_; }

    // Used by the tessera.host.ui/1 functions.
    struct Context;

private:
    friend struct Context;
    CanvasHooks hooks_;
    ImDrawList* draw_ = nullptr;
    ImVec2 origin_{0, 0};
    ImVec2 size_{0, 0};
    float scale_ = 1.0f;
    ImVec2 offset_{0, 0};
    bool hovered_ = false;
    std::deque<std::string> frame_strings_;  // strings handed to the view during one callback
    std::vector<ImVec2> scratch_;            // points of one shape in screen coordinates
    std::set<std::uint64_t> textures_;       // created by views and not destroyed yet
    ImDrawList layer_{nullptr};              // what the view draws in one frame
    CanvasCache cache_;
};

/// ImGui colour (ABGR) of a 0xRRGGBBAA colour.
[[nodiscard]] ImU32 im_color(std::uint32_t rgba);

/// Fills a simple polygon, convex or not, by ear clipping.
void fill_simple_polygon(ImDrawList& draw, const ImVec2* points, std::size_t count, ImU32 color);

}  // namespace tessera::studio
