// tessera.view.image: shows an image item with its 2D annotations and edits
// them (tessera.view/1 over tessera.host.ui/1; edits as tessera.v1.EditBatch
// through tessera.host.project/1).
//
// Implemented
//  - Items: the Item's media size; the image loaded on a worker thread
//    (header checked with stbi_info against 16384 px a side and 268M pixels,
//    then decoded with stb_image), uploaded in 4096 px tiles, one per frame.
//    A missing, oversized or undecodable file is a message on the canvas, the
//    annotations drawn over a grey rectangle of the item's size.
//  - Pan and zoom: wheel about the cursor, middle- or right-drag, F = fit,
//    0 = one image pixel per screen pixel; fit on open.
//  - Drawing: Box, RotatedBox, Polygon (with holes), MultiPolygon, Polyline,
//    Keypoints (NotLabeled points hidden; skeleton edges from the label
//    schema), Point, Circle, Mask (filled, from its runs), in their label's
//    colour; the selection thicker with handles and its label; culled
//    through a uniform grid (spatial_grid.hpp) rebuilt on every change.
//  - Tools: select (pick the topmost, move, resize a box by its 8 handles,
//    drag a vertex of a polygon, polyline, keypoint set or point), box,
//    polygon, polyline, keypoints; Delete/Backspace deletes the selection.
//    New points and box edges are clamped to the image. A new shape is
//    selected once the host hands back the set holding it.
// Missing
//  - Cuboids and spans are not drawn (counted in ShapeSet::skipped()). Masks
//    are drawn and selected but not moved or edited.
//  - No vertex insertion or removal on existing shapes, no rotated box
//    editing beyond moving, no multi-selection.
//  - Textures are filtered as the host filters them (no nearest-neighbour
//    option at high zoom). Those left when the view is destroyed are freed
//    by the host (tessera.host.ui/1 can free them only inside a frame).

#include <algorithm>
#include <cmath>
#include <utility>

#include <tessera/v1/item_generated.h>
#include <tessera/v1/label_schema_generated.h>

#include "image_view_internal.hpp"

namespace tessera::view_image {

ImageView::ImageView(const tessera_host_t* host, ImageLimits limits)
    : host_(host), loader_(limits) {}

ImageView::~ImageView() = default;

// --- items -------------------------------------------------------------------

void ImageView::open_item(std::span<const std::uint8_t> item,
                          std::span<const std::uint8_t> annotations, std::string_view media_path) {
    for (const Tile& tile : tiles_) stale_textures_.push_back(tile.texture);
    tiles_.clear();
    tiles_expected_ = 0;
    decoded_.reset();
    upload_failed_ = false;
    item_id_ = 0;
    item_size_ = {};
    header_size_ = {};
    if (!item.empty()) {
        const v1::Item* parsed = v1::GetItem(item.data());
        item_id_ = parsed->id();
        if (const v1::Media* media = parsed->media())
            item_size_ = {double(media->width()), double(media->height())};
    }
    media_path_ = std::string(media_path);
    reset_tool_state();
    awaiting_new_ = false;
    select_next_ = 0;
    status_.clear();
    fit_pending_ = true;
    read_skeletons();
    shapes_.assign(annotations, Rect{0, 0, image_size().x, image_size().y}, skeletons_);
    loader_.load(media_path_);
    message_ = media_path_.empty() ? "No image file for this item" : "Loading\u2026";
}

void ImageView::read_skeletons() {
    skeletons_ = {};
    const std::vector<std::uint8_t> bytes = host_.read_label_schema();  // verified, or empty
    if (bytes.empty()) return;
    const v1::LabelSchema& schema = *v1::GetLabelSchema(bytes.data());
    if (const auto* list = schema.skeletons()) {
        for (const v1::Skeleton* skeleton : *list) {
            if (!skeleton->key() || !skeleton->edges()) continue;
            auto& edges = skeletons_.edges[skeleton->key()->str()];
            for (const v1::SkeletonEdge* edge : *skeleton->edges())
                edges.emplace_back(edge->from(), edge->to());
        }
    }
    if (const auto* classes = schema.classes()) {
        for (const v1::LabelClass* c : *classes)
            if (c->key() && c->skeleton() && c->skeleton()->size() > 0)
                skeletons_.by_label[c->key()->str()] = c->skeleton()->str();
    }
}

void ImageView::set_annotations(std::span<const std::uint8_t> annotations) {
    ShapeSet previous = std::move(shapes_);
    shapes_ = ShapeSet();
    shapes_.assign(annotations, Rect{0, 0, image_size().x, image_size().y}, skeletons_);
    if (awaiting_new_) {
        // The store appends, so the new shape is near the end.
        for (auto shape = shapes_.shapes().rbegin(); shape != shapes_.shapes().rend(); ++shape) {
            if (previous.find(shape->id) < 0) {
                select_next_ = shape->id;
                awaiting_new_ = false;
                break;
            }
        }
    }
    // A shape being moved may have been deleted or undone under the pointer.
    if (drag_.id != 0 && shapes_.find(drag_.id) < 0) drag_ = {};
}

Vec2 ImageView::image_size() const noexcept {
    return header_size_.x > 0 && header_size_.y > 0 ? header_size_ : item_size_;
}

void ImageView::options(const tessera_host_ui_t& api, tessera_ui_t* ui) {
    api.checkbox(ui, "Show every label", &show_all_labels_);
    api.slider(ui, "Line width", &line_width_, 1.0f, 6.0f);
}

// --- pan and zoom ---------------------------------------------------------------

Vec2 ImageView::to_screen(Vec2 item) const noexcept {
    return {offset_.x + item.x * scale_, offset_.y + item.y * scale_};
}

Vec2 ImageView::to_item(Vec2 screen) const noexcept {
    return {(screen.x - offset_.x) / scale_, (screen.y - offset_.y) / scale_};
}

void ImageView::set_view(double scale, Vec2 offset) noexcept {
    scale_ = std::isfinite(scale) ? std::clamp(scale, kMinScale, kMaxScale) : 1.0;
    offset_ = offset;
    fit_pending_ = false;
}

void ImageView::fit(Vec2 canvas) noexcept {
    const Vec2 size = image_size();
    if (!(size.x > 0 && size.y > 0 && canvas.x > 0 && canvas.y > 0)) return;
    const double scale =
        std::clamp(std::min(canvas.x / size.x, canvas.y / size.y), kMinScale, kMaxScale);
    // Whole screen pixels: texel edges then never fall on pixel centres.
    set_view(scale, {std::round((canvas.x - size.x * scale) / 2),
                     std::round((canvas.y - size.y * scale) / 2)});
}

void ImageView::zoom_about(Vec2 anchor, double scale) noexcept {
    const Vec2 fixed = to_item(anchor);
    scale_ = std::isfinite(scale) ? std::clamp(scale, kMinScale, kMaxScale) : scale_;
    offset_ = {anchor.x - fixed.x * scale_, anchor.y - fixed.y * scale_};
    fit_pending_ = false;
}

Rect ImageView::visible_rect(Vec2 canvas) const noexcept {
    const Vec2 min = to_item({0, 0});
    const Vec2 max = to_item(canvas);
    return {min.x, min.y, max.x, max.y};
}

// What is drawn: the visible rectangle grown by a quarter of the canvas, kept
// while the visible rectangle stays inside it at the same scale. The host
// keeps the drawing in a texture and moves it while the user pans (its cache
// covers that margin), which it can only do while the same shapes are drawn;
// the margin also covers the widest thing drawn around a shape (handles,
// thick lines).
void ImageView::update_drawn_area(Vec2 canvas) noexcept {
    const Rect visible = visible_rect(canvas);
    const Rect needed = visible.expanded(2 * kPickRadius / scale_);
    const bool inside = needed.min_x >= drawn_area_.min_x && needed.min_y >= drawn_area_.min_y &&
                        needed.max_x <= drawn_area_.max_x && needed.max_y <= drawn_area_.max_y;
    if (inside && scale_ == drawn_scale_) return;
    const double margin = std::max({canvas.x / 4, canvas.y / 4, 2 * kPickRadius});
    drawn_area_ = visible.expanded(margin / scale_);
    drawn_scale_ = scale_;
}

// Wheel, pan buttons and the F and 0 keys. True when the transform changed.
bool ImageView::navigate(Frame& f) {
    const tessera_ui_input_t& in = f.input;
    const double old_scale = scale_;
    const Vec2 old_offset = offset_;
    const Vec2 pointer = to_screen({in.mouse.x, in.mouse.y});
    if (in.hovered && in.wheel != 0) zoom_about(pointer, scale_ * std::pow(1.2, double(in.wheel)));

    if (in.hovered && (in.clicked[TESSERA_MOUSE_MIDDLE] || in.clicked[TESSERA_MOUSE_RIGHT]))
        panning_ = true;
    if (!in.down[TESSERA_MOUSE_MIDDLE] && !in.down[TESSERA_MOUSE_RIGHT]) panning_ = false;
    if (panning_) {
        offset_.x += in.mouse_delta.x;
        offset_.y += in.mouse_delta.y;
    }

    if (in.modifiers == 0 && f.key('F')) fit(f.canvas);
    if (in.modifiers == 0 && f.key('0')) {
        zoom_about(in.hovered ? pointer : Vec2{f.canvas.x / 2, f.canvas.y / 2}, 1.0);
        offset_ = {std::round(offset_.x),
                   std::round(offset_.y)};  // one image pixel on one screen pixel
    }
    return scale_ != old_scale || offset_.x != old_offset.x || offset_.y != old_offset.y;
}

// --- frame ------------------------------------------------------------------------

void ImageView::frame(const tessera_host_ui_t& api, tessera_ui_t* ui,
                      const tessera_view_state_t& state) {
    Frame f{.api = api,
            .ui = ui,
            .state = state,
            .tool = state.tool ? std::string_view(state.tool) : std::string_view(kTools[0].id),
            .selected = state.selected};
    const tessera_ui_vec2_t canvas = api.canvas_size(ui);
    f.canvas = {canvas.x, canvas.y};
    stats_ = {};

    update_image(f);
    if (fit_pending_) fit(f.canvas);
    api.set_transform(ui, static_cast<float>(scale_),
                      {static_cast<float>(offset_.x), static_cast<float>(offset_.y)});
    api.get_input(ui, &f.input);
    if (navigate(f)) {
        api.set_transform(ui, static_cast<float>(scale_),
                          {static_cast<float>(offset_.x), static_cast<float>(offset_.y)});
        api.get_input(ui, &f.input);
    }
    f.mouse = {f.input.mouse.x, f.input.mouse.y};
    if (select_next_ != 0) {
        f.select(select_next_);
        select_next_ = 0;
    }

    handle_tools(f);
    draw(f);
}

// Polls the loader, uploads at most one tile, frees textures of earlier items.
void ImageView::update_image(Frame& f) {
    for (std::uint64_t texture : stale_textures_) f.api.destroy_texture(f.ui, texture);
    stale_textures_.clear();
    if (media_path_.empty()) return;

    const ImageLoader::State state = loader_.state();
    // The file's size wins over the item's once the header passed its check;
    // a refused image leaves the annotations on the item's own rectangle.
    if (state.status != ImageLoader::Status::Failed && state.width > 0 && state.height > 0 &&
        (header_size_.x != state.width || header_size_.y != state.height)) {
        header_size_ = {double(state.width), double(state.height)};
        shapes_.reindex(Rect{0, 0, header_size_.x, header_size_.y});
    }
    if (state.status == ImageLoader::Status::Failed) {
        message_ = state.message;
        return;
    }
    if (state.status == ImageLoader::Status::Ready && !decoded_ && tiles_expected_ == 0) {
        decoded_ = loader_.take();
        if (decoded_) {
            const std::size_t columns = (decoded_->width + kTileSide - 1) / kTileSide;
            const std::size_t rows = (decoded_->height + kTileSide - 1) / kTileSide;
            tiles_expected_ = columns * rows;
        }
    }
    if (decoded_ && !upload_failed_ && tiles_.size() < tiles_expected_) {
        const std::uint32_t columns = (decoded_->width + kTileSide - 1) / kTileSide;
        const auto index = static_cast<std::uint32_t>(tiles_.size());
        const std::uint32_t x = (index % columns) * kTileSide;
        const std::uint32_t y = (index / columns) * kTileSide;
        const std::uint32_t width = std::min(kTileSide, decoded_->width - x);
        const std::uint32_t height = std::min(kTileSide, decoded_->height - y);
        const std::uint8_t* source = decoded_->rgba.get();
        const std::size_t stride = std::size_t{decoded_->width} * 4;
        const std::uint8_t* pixels = source + y * stride + std::size_t{x} * 4;
        if (width != decoded_->width) {  // rows of a tile are not contiguous: copy them
            tile_scratch_.resize(std::size_t{width} * height * 4);
            for (std::uint32_t row = 0; row < height; ++row) {
                std::copy_n(pixels + row * stride, std::size_t{width} * 4,
                            tile_scratch_.data() + std::size_t{row} * width * 4);
            }
            pixels = tile_scratch_.data();
        }
        const std::uint64_t texture = f.api.create_texture(f.ui, width, height, pixels);
        if (texture == 0) {
            upload_failed_ = true;
            message_ = media_path_ + ": the host could not make a texture of " +
                       std::to_string(width) + " x " + std::to_string(height) + " pixels";
        } else {
            tiles_.push_back(
                Tile{texture, Rect{double(x), double(y), double(x + width), double(y + height)}});
        }
    }
    if (tiles_expected_ > 0 && tiles_.size() == tiles_expected_) {
        decoded_.reset();  // every pixel is on the GPU now
        tile_scratch_ = {};
        message_.clear();
    }
}

// --- drawing ------------------------------------------------------------------------

tessera_ui_color_t ImageView::color_of(Frame& f, const Shape& shape) {
    if (!label_color_known_[shape.label]) {
        label_colors_[shape.label] = f.api.label_color(f.ui, shapes_.labels()[shape.label].c_str());
        label_color_known_[shape.label] = 1;
    }
    return label_colors_[shape.label];
}

void ImageView::draw_background(Frame& f) {
    const Vec2 size = image_size();
    bool image_complete = tiles_expected_ > 0 && tiles_.size() == tiles_expected_;
    if (!image_complete && size.x > 0 && size.y > 0) {
        f.api.fill_rect(f.ui, {0, 0}, ui_point(size), 0x505050FF);
    }
    for (const Tile& tile : tiles_) {
        if (!tile.area.intersects(drawn_area_)) continue;
        f.api.image(f.ui, tile.texture, ui_point({tile.area.min_x, tile.area.min_y}),
                    ui_point({tile.area.max_x, tile.area.max_y}));
        ++stats_.tiles_drawn;
    }
}

void ImageView::draw(Frame& f) {
    update_drawn_area(f.canvas);
    draw_background(f);

    label_colors_.assign(shapes_.labels().size(), 0);
    label_color_known_.assign(shapes_.labels().size(), 0);
    shapes_.grid().query(drawn_area_, visible_);

    const long selected = shapes_.find(f.selected);
    const bool dragging_shape = drag_.kind == DragKind::Move || drag_.kind == DragKind::Resize ||
                                drag_.kind == DragKind::Vertex;
    for (std::uint32_t index : visible_) {
        const Shape& shape = shapes_.shapes()[index];
        if (static_cast<long>(index) == selected || (dragging_shape && shape.id == drag_.id))
            continue;
        draw_shape(f, shape, color_of(f, shape), line_width_, false);
        ++stats_.shapes_drawn;
    }
    // Labels while at most 500 shapes are in view; drawn for the margin too,
    // so that panning does not change the drawing.
    const auto in_view = [&] {
        const Rect view = visible_rect(f.canvas);
        return std::count_if(visible_.begin(), visible_.end(), [&](std::uint32_t index) {
            return shapes_.shapes()[index].bounds.intersects(view);
        });
    };
    if (show_all_labels_ && in_view() <= 500) {
        for (std::uint32_t index : visible_) {
            const Shape& shape = shapes_.shapes()[index];
            const char* label = shapes_.labels()[shape.label].c_str();
            f.api.text(f.ui, ui_point({shape.bounds.min_x, shape.bounds.min_y - 16 / scale_}),
                       color_of(f, shape),
                       f.api.label_name ? f.api.label_name(f.ui, label) : label);
        }
    }

    // The hovered shape in the select tool, lightly filled.
    if (f.tool == "select" && drag_.kind == DragKind::None && f.input.hovered) {
        const long hovered = shapes_.hit_test(f.mouse.x, f.mouse.y, kPickRadius / scale_);
        if (hovered >= 0 && hovered != selected) {
            const Shape& shape = shapes_.shapes()[hovered];
            if (shape.kind == ShapeKind::Box) {
                f.api.fill_rect(f.ui, ui_point({shape.bounds.min_x, shape.bounds.min_y}),
                                ui_point({shape.bounds.max_x, shape.bounds.max_y}),
                                (color_of(f, shape) & 0xFFFFFF00u) | 0x30u);
            } else {
                draw_shape(f, shape, color_of(f, shape), line_width_ + 1.5f, false);
            }
        }
    }

    // The selection and the shape being dragged on top of everything.
    if (dragging_shape) {
        const long dragged = shapes_.find(drag_.id);
        if (dragged >= 0) {
            const Shape& shape = shapes_.shapes()[dragged];
            draw_shape(f, shape, color_of(f, shape), 3, true);
            if (static_cast<long>(dragged) == selected)
                draw_selection(f, shape, color_of(f, shape), true);
            ++stats_.shapes_drawn;
        }
    }
    if (selected >= 0 && !(dragging_shape && shapes_.shapes()[selected].id == drag_.id)) {
        const Shape& shape = shapes_.shapes()[selected];
        draw_shape(f, shape, color_of(f, shape), 3, false);
        draw_selection(f, shape, color_of(f, shape), false);
        ++stats_.shapes_drawn;
    }
    draw_in_progress(f);

    const std::string& note = !status_.empty() && now_ms() < status_until_ms_ ? status_ : message_;
    if (!note.empty()) {
        const Vec2 at = to_item({12, 12});
        f.api.text(f.ui, ui_point(to_item({13, 13})), 0x000000C0, note.c_str());
        f.api.text(f.ui, ui_point(at), 0xFFFFFFFF, note.c_str());
    }
}

// Draws `shape`; `preview` applies the drag in progress to its points.
void ImageView::draw_shape(Frame& f, const Shape& shape, tessera_ui_color_t color, float thickness,
                           bool preview) {
    if (shape.kind == ShapeKind::Box) {
        const Rect box = preview ? resized_box(shape) : shape.bounds;
        f.api.rect(f.ui, ui_point({box.min_x, box.min_y}), ui_point({box.max_x, box.max_y}), color,
                   thickness);
        return;
    }
    if (shape.kind == ShapeKind::Mask) {
        // Filled, see-through enough for the image to show; outlined when selected.
        const tessera_ui_color_t fill = (color & 0xFFFFFF00u) | 0x70u;
        for (const Path& path : shapes_.paths(shape)) {
            const auto corners = shapes_.points(path);
            f.api.fill_rect(f.ui, corners[0], corners[1], fill);
        }
        if (thickness > line_width_) {
            const Rect& b = shape.bounds;
            f.api.rect(f.ui, ui_point({b.min_x, b.min_y}), ui_point({b.max_x, b.max_y}), color, 1);
        }
        return;
    }
    std::uint32_t vertex = 0;
    for (const Path& path : shapes_.paths(shape)) {
        const auto points = shapes_.points(path);
        std::span<const tessera_ui_vec2_t> drawn = points;
        if (preview) {
            preview_points_.resize(points.size());
            for (std::size_t i = 0; i < points.size(); ++i) {
                preview_points_[i] = ui_point(
                    preview_point(shape, vertex + std::uint32_t(i), {points[i].x, points[i].y}));
            }
            drawn = preview_points_;
        }
        switch (shape.kind) {
            case ShapeKind::Circle:
                f.api.circle(f.ui, drawn[0], static_cast<float>(shape.radius * scale_), color,
                             thickness);
                break;
            case ShapeKind::Point:
            case ShapeKind::Keypoints:
                // Skeleton edges first, between points that are both labelled.
                for (const auto& [from, to] : shapes_.edges(shape)) {
                    if (from < drawn.size() && to < drawn.size() &&
                        !shapes_.hidden(path.first + from) && !shapes_.hidden(path.first + to))
                        f.api.line(f.ui, drawn[from], drawn[to], color,
                                   std::max(1.0f, thickness * 0.75f));
                }
                for (std::size_t i = 0; i < drawn.size(); ++i) {
                    if (!shapes_.hidden(path.first + std::uint32_t(i))) {
                        f.api.circle(f.ui, drawn[i], 1.5f + thickness * 1.5f, color, 0);
                    }
                }
                break;
            default:
                f.api.polyline(f.ui, drawn.data(), drawn.size(), path.closed, color, thickness);
                break;
        }
        vertex += path.count;
    }
}

// Handles of the selected shape and its label.
void ImageView::draw_selection(Frame& f, const Shape& shape, tessera_ui_color_t color,
                               bool preview) {
    const auto handle = [&](Vec2 at) {
        f.api.circle(f.ui, ui_point(at), 4.5f, 0xFFFFFFFF, 0);
        f.api.circle(f.ui, ui_point(at), 4.5f, color, 1.5f);
    };
    Rect bounds = shape.bounds;
    if (shape.kind == ShapeKind::Box) {
        bounds = preview ? resized_box(shape) : shape.bounds;
        const double xs[3] = {bounds.min_x, (bounds.min_x + bounds.max_x) / 2, bounds.max_x};
        const double ys[3] = {bounds.min_y, (bounds.min_y + bounds.max_y) / 2, bounds.max_y};
        for (int y = 0; y < 3; ++y) {
            for (int x = 0; x < 3; ++x) {
                if (x != 1 || y != 1) handle({xs[x], ys[y]});
            }
        }
    } else if (has_editable_vertices(shape.kind)) {
        std::uint32_t vertex = 0;
        for (const Path& path : shapes_.paths(shape)) {
            const auto points = shapes_.points(path);
            for (std::uint32_t i = 0; i < points.size(); ++i, ++vertex) {
                if (shapes_.hidden(path.first + i)) continue;
                const Vec2 p{points[i].x, points[i].y};
                handle(preview ? preview_point(shape, vertex, p) : p);
            }
        }
    }
    if (preview && shape.kind != ShapeKind::Box) {
        const Vec2 d = drag_delta(shape);
        bounds =
            Rect{bounds.min_x + d.x, bounds.min_y + d.y, bounds.max_x + d.x, bounds.max_y + d.y};
    }
    const std::string& label = shapes_.labels()[shape.label];
    f.api.text(f.ui, ui_point({bounds.min_x, bounds.min_y - 18 / scale_}), color,
               label.empty()      ? "(no label)"
               : f.api.label_name ? f.api.label_name(f.ui, label.c_str())
                                  : label.c_str());
}

// The box, polygon, polyline or keypoint set being drawn.
void ImageView::draw_in_progress(Frame& f) {
    const tessera_ui_color_t color = f.api.label_color(f.ui, f.state.label ? f.state.label : "");
    if (drag_.kind == DragKind::DrawBox) {
        f.api.rect(f.ui,
                   ui_point({std::min(drag_.start.x, drag_.current.x),
                             std::min(drag_.start.y, drag_.current.y)}),
                   ui_point({std::max(drag_.start.x, drag_.current.x),
                             std::max(drag_.start.y, drag_.current.y)}),
                   color, 2);
        return;
    }
    if (pending_.empty()) return;
    preview_points_.clear();
    for (const Vec2& p : pending_) preview_points_.push_back(ui_point(p));
    if (f.tool != "keypoints") {
        preview_points_.push_back(
            ui_point(f.input.hovered ? clamp_to_image(f.mouse) : pending_.back()));
        f.api.polyline(f.ui, preview_points_.data(), preview_points_.size(), false, color, 2);
    }
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        // The first polygon point is larger: clicking it closes the polygon.
        const float radius = (i == 0 && f.tool == "polygon" && pending_.size() >= 3) ? 6.f : 3.5f;
        f.api.circle(f.ui, ui_point(pending_[i]), radius, color, 0);
    }
}

}  // namespace tessera::view_image
