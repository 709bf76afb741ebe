#include "formats/geometry.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tessera::formats {
namespace {

using Points = flatbuffers::Vector<const v1::Point2*>;

void grow(std::optional<Bounds>& b, double x, double y) {
    if (!b) {
        b = Bounds{x, y, x, y};
        return;
    }
    b->left = std::min(b->left, x);
    b->top = std::min(b->top, y);
    b->right = std::max(b->right, x);
    b->bottom = std::max(b->bottom, y);
}

void grow(std::optional<Bounds>& b, const Points* points) {
    if (points == nullptr) return;
    for (const v1::Point2* p : *points) grow(b, p->x(), p->y());
}

void grow(std::optional<Bounds>& b, const v1::Polygon* polygon) {
    if (polygon == nullptr) return;
    // Holes lie inside the outer ring, so the outer ring alone bounds the shape.
    for (const v1::Point2& p : outer_ring(*polygon)) grow(b, p.x(), p.y());
}

std::optional<Bounds> mask_bounds(const v1::Mask& mask) {
    std::optional<Bounds> b;
    if (mask.counts() == nullptr || mask.height() == 0) return b;
    const std::uint64_t h = mask.height();
    std::uint64_t pos = 0;
    bool foreground = false;
    for (const std::uint32_t run : *mask.counts()) {
        if (foreground && run > 0) {
            // Column-major: index = column * height + row.
            const std::uint64_t first = pos, last = pos + run - 1;
            const double col0 = static_cast<double>(first / h),
                         col1 = static_cast<double>(last / h);
            if (col0 == col1) {
                grow(b, col0, static_cast<double>(first % h));
                grow(b, col1 + 1, static_cast<double>(last % h) + 1);
            } else {  // the run wraps over a column boundary: spans whole rows
                grow(b, col0, 0);
                grow(b, col1 + 1, static_cast<double>(h));
            }
        }
        pos += run;
        foreground = !foreground;
    }
    return b;
}

double ring_area(const Points& points, std::uint32_t begin, std::uint32_t end) {
    double twice = 0;
    for (std::uint32_t i = begin; i < end; ++i) {
        const v1::Point2* a = points.Get(i);
        const v1::Point2* c = points.Get(i + 1 < end ? i + 1 : begin);
        twice += a->x() * c->y() - c->x() * a->y();
    }
    return std::abs(twice) / 2;
}

double polygon_area(const v1::Polygon* polygon) {
    if (polygon == nullptr || polygon->points() == nullptr) return 0;
    const Points& points = *polygon->points();
    const auto* ends = polygon->ring_ends();
    if (ends == nullptr || ends->size() == 0) return ring_area(points, 0, points.size());
    double area = 0;
    std::uint32_t begin = 0;
    for (std::uint32_t r = 0; r < ends->size(); ++r) {
        const std::uint32_t end = std::min<std::uint32_t>(ends->Get(r), points.size());
        if (end <= begin) break;
        const double a = ring_area(points, begin, end);
        area += r == 0 ? a : -a;
        begin = end;
    }
    return std::max(area, 0.0);
}

}  // namespace

std::array<v1::Point2, 4> corners_of(const v1::RotatedBox& box) {
    const double cx = box.center() ? box.center()->x() : 0,
                 cy = box.center() ? box.center()->y() : 0;
    const double c = std::cos(box.angle()), s = std::sin(box.angle());
    std::array<v1::Point2, 4> corners;
    constexpr double kSigns[4][2] = {{-0.5, -0.5}, {0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}};
    for (std::size_t i = 0; i < 4; ++i) {
        const double dx = kSigns[i][0] * box.width(), dy = kSigns[i][1] * box.height();
        corners[i] = v1::Point2(cx + dx * c - dy * s, cy + dx * s + dy * c);
    }
    return corners;
}

std::span<const v1::Point2> outer_ring(const v1::Polygon& polygon) {
    const Points* points = polygon.points();
    if (points == nullptr || points->size() == 0) return {};
    std::uint32_t end = points->size();
    if (polygon.ring_ends() != nullptr && polygon.ring_ends()->size() > 0)
        end = std::min(end, polygon.ring_ends()->Get(0));
    // Point2 is a struct: the vector holds the points themselves, one after another.
    return {points->Get(0), end};
}

std::optional<Bounds> bounds_of(const v1::Annotation& a) {
    std::optional<Bounds> b;
    switch (a.geometry_type()) {
        case v1::Geometry::Box: {
            const auto* box = a.geometry_as_Box();
            grow(b, box->left(), box->top());
            grow(b, box->right(), box->bottom());
            break;
        }
        case v1::Geometry::RotatedBox:
            for (const v1::Point2& p : corners_of(*a.geometry_as_RotatedBox()))
                grow(b, p.x(), p.y());
            break;
        case v1::Geometry::Polygon:
            grow(b, a.geometry_as_Polygon());
            break;
        case v1::Geometry::MultiPolygon:
            if (const auto* parts = a.geometry_as_MultiPolygon()->polygons())
                for (const v1::Polygon* p : *parts) grow(b, p);
            break;
        case v1::Geometry::Polyline:
            grow(b, a.geometry_as_Polyline()->points());
            break;
        case v1::Geometry::Keypoints: {
            const auto* k = a.geometry_as_Keypoints();
            if (k->points() == nullptr) break;
            for (std::uint32_t i = 0; i < k->points()->size(); ++i) {
                const bool labeled = k->visibility() == nullptr || i >= k->visibility()->size() ||
                                     k->visibility()->Get(i) != v1::Visibility::NotLabeled;
                if (labeled) grow(b, k->points()->Get(i)->x(), k->points()->Get(i)->y());
            }
            break;
        }
        case v1::Geometry::Point:
            if (const auto* p = a.geometry_as_Point()->position()) grow(b, p->x(), p->y());
            break;
        case v1::Geometry::Circle: {
            const auto* c = a.geometry_as_Circle();
            if (c->center() == nullptr) break;
            grow(b, c->center()->x() - c->radius(), c->center()->y() - c->radius());
            grow(b, c->center()->x() + c->radius(), c->center()->y() + c->radius());
            break;
        }
        case v1::Geometry::Mask:
            b = mask_bounds(*a.geometry_as_Mask());
            break;
        default:
            break;
    }
    return b;
}

double area_of(const v1::Annotation& a) {
    switch (a.geometry_type()) {
        case v1::Geometry::Box: {
            const auto* box = a.geometry_as_Box();
            return std::max(0.0, box->right() - box->left()) *
                   std::max(0.0, box->bottom() - box->top());
        }
        case v1::Geometry::RotatedBox:
            return a.geometry_as_RotatedBox()->width() * a.geometry_as_RotatedBox()->height();
        case v1::Geometry::Polygon:
            return polygon_area(a.geometry_as_Polygon());
        case v1::Geometry::MultiPolygon: {
            double area = 0;
            if (const auto* parts = a.geometry_as_MultiPolygon()->polygons())
                for (const v1::Polygon* p : *parts) area += polygon_area(p);
            return area;
        }
        case v1::Geometry::Circle: {
            const double r = a.geometry_as_Circle()->radius();
            return std::numbers::pi * r * r;
        }
        case v1::Geometry::Mask: {
            double area = 0;
            bool foreground = false;
            if (const auto* counts = a.geometry_as_Mask()->counts())
                for (const std::uint32_t run : *counts) {
                    if (foreground) area += run;
                    foreground = !foreground;
                }
            return area;
        }
        default:
            return 0;
    }
}

}  // namespace tessera::formats
