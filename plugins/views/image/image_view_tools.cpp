// The image view's tools: select (pick, move, resize, drag a vertex), box,
// polygon, polyline and keypoints, and the keys that finish, cancel or
// delete. Every change leaves as one edit batch (edits.hpp).

#include <algorithm>
#include <cmath>
#include <string>

#include <tessera/ext/host_project.h>

#include "image_view_internal.hpp"

namespace tessera::view_image {

namespace {

double distance(Vec2 a, Vec2 b) noexcept {
    return std::hypot(a.x - b.x, a.y - b.y);
}

}  // namespace

void ImageView::reset_tool_state() noexcept {
    drag_ = {};
    pending_.clear();
}

void ImageView::show_status(std::string text) {
    host_.log(TESSERA_LOG_WARNING, "tessera.view.image: " + text);
    status_ = std::move(text);
    status_until_ms_ = now_ms() + 5000;
}

Vec2 ImageView::clamp_to_image(Vec2 p) const noexcept {
    const Vec2 size = image_size();
    if (size.x > 0) p.x = std::clamp(p.x, 0.0, size.x);
    if (size.y > 0) p.y = std::clamp(p.y, 0.0, size.y);
    return p;
}

// The move of a Move drag, kept so that a shape inside the image stays inside.
Vec2 ImageView::drag_delta(const Shape& shape) const noexcept {
    if (drag_.kind != DragKind::Move) return {};
    Vec2 d{drag_.current.x - drag_.start.x, drag_.current.y - drag_.start.y};
    const Vec2 size = image_size();
    const Rect& b = shape.bounds;
    if (size.x > 0 && b.min_x >= 0 && b.max_x <= size.x)
        d.x = std::clamp(d.x, -b.min_x, size.x - b.max_x);
    if (size.y > 0 && b.min_y >= 0 && b.max_y <= size.y)
        d.y = std::clamp(d.y, -b.min_y, size.y - b.max_y);
    return d;
}

// The box of a shape as the drag in progress leaves it.
Rect ImageView::resized_box(const Shape& shape) const noexcept {
    const Vec2 d = drag_delta(shape);
    Rect box{shape.bounds.min_x + d.x, shape.bounds.min_y + d.y, shape.bounds.max_x + d.x,
             shape.bounds.max_y + d.y};
    if (drag_.kind != DragKind::Resize || drag_.id != shape.id) return box;
    // Handles clockwise from the top-left: 0 TL, 1 T, 2 TR, 3 R, 4 BR, 5 B, 6 BL, 7 L.
    const int h = drag_.handle;
    const Vec2 p = drag_.current;
    if (h == 0 || h == 6 || h == 7) box.min_x = p.x;
    if (h == 2 || h == 3 || h == 4) box.max_x = p.x;
    if (h == 0 || h == 1 || h == 2) box.min_y = p.y;
    if (h == 4 || h == 5 || h == 6) box.max_y = p.y;
    return Rect{std::min(box.min_x, box.max_x), std::min(box.min_y, box.max_y),
                std::max(box.min_x, box.max_x), std::max(box.min_y, box.max_y)};
}

Vec2 ImageView::preview_point(const Shape& shape, std::uint32_t vertex, Vec2 p) const noexcept {
    if (drag_.kind == DragKind::Vertex && drag_.id == shape.id) {
        return static_cast<int>(vertex) == drag_.handle ? drag_.current : p;
    }
    const Vec2 d = drag_delta(shape);
    return {p.x + d.x, p.y + d.y};
}

int ImageView::box_handle_at(const Rect& box, Vec2 p, double tolerance) const noexcept {
    const double xs[3] = {box.min_x, (box.min_x + box.max_x) / 2, box.max_x};
    const double ys[3] = {box.min_y, (box.min_y + box.max_y) / 2, box.max_y};
    // Handle number of each (column, row); the centre is not a handle.
    static constexpr int kHandle[3][3] = {{0, 7, 6}, {1, -1, 5}, {2, 3, 4}};
    int best = -1;
    double best_distance = tolerance;
    for (int x = 0; x < 3; ++x) {
        for (int y = 0; y < 3; ++y) {
            const double d = distance(p, {xs[x], ys[y]});
            if (kHandle[x][y] >= 0 && d <= best_distance) {
                best = kHandle[x][y];
                best_distance = d;
            }
        }
    }
    return best;
}

long ImageView::vertex_at(const Shape& shape, Vec2 p, double tolerance) const noexcept {
    long best = -1;
    double best_distance = tolerance;
    std::uint32_t vertex = 0;
    for (const Path& path : shapes_.paths(shape)) {
        const auto points = shapes_.points(path);
        for (std::uint32_t i = 0; i < points.size(); ++i, ++vertex) {
            if (shapes_.hidden(path.first + i)) continue;
            const double d = distance(p, {points[i].x, points[i].y});
            if (d <= best_distance) {
                best = vertex;
                best_distance = d;
            }
        }
    }
    return best;
}

bool ImageView::submit(Frame& f, const std::vector<std::uint8_t>& batch, bool select_new) {
    const auto* project = host_.extension<tessera_host_project_t>(TESSERA_EXT_HOST_PROJECT);
    if (!project || !project->submit_edits) {
        show_status("no project is open: the edit was not saved");
        return false;
    }
    // The host may hand back the new set from inside submit_edits().
    awaiting_new_ = select_new;
    const tessera_status_t status =
        project->submit_edits(host_.get(), tessera_bytes_t{batch.data(), batch.size()}, nullptr);
    if (status != TESSERA_OK) {
        awaiting_new_ = false;
        const char* why = project->get_last_error ? project->get_last_error(host_.get()) : nullptr;
        show_status(std::string("edit refused: ") + (why && *why ? why : "no reason given"));
        return false;
    }
    (void)f;
    return true;
}

// --- tools --------------------------------------------------------------------

void ImageView::handle_tools(Frame& f) {
    if (f.tool != tool_) {
        reset_tool_state();
        tool_ = std::string(f.tool);
    }
    handle_keys(f);
    if (f.tool == "select") {
        select_tool(f);
    } else if (f.tool == "box") {
        box_tool(f);
    } else if (f.tool == "polygon" || f.tool == "polyline" || f.tool == "keypoints") {
        point_tool(f);
    }
}

void ImageView::handle_keys(Frame& f) {
    const bool escape = f.key(TESSERA_KEY_ESCAPE);
    const bool enter = f.key(TESSERA_KEY_ENTER);
    const bool backspace = f.key(TESSERA_KEY_BACKSPACE);
    const bool del = f.key(TESSERA_KEY_DELETE);
    if (!pending_.empty()) {
        if (escape) {
            pending_.clear();
        } else if (backspace) {
            pending_.pop_back();
        } else if (enter) {
            finish_pending(f);
        }
        return;
    }
    if (drag_.kind != DragKind::None) {
        if (escape) drag_ = {};
        return;
    }
    if ((del || backspace) && shapes_.find(f.selected) >= 0) {
        delete_selected(f);
    } else if (escape && f.selected != 0) {
        f.select(0);
    }
}

void ImageView::select_tool(Frame& f) {
    const tessera_ui_input_t& in = f.input;
    const double tolerance = kPickRadius / scale_;
    if (drag_.kind == DragKind::None && in.clicked[TESSERA_MOUSE_LEFT] && in.hovered) {
        // Handles of the selection first: they may lie over another shape.
        if (const long selected = shapes_.find(f.selected); selected >= 0) {
            const Shape& shape = shapes_.shapes()[selected];
            if (shape.kind == ShapeKind::Box) {
                if (const int handle = box_handle_at(shape.bounds, f.mouse, tolerance);
                    handle >= 0) {
                    drag_ =
                        Drag{DragKind::Resize, shape.id, handle, f.mouse, clamp_to_image(f.mouse)};
                }
            } else if (has_editable_vertices(shape.kind)) {
                if (const long vertex = vertex_at(shape, f.mouse, tolerance); vertex >= 0) {
                    drag_ = Drag{DragKind::Vertex, shape.id, static_cast<int>(vertex), f.mouse,
                                 clamp_to_image(f.mouse)};
                }
            }
        }
        if (drag_.kind == DragKind::None) {
            const long hit = shapes_.hit_test(f.mouse.x, f.mouse.y, tolerance);
            if (hit >= 0) {
                const std::uint64_t id = shapes_.shapes()[hit].id;
                if (id != f.selected) f.select(id);
                // A mask is selected but not moved: shifting its runs is not done here.
                if (shapes_.shapes()[hit].kind != ShapeKind::Mask)
                    drag_ = Drag{DragKind::Move, id, -1, f.mouse, f.mouse};
            } else if (f.selected != 0) {
                f.select(0);
            }
        }
    }
    if (drag_.kind == DragKind::None) return;
    drag_.current = drag_.kind == DragKind::Move ? f.mouse : clamp_to_image(f.mouse);
    if (in.released[TESSERA_MOUSE_LEFT] || !in.down[TESSERA_MOUSE_LEFT]) finish_drag(f);
}

void ImageView::finish_drag(Frame& f) {
    const Drag drag = drag_;
    const long index = shapes_.find(drag.id);
    if (index < 0 || distance(drag.start, drag.current) * scale_ < kDragThreshold) {
        drag_ = {};
        return;
    }
    const Shape& shape = shapes_.shapes()[index];
    auto annotation = std::unique_ptr<v1::AnnotationT>(shapes_.annotation(shape).UnPack());
    const char* comment = "image view: move";
    bool changed = false;
    if (drag.kind == DragKind::Move) {
        const Vec2 d = drag_delta(shape);
        changed = (d.x != 0 || d.y != 0) && translate(annotation->geometry, d.x, d.y);
    } else if (drag.kind == DragKind::Resize) {
        const Rect box = resized_box(shape);
        comment = "image view: resize box";
        if (box.width() >= kMinBoxSide && box.height() >= kMinBoxSide) {
            annotation->geometry = box_geometry(box);
            changed = true;
        } else {
            show_status("a box needs at least 2 x 2 pixels: the resize was not kept");
        }
    } else if (drag.kind == DragKind::Vertex) {
        comment = "image view: move vertex";
        changed = set_vertex(annotation->geometry, static_cast<std::uint32_t>(drag.handle),
                             drag.current.x, drag.current.y);
    }
    drag_ = {};  // before submitting: the host may replace the shapes inside the call
    if (!changed) return;
    const EditContext context{item_id_, f.state.author ? f.state.author : "", now_ms()};
    submit(f, update_batch(context, std::move(annotation), comment), false);
}

void ImageView::box_tool(Frame& f) {
    const tessera_ui_input_t& in = f.input;
    if (drag_.kind == DragKind::None && in.clicked[TESSERA_MOUSE_LEFT] && in.hovered) {
        const Vec2 start = clamp_to_image(f.mouse);
        drag_ = Drag{DragKind::DrawBox, 0, -1, start, start};
    }
    if (drag_.kind != DragKind::DrawBox) return;
    drag_.current = clamp_to_image(f.mouse);
    if (!in.released[TESSERA_MOUSE_LEFT] && in.down[TESSERA_MOUSE_LEFT]) return;

    const Rect box{
        std::min(drag_.start.x, drag_.current.x), std::min(drag_.start.y, drag_.current.y),
        std::max(drag_.start.x, drag_.current.x), std::max(drag_.start.y, drag_.current.y)};
    drag_ = {};
    if (box.width() < kMinBoxSide || box.height() < kMinBoxSide) return;  // a click, not a box
    const EditContext context{item_id_, f.state.author ? f.state.author : "", now_ms()};
    submit(f,
           add_batch(context, f.state.label ? f.state.label : "", box_geometry(box),
                     "image view: box"),
           true);
}

void ImageView::point_tool(Frame& f) {
    const tessera_ui_input_t& in = f.input;
    if (!in.clicked[TESSERA_MOUSE_LEFT] || !in.hovered) return;
    // Clicking the first point of a polygon closes it.
    if (f.tool == "polygon" && pending_.size() >= 3 &&
        distance(f.mouse, pending_.front()) * scale_ <= kPickRadius) {
        finish_pending(f);
        return;
    }
    pending_.push_back(clamp_to_image(f.mouse));
}

void ImageView::finish_pending(Frame& f) {
    const std::size_t needed = f.tool == "polygon" ? 3 : f.tool == "polyline" ? 2 : 1;
    if (pending_.size() < needed) {
        show_status("a " + std::string(f.tool) + " needs at least " + std::to_string(needed) +
                    " points");
        return;
    }
    v1::GeometryUnion geometry = f.tool == "polygon"    ? polygon_geometry(pending_)
                                 : f.tool == "polyline" ? polyline_geometry(pending_)
                                                        : keypoints_geometry(pending_);
    const std::string comment = "image view: " + std::string(f.tool);
    pending_.clear();
    const EditContext context{item_id_, f.state.author ? f.state.author : "", now_ms()};
    submit(f, add_batch(context, f.state.label ? f.state.label : "", std::move(geometry), comment),
           true);
}

void ImageView::delete_selected(Frame& f) {
    const std::uint64_t id = f.selected;
    const EditContext context{item_id_, f.state.author ? f.state.author : "", now_ms()};
    if (submit(f, delete_batch(context, id, "image view: delete"), false)) f.select(0);
}

}  // namespace tessera::view_image
