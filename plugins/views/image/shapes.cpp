#include "shapes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tessera::view_image {

namespace {

bool finite(double v) noexcept {
    return std::isfinite(v);
}

// Squared distance from p to the segment a-b.
double distance2_to_segment(double px, double py, tessera_ui_vec2_t a,
                            tessera_ui_vec2_t b) noexcept {
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double length2 = dx * dx + dy * dy;
    double t = length2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / length2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    const double cx = a.x + t * dx - px;
    const double cy = a.y + t * dy - py;
    return cx * cx + cy * cy;
}

}  // namespace

bool has_editable_vertices(ShapeKind kind) noexcept {
    return kind == ShapeKind::Polygon || kind == ShapeKind::Polyline ||
           kind == ShapeKind::Keypoints || kind == ShapeKind::Point;
}

void ShapeSet::assign(std::span<const std::uint8_t> annotations, const Rect& image,
                      const Skeletons& skeletons) {
    bytes_.assign(annotations.begin(), annotations.end());
    shapes_.clear();
    paths_.clear();
    points_.clear();
    hidden_.clear();
    edges_.clear();
    labels_.clear();
    label_index_.clear();
    by_id_.clear();
    item_ = 0;
    skipped_ = 0;

    if (!bytes_.empty()) {
        const v1::AnnotationSet* set = v1::GetAnnotationSet(bytes_.data());
        item_ = set->item();
        if (const auto* list = set->annotations()) {
            shapes_.reserve(list->size());
            for (std::uint32_t i = 0; i < list->size(); ++i) {
                const v1::Annotation* annotation = list->Get(i);
                if (!add(*annotation, i, skeletons)) ++skipped_;
            }
        }
    }
    reindex(image);
}

void ShapeSet::reindex(const Rect& image) {
    std::vector<Rect> bounds;
    bounds.reserve(shapes_.size());
    for (const Shape& shape : shapes_) bounds.push_back(shape.bounds);
    grid_.build(image, bounds);
}

void ShapeSet::add_path(const flatbuffers::Vector<const v1::Point2*>* points, std::size_t first,
                        std::size_t end, bool closed) {
    Path path{static_cast<std::uint32_t>(points_.size()), 0, closed};
    for (std::size_t i = first; i < end; ++i) {
        const v1::Point2* p = points->Get(static_cast<flatbuffers::uoffset_t>(i));
        points_.push_back({static_cast<float>(p->x()), static_cast<float>(p->y())});
        hidden_.push_back(0);
    }
    path.count = static_cast<std::uint32_t>(end - first);
    if (path.count > 0) paths_.push_back(path);
}

// A mask's foreground as rectangles: COCO's runs go down each column, so a
// run is a vertical strip per column it touches; a strip continuing the one
// just before it (same rows, next column) widens that one instead.
bool ShapeSet::add_mask(const v1::Mask& mask) {
    const std::uint64_t height = mask.height();
    const std::uint64_t total = std::uint64_t{mask.width()} * height;
    if (!mask.counts() || height == 0) return false;
    std::uint64_t at = 0;
    bool foreground = false;
    std::size_t last = 0;  // index in points_ of the last rectangle's min, or 0 for none
    const std::size_t first_point = points_.size();
    for (const std::uint32_t run : *mask.counts()) {
        if (run > total - at) return false;  // the runs overflow the mask
        for (std::uint64_t left = foreground ? run : 0, p = at; left > 0;) {
            const std::uint64_t column = p / height;
            const std::uint64_t row = p % height;
            const std::uint64_t rows = std::min(left, height - row);
            const tessera_ui_vec2_t min{float(column), float(row)},
                max{float(column + 1), float(row + rows)};
            if (points_.size() > first_point && points_[last].y == min.y &&
                points_[last + 1].y == max.y && points_[last + 1].x == min.x) {
                points_[last + 1].x = max.x;
            } else {
                last = points_.size();
                paths_.push_back(Path{static_cast<std::uint32_t>(last), 2, false});
                points_.push_back(min);
                points_.push_back(max);
                hidden_.push_back(0);
                hidden_.push_back(0);
            }
            p += rows;
            left -= rows;
        }
        at += run;
        foreground = !foreground;
    }
    return true;
}

bool ShapeSet::add(const v1::Annotation& annotation, std::uint32_t index,
                   const Skeletons& skeletons) {
    const std::size_t paths_before = paths_.size();
    const std::size_t points_before = points_.size();
    const std::size_t edges_before = edges_.size();
    const auto rollback = [&] {
        paths_.resize(paths_before);
        points_.resize(points_before);
        hidden_.resize(points_before);
        edges_.resize(edges_before);
        return false;
    };
    const auto corner_path = [&](const tessera_ui_vec2_t(&corners)[4]) {
        paths_.push_back(Path{static_cast<std::uint32_t>(points_.size()), 4, true});
        for (const auto& c : corners) {
            points_.push_back(c);
            hidden_.push_back(0);
        }
    };
    const auto polygon_paths = [&](const v1::Polygon& polygon) {
        const auto* points = polygon.points();
        if (!points) return;
        const auto* ends = polygon.ring_ends();
        // Ring ends that are not strictly increasing up to the point count
        // break the schema's rule; draw such a polygon as one ring.
        bool rings_ok = ends && ends->size() > 0 && ends->Get(ends->size() - 1) == points->size();
        for (std::uint32_t r = 0; rings_ok && ends && r < ends->size(); ++r) {
            if (r > 0 && ends->Get(r) <= ends->Get(r - 1)) rings_ok = false;
        }
        if (!rings_ok) {
            add_path(points, 0, points->size(), true);
            return;
        }
        std::size_t first = 0;
        for (std::uint32_t r = 0; r < ends->size(); ++r) {
            add_path(points, first, ends->Get(r), true);
            first = ends->Get(r);
        }
    };

    Shape shape;
    shape.id = annotation.id();
    shape.annotation_index = index;
    bool have_bounds = false;
    switch (annotation.geometry_type()) {
        case v1::Geometry::Box: {
            const v1::Box& box = *annotation.geometry_as_Box();
            shape.kind = ShapeKind::Box;
            shape.bounds =
                Rect{std::min(box.left(), box.right()), std::min(box.top(), box.bottom()),
                     std::max(box.left(), box.right()), std::max(box.top(), box.bottom())};
            const auto l = static_cast<float>(shape.bounds.min_x);
            const auto t = static_cast<float>(shape.bounds.min_y);
            const auto r = static_cast<float>(shape.bounds.max_x);
            const auto b = static_cast<float>(shape.bounds.max_y);
            corner_path({{l, t}, {r, t}, {r, b}, {l, b}});
            have_bounds = true;
            break;
        }
        case v1::Geometry::RotatedBox: {
            const v1::RotatedBox& box = *annotation.geometry_as_RotatedBox();
            if (!box.center()) return rollback();
            shape.kind = ShapeKind::RotatedBox;
            const double c = std::cos(box.angle());
            const double s = std::sin(box.angle());
            const double hw = box.width() / 2;
            const double hh = box.height() / 2;
            const double cx = box.center()->x();
            const double cy = box.center()->y();
            const auto corner = [&](double u, double v) {
                return tessera_ui_vec2_t{static_cast<float>(cx + u * c - v * s),
                                         static_cast<float>(cy + u * s + v * c)};
            };
            corner_path({corner(-hw, -hh), corner(hw, -hh), corner(hw, hh), corner(-hw, hh)});
            break;
        }
        case v1::Geometry::Polygon:
            shape.kind = ShapeKind::Polygon;
            polygon_paths(*annotation.geometry_as_Polygon());
            break;
        case v1::Geometry::MultiPolygon: {
            shape.kind = ShapeKind::MultiPolygon;
            if (const auto* parts = annotation.geometry_as_MultiPolygon()->polygons()) {
                for (const v1::Polygon* part : *parts) polygon_paths(*part);
            }
            break;
        }
        case v1::Geometry::Polyline:
            shape.kind = ShapeKind::Polyline;
            if (const auto* points = annotation.geometry_as_Polyline()->points()) {
                add_path(points, 0, points->size(), false);
            }
            break;
        case v1::Geometry::Keypoints: {
            const v1::Keypoints& keypoints = *annotation.geometry_as_Keypoints();
            shape.kind = ShapeKind::Keypoints;
            if (const auto* points = keypoints.points()) {
                const std::size_t first = points_.size();
                add_path(points, 0, points->size(), false);
                if (const auto* visibility = keypoints.visibility()) {
                    for (std::uint32_t i = 0; i < visibility->size() && i < points->size(); ++i) {
                        if (visibility->Get(i) == v1::Visibility::NotLabeled)
                            hidden_[first + i] = 1;
                    }
                }
                // The skeleton the keypoints name, else their class's.
                std::string key =
                    keypoints.skeleton() ? keypoints.skeleton()->str() : std::string();
                if (key.empty() && annotation.label()) {
                    const auto by_label = skeletons.by_label.find(annotation.label()->str());
                    if (by_label != skeletons.by_label.end()) key = by_label->second;
                }
                if (const auto found = skeletons.edges.find(key); found != skeletons.edges.end()) {
                    shape.first_edge = static_cast<std::uint32_t>(edges_.size());
                    for (const auto& [from, to] : found->second)
                        if (from < points->size() && to < points->size())
                            edges_.emplace_back(from, to);
                    shape.edge_count = static_cast<std::uint32_t>(edges_.size() - shape.first_edge);
                }
            }
            break;
        }
        case v1::Geometry::Mask:
            shape.kind = ShapeKind::Mask;
            if (!add_mask(*annotation.geometry_as_Mask())) return rollback();
            break;
        case v1::Geometry::Point: {
            const v1::Point2* p = annotation.geometry_as_Point()->position();
            if (!p) return rollback();
            shape.kind = ShapeKind::Point;
            paths_.push_back(Path{static_cast<std::uint32_t>(points_.size()), 1, false});
            points_.push_back({static_cast<float>(p->x()), static_cast<float>(p->y())});
            hidden_.push_back(0);
            break;
        }
        case v1::Geometry::Circle: {
            const v1::Circle& circle = *annotation.geometry_as_Circle();
            if (!circle.center() || !finite(circle.radius()) || circle.radius() < 0)
                return rollback();
            shape.kind = ShapeKind::Circle;
            const double cx = circle.center()->x();
            const double cy = circle.center()->y();
            shape.radius = static_cast<float>(circle.radius());
            shape.bounds = Rect{cx - circle.radius(), cy - circle.radius(), cx + circle.radius(),
                                cy + circle.radius()};
            paths_.push_back(Path{static_cast<std::uint32_t>(points_.size()), 1, false});
            points_.push_back({static_cast<float>(cx), static_cast<float>(cy)});
            hidden_.push_back(0);
            have_bounds = true;
            break;
        }
        default:  // 3D, time and text geometries are not drawn here
            return rollback();
    }

    if (!have_bounds) {
        constexpr double inf = std::numeric_limits<double>::infinity();
        shape.bounds = Rect{inf, inf, -inf, -inf};
        for (std::size_t i = points_before; i < points_.size(); ++i) {
            if (hidden_[i]) continue;
            shape.bounds.min_x = std::min<double>(shape.bounds.min_x, points_[i].x);
            shape.bounds.min_y = std::min<double>(shape.bounds.min_y, points_[i].y);
            shape.bounds.max_x = std::max<double>(shape.bounds.max_x, points_[i].x);
            shape.bounds.max_y = std::max<double>(shape.bounds.max_y, points_[i].y);
        }
    }
    const Rect& b = shape.bounds;
    if (!finite(b.min_x) || !finite(b.min_y) || !finite(b.max_x) || !finite(b.max_y) ||
        paths_.size() == paths_before) {
        return rollback();
    }
    for (std::size_t i = points_before; i < points_.size(); ++i) {
        if (!std::isfinite(points_[i].x) || !std::isfinite(points_[i].y)) return rollback();
    }

    const std::string label = annotation.label() ? annotation.label()->str() : std::string();
    auto [found, inserted] =
        label_index_.try_emplace(label, static_cast<std::uint32_t>(labels_.size()));
    if (inserted) labels_.push_back(label);
    shape.label = found->second;
    shape.first_path = static_cast<std::uint32_t>(paths_before);
    shape.path_count = static_cast<std::uint32_t>(paths_.size() - paths_before);
    by_id_[shape.id] = static_cast<std::uint32_t>(shapes_.size());
    shapes_.push_back(shape);
    return true;
}

long ShapeSet::find(std::uint64_t id) const {
    const auto found = by_id_.find(id);
    return found == by_id_.end() ? -1 : static_cast<long>(found->second);
}

const v1::Annotation& ShapeSet::annotation(const Shape& shape) const {
    return *v1::GetAnnotationSet(bytes_.data())->annotations()->Get(shape.annotation_index);
}

long ShapeSet::hit_test(double x, double y, double tolerance) const {
    grid_.query(Rect{x, y, x, y}.expanded(tolerance), scratch_);
    for (auto i = scratch_.rbegin(); i != scratch_.rend(); ++i) {
        if (shape_contains(*this, shapes_[*i], x, y, tolerance)) return static_cast<long>(*i);
    }
    return -1;
}

bool shape_contains(const ShapeSet& set, const Shape& shape, double x, double y, double tolerance) {
    if (!shape.bounds.expanded(tolerance).contains(x, y)) return false;
    const double tolerance2 = tolerance * tolerance;
    switch (shape.kind) {
        case ShapeKind::Box:
            return true;
        case ShapeKind::Circle: {
            const tessera_ui_vec2_t c = set.points(set.paths(shape)[0])[0];
            const double r = shape.radius + tolerance;
            return (x - c.x) * (x - c.x) + (y - c.y) * (y - c.y) <= r * r;
        }
        case ShapeKind::Mask:
            for (const Path& path : set.paths(shape)) {
                const auto corners = set.points(path);
                if (Rect{corners[0].x, corners[0].y, corners[1].x, corners[1].y}
                        .expanded(tolerance)
                        .contains(x, y))
                    return true;
            }
            return false;
        case ShapeKind::Point:
        case ShapeKind::Keypoints:
            for (const Path& path : set.paths(shape)) {
                for (std::uint32_t i = 0; i < path.count; ++i) {
                    if (set.hidden(path.first + i)) continue;
                    const tessera_ui_vec2_t p = set.points(path)[i];
                    if ((x - p.x) * (x - p.x) + (y - p.y) * (y - p.y) <= tolerance2) return true;
                }
            }
            return false;
        case ShapeKind::Polyline:
        case ShapeKind::Polygon:
        case ShapeKind::MultiPolygon:
        case ShapeKind::RotatedBox: {
            bool inside = false;  // even-odd over every closed ring, so holes stay outside
            for (const Path& path : set.paths(shape)) {
                const auto points = set.points(path);
                const std::size_t n = points.size();
                const std::size_t segments = path.closed ? n : (n > 0 ? n - 1 : 0);
                if (n == 1 && distance2_to_segment(x, y, points[0], points[0]) <= tolerance2)
                    return true;
                for (std::size_t i = 0; i < segments; ++i) {
                    const tessera_ui_vec2_t a = points[i];
                    const tessera_ui_vec2_t b = points[(i + 1) % n];
                    if (distance2_to_segment(x, y, a, b) <= tolerance2) return true;
                    if (path.closed && ((a.y > y) != (b.y > y)) &&
                        x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x) {
                        inside = !inside;
                    }
                }
            }
            return inside;
        }
    }
    return false;
}

}  // namespace tessera::view_image
