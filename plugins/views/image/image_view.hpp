#pragma once
// ImageView: the image view plugin's logic (tessera.view/1), without the C
// ABI around it, so tests and benchmarks drive it with a fake host UI.
// Split by feature: image_view.cpp (items, pan and zoom, the image, drawing)
// and image_view_tools.cpp (the tools and their edit batches).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/ext/host_ui.h>
#include <tessera/ext/view.h>
#include <tessera/cpp/host.hpp>
#include <tessera/cpp/view.hpp>

#include "image_loader.hpp"
#include "shapes.hpp"

namespace tessera::view_image {

/// The tools, the first the default. Hotkeys are the host's to act on.
inline constexpr tessera_view_tool_t kTools[] = {
    {.id = "select", .name = "Select", .key = 'V'},
    {.id = "box", .name = "Box", .key = 'B'},
    {.id = "polygon", .name = "Polygon", .key = 'P'},
    {.id = "polyline", .name = "Polyline", .key = 'L'},
    {.id = "keypoints", .name = "Keypoints", .key = 'K'},
};

/// Side of the textures the image is uploaded in, pixels: small enough for
/// any OpenGL 3.3 implementation (GL_MAX_TEXTURE_SIZE >= 1024, in practice
/// >= 8192) and few enough tiles to draw.
inline constexpr std::uint32_t kTileSide = 4096;

/// What the last frame drew, for tests and benchmarks.
struct FrameStats {
    std::size_t shapes_drawn = 0;  ///< annotations drawn (after culling)
    std::size_t tiles_drawn = 0;   ///< image textures drawn
};

class ImageView final : public cpp::View {
public:
    /// A view for `host` (may be NULL in tests: no project, no log).
    explicit ImageView(const tessera_host_t* host = nullptr, ImageLimits limits = {});
    ~ImageView() override;

    /// Shows `item` (tessera.v1.Item) with `annotations`; starts loading
    /// `media_path` ("" = none) and fits the image at the next frame.
    void open_item(std::span<const std::uint8_t> item, std::span<const std::uint8_t> annotations,
                   std::string_view media_path) override;
    /// Replaces the annotations, keeping pan, zoom and the shape being drawn.
    void set_annotations(std::span<const std::uint8_t> annotations) override;
    /// Draws the canvas and handles its input for one frame.
    void frame(const tessera_host_ui_t& api, tessera_ui_t* ui,
               const tessera_view_state_t& state) override;
    /// Draws the view's settings.
    void options(const tessera_host_ui_t& api, tessera_ui_t* ui) override;

    // --- pan and zoom: screen = canvas origin + offset + item * scale --------

    [[nodiscard]] double scale() const noexcept { return scale_; }
    /// Screen pixels from the canvas origin to the item's origin.
    [[nodiscard]] Vec2 offset() const noexcept { return offset_; }
    /// Item coordinates to screen pixels from the canvas origin, and back.
    [[nodiscard]] Vec2 to_screen(Vec2 item) const noexcept;
    [[nodiscard]] Vec2 to_item(Vec2 screen) const noexcept;
    /// Sets the transform directly (tests, benchmarks); `scale` is clamped.
    void set_view(double scale, Vec2 offset) noexcept;
    /// Fits the whole image into a canvas of `canvas` screen pixels, centred.
    void fit(Vec2 canvas) noexcept;
    /// Zooms to `scale` keeping the item point under screen point `anchor` still.
    void zoom_about(Vec2 anchor, double scale) noexcept;

    // --- state, for tests and benchmarks --------------------------------------

    [[nodiscard]] const ShapeSet& shapes() const noexcept { return shapes_; }
    /// Image size in pixels: from the file's header once read, else the item's.
    [[nodiscard]] Vec2 image_size() const noexcept;
    /// Blocks until the image has loaded or failed (tests only).
    bool wait_for_image(int timeout_ms) const { return loader_.wait(timeout_ms); }
    /// What the canvas shows instead of (or until) the image; "" when none.
    [[nodiscard]] const std::string& message() const noexcept { return message_; }
    [[nodiscard]] const FrameStats& stats() const noexcept { return stats_; }
    /// Points of the polygon, polyline or keypoint set being drawn.
    [[nodiscard]] std::span<const Vec2> pending_points() const noexcept { return pending_; }

private:
    /// Reads the skeletons of the project's label schema (none when the host has no project).
    void read_skeletons();
    struct Frame;

    enum class DragKind { None, Move, Resize, Vertex, DrawBox };
    struct Drag {
        DragKind kind = DragKind::None;
        std::uint64_t id = 0;  // annotation moved or resized
        int handle = -1;       // box handle (0 = top-left, clockwise) or vertex index
        Vec2 start;            // item point where the drag began
        Vec2 current;          // item point now (clamped where the tool clamps)
    };

    // image_view.cpp
    void update_image(Frame& f);
    bool navigate(Frame& f);
    void draw(Frame& f);
    void draw_background(Frame& f);
    void draw_shape(Frame& f, const Shape& shape, tessera_ui_color_t color, float thickness,
                    bool preview);
    void draw_selection(Frame& f, const Shape& shape, tessera_ui_color_t color, bool preview);
    void draw_in_progress(Frame& f);
    [[nodiscard]] tessera_ui_color_t color_of(Frame& f, const Shape& shape);
    [[nodiscard]] Rect visible_rect(Vec2 canvas) const noexcept;
    void update_drawn_area(Vec2 canvas) noexcept;

    // image_view_tools.cpp
    void handle_tools(Frame& f);
    void handle_keys(Frame& f);
    void select_tool(Frame& f);
    void box_tool(Frame& f);
    void point_tool(Frame& f);
    void finish_drag(Frame& f);
    void finish_pending(Frame& f);
    void delete_selected(Frame& f);
    void reset_tool_state() noexcept;
    bool submit(Frame& f, const std::vector<std::uint8_t>& batch, bool select_new);
    void show_status(std::string text);
    [[nodiscard]] Vec2 clamp_to_image(Vec2 p) const noexcept;
    [[nodiscard]] Vec2 drag_delta(const Shape& shape) const noexcept;
    [[nodiscard]] Rect resized_box(const Shape& shape) const noexcept;
    [[nodiscard]] int box_handle_at(const Rect& box, Vec2 p, double tolerance) const noexcept;
    [[nodiscard]] long vertex_at(const Shape& shape, Vec2 p, double tolerance) const noexcept;
    [[nodiscard]] Vec2 preview_point(const Shape& shape, std::uint32_t vertex,
                                     Vec2 p) const noexcept;

    cpp::Host host_;
    ImageLoader loader_;

    // The open item.
    std::uint64_t item_id_ = 0;
    Vec2 item_size_;    // from the Item's media, 0 when unknown
    Vec2 header_size_;  // from the image file's header, 0 until read
    std::string media_path_;
    ShapeSet shapes_;
    Skeletons skeletons_;  // of the project's label schema, read when an item opens

    // The image as textures, uploaded one tile per frame.
    struct Tile {
        std::uint64_t texture = 0;
        Rect area;  // item pixels covered
    };
    std::shared_ptr<DecodedImage> decoded_;
    std::vector<Tile> tiles_;
    std::size_t tiles_expected_ = 0;
    std::vector<std::uint64_t> stale_textures_;  // destroyed at the next frame (needs a ui)
    std::vector<std::uint8_t> tile_scratch_;
    bool upload_failed_ = false;
    std::string message_;

    // Pan and zoom.
    double scale_ = 1;
    Vec2 offset_;
    bool fit_pending_ = true;
    bool panning_ = false;
    Rect drawn_area_;         // item rectangle whose shapes are drawn (see update_drawn_area)
    double drawn_scale_ = 0;  // the scale it was chosen at

    // Tools.
    std::string tool_;
    Drag drag_;
    std::vector<Vec2> pending_;
    bool awaiting_new_ = false;  // an AddAnnotation was submitted: select what it made
    std::uint64_t select_next_ = 0;
    std::string status_;  // a transient note (refused edit), shown a few seconds
    std::int64_t status_until_ms_ = 0;

    // Options.
    bool show_all_labels_ = false;
    float line_width_ = 2.0f;

    // Per-frame scratch.
    std::vector<std::uint32_t> visible_;
    std::vector<tessera_ui_color_t> label_colors_;
    std::vector<std::uint8_t> label_color_known_;
    std::vector<tessera_ui_vec2_t> preview_points_;
    FrameStats stats_;
};

}  // namespace tessera::view_image
