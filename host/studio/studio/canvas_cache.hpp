#pragma once
// Keeps the unchanging start of the canvas's drawing in a texture, so that a
// still or panned scene is rasterized once instead of at every frame.
//
// Views redraw everything at every frame through tessera.host.ui/1, and with
// 10,000 shapes rasterizing them is most of the frame under a software
// renderer. But from one frame to the next the drawing usually differs only
// at its end: the image and the stored shapes come first, the hover
// highlight, the selection handles and the shape being drawn come last. And
// while the user pans, the whole drawing moves by whole pixels. So the cache
// compares this frame's triangles with the ones in its texture, equal or
// moved alike by a whole number of pixels, and draws the texture (moved) plus
// only the triangles after the common start. The texture covers the canvas
// and a margin of a quarter of its larger side around it, so that a pan shows what
// was just outside; a view that draws shapes that far beyond the canvas lets
// a pan reuse it until it goes past the margin. When the drawing changes
// after frames that reused the texture, it is rendered again at once (but
// for as much at its end as those frames drew after the texture); while it
// keeps changing, the start it shares with the last frame is rendered
// again once that is most of the drawing.
//
// Pixels are those of drawing directly: the same triangles go through the
// same rasterizer, moved by whole pixels. The texture has a projection of its
// own, though, which rounds differently; where a pixel centre lies exactly on
// an edge (of a magnified image texel, say) the two may give it to either
// side. The GUI test `gui: canvas_cache` holds it to that.

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

    /// Appends the canvas (at `origin`, `size` screen pixels, filled with
    /// `background`) and what `layer` draws on it to `out`, through the cached
    /// texture where the layer starts with what it holds. Every command of
    /// `layer` has the canvas's clip rectangle. Call while the OpenGL context
    /// is current, between ImGui::NewFrame() and ImGui::Render().
    void draw(const ImDrawList& layer, ImVec2 origin, ImVec2 size, ImU32 background,
              ImDrawList& out);

    /// Forgets the texture: something it shows may have changed without its
    /// triangles changing (a view's texture was replaced under the same handle).
    void invalidate() { valid_ = false; }

    /// Off: every triangle is drawn at every frame (the same pixels; for tests).
    void set_enabled(bool enabled);
    [[nodiscard]] bool enabled() const { return enabled_; }

    struct Stats {
        std::uint64_t frames = 0;         ///< frames drawn
        std::uint64_t cached_frames = 0;  ///< of which through the texture
        std::uint64_t moved_frames = 0;   ///< of which with the texture moved (panning)
        std::uint64_t renders = 0;        ///< times the texture was rendered
    };
    [[nodiscard]] const Stats& stats() const { return stats_; }

private:
    // Renders prefix_ into the texture, over the canvas and its margin, on
    // `background`; false when OpenGL cannot.
    bool render_prefix(ImVec2 origin, ImVec2 size, ImU32 background);

    bool enabled_ = true;
    bool checked_ = false;
    bool usable_ = false;       // OpenGL offers framebuffer objects
    bool valid_ = false;        // the texture holds `prefix_`
    bool reused_ = false;       // the last frame was shown through the texture as it was
    unsigned reused_tail_ = 0;  // indices it drew after the texture
    unsigned framebuffer_ = 0;
    unsigned texture_ = 0;
    int texture_width_ = 0;  // framebuffer pixels
    int texture_height_ = 0;
    ImVec2 area_min_{0, 0};  // the screen rectangle the texture covers
    ImVec2 area_max_{0, 0};
    ImVec2 pixel_scale_{1, 1};      // framebuffer pixels per screen unit when rendered
    ImU32 background_ = 0;          // the colour under the texture's triangles
    ImDrawList prefix_{nullptr};    // the triangles in the texture
    ImDrawList previous_{nullptr};  // last frame's layer
    Stats stats_;
};

}  // namespace tessera::studio
