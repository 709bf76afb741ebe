#pragma once
// Keeps the unchanging start of the canvas's drawing in a texture, so that a
// still scene is rasterized once instead of at every frame.
//
// Views redraw everything at every frame through tessera.host.ui/1, and with
// 10,000 shapes rasterizing them is most of the frame under a software
// renderer. But from one frame to the next the drawing usually differs only
// at its end: the image and the stored shapes come first, the hover
// highlight, the selection handles and the shape being drawn come last. So
// the cache compares this frame's triangles with the last frame's, renders
// the longest common start into an offscreen texture once, and then draws
// that texture plus only the triangles after it. Pixels are the same as
// drawing directly: the same triangles go through the same rasterizer.

#include <cstdint>

#include <imgui.h>

namespace tessera::studio {

class CanvasCache {
public:
    CanvasCache();
    /// Frees the texture; the OpenGL context must still be current.
    ~CanvasCache();
    CanvasCache(const CanvasCache&) = delete;
    CanvasCache& operator=(const CanvasCache&) = delete;

    /// Appends what `layer` draws (the canvas at `origin`, `size` screen
    /// pixels) to `out`, through the cached texture where the layer starts
    /// with what it holds. Call while the OpenGL context is current, between
    /// ImGui::NewFrame() and ImGui::Render().
    void draw(const ImDrawList& layer, ImVec2 origin, ImVec2 size, ImDrawList& out);

    /// Off: every triangle is drawn at every frame (the same pixels; for tests).
    void set_enabled(bool enabled);
    [[nodiscard]] bool enabled() const { return enabled_; }

    struct Stats {
        std::uint64_t frames = 0;        ///< frames drawn
        std::uint64_t cached_frames = 0; ///< of which through the texture
        std::uint64_t renders = 0;       ///< times the texture was rendered
    };
    [[nodiscard]] const Stats& stats() const { return stats_; }

private:
    // Renders prefix_ into the texture; false when OpenGL cannot.
    bool render_prefix();

    bool enabled_ = true;
    bool checked_ = false;
    bool usable_ = false;  // OpenGL offers framebuffer objects
    bool valid_ = false;   // the texture holds `prefix_`
    unsigned framebuffer_ = 0;
    unsigned texture_ = 0;
    int texture_width_ = 0;
    int texture_height_ = 0;
    ImDrawList prefix_{nullptr};    // the triangles in the texture
    ImDrawList previous_{nullptr};  // last frame's layer
    Stats stats_;
};

}  // namespace tessera::studio
