// Geometry rules: outside the image, degenerate shapes, boxes below the
// class's minimum size, near-duplicate boxes of one label. Boxes are checked
// inline (rules_internal.hpp); here are their reports and the other shapes.

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "rules_internal.hpp"

namespace tessera::rules {
namespace {

using Points = flatbuffers::Vector<const v1::Point2*>;

/// Above this many candidate segment pairs a ring's self-intersection test
/// stops and reports the ring as too big to check (see builtin_rules.hpp).
constexpr std::size_t kMaxSegmentPairs = 4'000'000;

constexpr const char* kNonFiniteFix = "replace the NaN or infinite coordinates, or delete it";

bool finite(double a, double b, double c, double d) {
    return std::isfinite(a) && std::isfinite(b) && std::isfinite(c) && std::isfinite(d);
}

bool outside(const Pass& pass, double left, double top, double right, double bottom) {
    return pass.outside(left, top, right, bottom);
}

/// Index of the first point with a NaN or infinite coordinate, or -1. Such
/// points are kept out of every sort and overlap test.
long first_non_finite(const Points* points) {
    if (!points) return -1;
    for (flatbuffers::uoffset_t i = 0; i < points->size(); ++i) {
        const v1::Point2* p = points->Get(i);
        if (!std::isfinite(p->x()) || !std::isfinite(p->y())) return i;
    }
    return -1;
}

void report_non_finite(const Pass& pass, std::uint64_t id, const char* what, const Points* points,
                       long index) {
    const v1::Point2* p = points->Get(static_cast<flatbuffers::uoffset_t>(index));
    pass.report(kDegenerate, id,
                fmt::format("{} point {} ({}, {}) has a non-finite coordinate", what, index, p->x(),
                            p->y()),
                kNonFiniteFix);
}

/// Index of the first point outside the image (with tolerance), or -1.
long first_outside(const Pass& pass, const Points* points) {
    if (!points || pass.width <= 0) return -1;
    for (flatbuffers::uoffset_t i = 0; i < points->size(); ++i) {
        const v1::Point2* p = points->Get(i);
        if (outside(pass, p->x(), p->y(), p->x(), p->y())) return i;
    }
    return -1;
}

void report_outside(const Pass& pass, std::uint64_t id, const char* what, const Points* points,
                    long index) {
    const v1::Point2* p = points->Get(static_cast<flatbuffers::uoffset_t>(index));
    pass.report(kOutsideImage, id,
                fmt::format("{} point {} ({}, {}) lies outside the {} x {} image", what, index,
                            p->x(), p->y(), pass.width, pass.height),
                "move the points outside the image onto its border");
}

double cross(double ax, double ay, double bx, double by, double cx, double cy) {
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

bool on_segment(double ax, double ay, double bx, double by, double px, double py) {
    return std::min(ax, bx) <= px && px <= std::max(ax, bx) && std::min(ay, by) <= py &&
           py <= std::max(ay, by);
}

bool segments_intersect(const Scratch::Segment& s, const Scratch::Segment& t) {
    const double d1 = cross(t.x0, t.y0, t.x1, t.y1, s.x0, s.y0);
    const double d2 = cross(t.x0, t.y0, t.x1, t.y1, s.x1, s.y1);
    const double d3 = cross(s.x0, s.y0, s.x1, s.y1, t.x0, t.y0);
    const double d4 = cross(s.x0, s.y0, s.x1, s.y1, t.x1, t.y1);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
        return true;
    return (d1 == 0 && on_segment(t.x0, t.y0, t.x1, t.y1, s.x0, s.y0)) ||
           (d2 == 0 && on_segment(t.x0, t.y0, t.x1, t.y1, s.x1, s.y1)) ||
           (d3 == 0 && on_segment(s.x0, s.y0, s.x1, s.y1, t.x0, t.y0)) ||
           (d4 == 0 && on_segment(s.x0, s.y0, s.x1, s.y1, t.x1, t.y1));
}

enum class Crossing { None, Crosses, TooMany };

/// Whether the closed ring points[first, last) (all finite) crosses itself: a
/// sweep over the segments sorted by their left end, testing only pairs whose
/// x extents meet; TooMany after kMaxSegmentPairs candidate pairs.
Crossing self_intersects(const Pass& pass, const Points& points, std::uint32_t first,
                         std::uint32_t last) {
    const std::uint32_t n = last - first;
    if (n < 4) return Crossing::None;  // a triangle cannot cross itself
    auto& segments = pass.scratch.segments;
    segments.clear();
    for (std::uint32_t i = 0; i < n; ++i) {
        const v1::Point2* a = points.Get(first + i);
        const v1::Point2* b = points.Get(first + (i + 1) % n);
        if (a->x() <= b->x())
            segments.push_back({a->x(), a->y(), b->x(), b->y(), i});
        else
            segments.push_back({b->x(), b->y(), a->x(), a->y(), i});
    }
    std::sort(segments.begin(), segments.end(),
              [](const auto& a, const auto& b) { return a.x0 < b.x0; });
    std::size_t pairs = 0;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& s = segments[i];
        for (std::size_t j = i + 1; j < segments.size() && segments[j].x0 <= s.x1; ++j) {
            const auto& t = segments[j];
            const std::uint32_t gap = s.index > t.index ? s.index - t.index : t.index - s.index;
            if (gap == 1 || gap == n - 1) continue;  // neighbours share a vertex
            if (std::max(s.y0, s.y1) < std::min(t.y0, t.y1) ||
                std::max(t.y0, t.y1) < std::min(s.y0, s.y1))
                continue;
            if (++pairs > kMaxSegmentPairs) return Crossing::TooMany;
            if (segments_intersect(s, t)) return Crossing::Crosses;
        }
    }
    return Crossing::None;
}

void check_polygon(const Pass& pass, std::uint64_t id, const v1::Polygon& polygon,
                   const char* what) {
    const Points* points = polygon.points();
    const std::uint32_t count = points ? points->size() : 0;
    if (pass.on.degenerate) {
        if (const long at = first_non_finite(points); at >= 0) {
            report_non_finite(pass, id, what, points, at);
            return;  // NaN breaks the sort of the self-intersection sweep; outside-image too
        }
        std::uint32_t start = 0;
        const auto* ends = polygon.ring_ends();
        const std::uint32_t rings = ends && ends->size() ? ends->size() : 1;
        for (std::uint32_t ring = 0; ring < rings; ++ring) {
            const std::uint32_t end = ends && ends->size() ? ends->Get(ring) : count;
            if (end < start || end > count) {
                pass.report(kDegenerate, id,
                            fmt::format("{} ring {} ends at point {}, outside its {} points", what,
                                        ring, end, count));
                return;
            }
            if (end - start < 3) {
                pass.report(kDegenerate, id,
                            fmt::format("{} ring {} has {} points, expected at least 3", what, ring,
                                        end - start),
                            "delete the ring or add points");
            } else {
                switch (self_intersects(pass, *points, start, end)) {
                    case Crossing::None:
                        break;
                    case Crossing::Crosses:
                        pass.report(kDegenerate, id,
                                    fmt::format("{} ring {} crosses itself", what, ring),
                                    "move the crossing edges apart, or split the polygon");
                        break;
                    case Crossing::TooMany:
                        pass.report(kDegenerate, id,
                                    fmt::format("{} ring {} has {} segments, too many to check for "
                                                "self-intersection (more than {} candidate pairs)",
                                                what, ring, end - start, kMaxSegmentPairs),
                                    "simplify the ring or split the polygon");
                        break;
                }
            }
            start = end;
        }
    }
    if (pass.on.outside_image)
        if (const long at = first_outside(pass, points); at >= 0)
            report_outside(pass, id, what, points, at);
}

void check_points(const Pass& pass, std::uint64_t id, const Points* points, const char* what,
                  std::uint32_t minimum) {
    const std::uint32_t count = points ? points->size() : 0;
    if (pass.on.degenerate && count < minimum)
        pass.report(kDegenerate, id,
                    fmt::format("{} has {} points, expected at least {}", what, count, minimum),
                    "delete it or add points");
    if (pass.on.degenerate)
        if (const long at = first_non_finite(points); at >= 0) {
            report_non_finite(pass, id, what, points, at);
            return;
        }
    if (pass.on.outside_image)
        if (const long at = first_outside(pass, points); at >= 0)
            report_outside(pass, id, what, points, at);
}

}  // namespace

void report_box_not_finite(const Pass& pass, std::uint64_t id) {
    pass.report(kDegenerate, id, "box has a coordinate that is not a finite number");
}

void report_box_empty(const Pass& pass, std::uint64_t id, double left, double top, double right,
                      double bottom) {
    const double width = right - left, height = bottom - top;
    pass.report(kDegenerate, id,
                fmt::format("box ({}, {}, {}, {}) has zero area ({} x {} px)", left, top, right,
                            bottom, width, height),
                width < 0 || height < 0 ? "swap the inverted edges, or delete the box"
                                        : "delete the box or redraw it");
}

void report_box_outside(const Pass& pass, std::uint64_t id, double left, double top, double right,
                        double bottom) {
    const double l = std::clamp(left, 0.0, pass.width), t = std::clamp(top, 0.0, pass.height);
    const double r = std::clamp(right, 0.0, pass.width), b = std::clamp(bottom, 0.0, pass.height);
    pass.report(kOutsideImage, id,
                fmt::format("box ({}, {}, {}, {}) extends outside the {} x {} image", left, top,
                            right, bottom, pass.width, pass.height),
                r > l && b > t ? fmt::format("clamp the box to ({}, {}, {}, {})", l, t, r, b)
                               : std::string("delete the box: it lies entirely outside the image"));
}

void report_box_small(const Pass& pass, std::uint64_t id, double width, double height,
                      const ClassRule& cls) {
    pass.report(kBoxMinSize, id,
                fmt::format("box is {} x {} px, below the minimum {} x {} px of class {}", width,
                            height, cls.min_width, cls.min_height, cls.key),
                "enlarge the box to the object's extent, or delete it if the object is too small");
}

void check_other_geometry(const Pass& pass, const AnnotationFields& fields) {
    const v1::Annotation& annotation = *fields.annotation;
    const std::uint64_t id = fields.id;
    switch (fields.geometry_type) {
        case v1::Geometry::Polygon:
            check_polygon(pass, id, *annotation.geometry_as_Polygon(), "polygon");
            break;
        case v1::Geometry::MultiPolygon:
            if (const auto* parts = annotation.geometry_as_MultiPolygon()->polygons()) {
                if (pass.on.degenerate && parts->size() == 0)
                    pass.report(kDegenerate, id, "multi-polygon has no parts");
                for (const v1::Polygon* part : *parts)
                    check_polygon(pass, id, *part, "multi-polygon");
            }
            break;
        case v1::Geometry::Polyline:
            check_points(pass, id, annotation.geometry_as_Polyline()->points(), "polyline", 2);
            break;
        case v1::Geometry::Keypoints: {
            // Unlabelled keypoints carry no meaning, whatever their coordinates.
            const v1::Keypoints& keypoints = *annotation.geometry_as_Keypoints();
            const Points* points = keypoints.points();
            const auto* visibility = keypoints.visibility();
            if (!pass.on.degenerate || !points) break;
            for (flatbuffers::uoffset_t i = 0; i < points->size(); ++i) {
                const v1::Point2* p = points->Get(i);
                if (std::isfinite(p->x()) && std::isfinite(p->y())) continue;
                if (visibility && i < visibility->size() &&
                    visibility->Get(i) == v1::Visibility::NotLabeled)
                    continue;
                report_non_finite(pass, id, "keypoints", points, i);
                break;
            }
            break;
        }
        case v1::Geometry::RotatedBox: {
            const v1::RotatedBox& box = *annotation.geometry_as_RotatedBox();
            const v1::Point2* c = box.center();
            if (pass.on.degenerate && !(finite(box.width(), box.height(), box.angle(), 0) &&
                                        (!c || finite(c->x(), c->y(), 0, 0))))
                pass.report(kDegenerate, id, "rotated box has a non-finite coordinate",
                            kNonFiniteFix);
            else if (pass.on.degenerate && !(box.width() > 0 && box.height() > 0))
                pass.report(kDegenerate, id,
                            fmt::format("rotated box is {} x {} px, expected a positive area",
                                        box.width(), box.height()),
                            "delete the box or redraw it");
            break;
        }
        case v1::Geometry::Circle: {
            const v1::Circle& circle = *annotation.geometry_as_Circle();
            const v1::Point2* c = circle.center();
            if (pass.on.degenerate &&
                !(std::isfinite(circle.radius()) && (!c || finite(c->x(), c->y(), 0, 0))))
                pass.report(kDegenerate, id,
                            fmt::format("circle has a non-finite coordinate (centre ({}, {}), "
                                        "radius {})",
                                        c ? c->x() : 0.0, c ? c->y() : 0.0, circle.radius()),
                            kNonFiniteFix);
            else if (pass.on.degenerate && !(circle.radius() > 0))
                pass.report(
                    kDegenerate, id,
                    fmt::format("circle has radius {}, expected more than 0", circle.radius()));
            break;
        }
        case v1::Geometry::Point: {
            const v1::Point2* p = annotation.geometry_as_Point()->position();
            if (pass.on.degenerate && p && !finite(p->x(), p->y(), 0, 0))
                pass.report(
                    kDegenerate, id,
                    fmt::format("point ({}, {}) has a non-finite coordinate", p->x(), p->y()),
                    kNonFiniteFix);
            else if (pass.on.outside_image && p && pass.width > 0 &&
                     outside(pass, p->x(), p->y(), p->x(), p->y()))
                pass.report(kOutsideImage, id,
                            fmt::format("point ({}, {}) lies outside the {} x {} image", p->x(),
                                        p->y(), pass.width, pass.height),
                            fmt::format("move it to ({}, {})", std::clamp(p->x(), 0.0, pass.width),
                                        std::clamp(p->y(), 0.0, pass.height)));
            break;
        }
        case v1::Geometry::TimeSpan: {
            const v1::TimeSpan& span = *annotation.geometry_as_TimeSpan();
            if (pass.on.degenerate && !finite(span.start(), span.end(), 0, 0))
                pass.report(kDegenerate, id,
                            fmt::format("time span {}–{} s has a non-finite coordinate",
                                        span.start(), span.end()),
                            kNonFiniteFix);
            else if (pass.on.degenerate && !(span.end() > span.start()))
                pass.report(kDegenerate, id,
                            fmt::format("time span {}–{} s is empty", span.start(), span.end()));
            break;
        }
        case v1::Geometry::TextSpan: {
            const v1::TextSpan& span = *annotation.geometry_as_TextSpan();
            if (pass.on.degenerate && !(span.end() > span.start()))
                pass.report(kDegenerate, id,
                            fmt::format("text span {}–{} is empty", span.start(), span.end()));
            break;
        }
        default:
            break;
    }
}

namespace {

void report_near_duplicate(const Pass& pass, const BoxEntry& a, const BoxEntry& b, double iou) {
    const std::uint64_t ids[2] = {std::min(a.id, b.id), std::max(a.id, b.id)};
    pass.sink.report(kNearDuplicate, ids,
                     fmt::format("boxes {} and {} of label \"{}\" overlap with IoU {:.3f} "
                                 "(threshold {})",
                                 ids[0], ids[1], a.label, iou, pass.params.iou),
                     fmt::format("delete one of the two boxes (annotation {})", ids[1]));
}

/// Whether boxes `a` and `b`, of one label class, are near-duplicates; reports them if so.
inline void test_pair(const Pass& pass, const BoxEntry& a, const BoxEntry& b) {
    const double w = std::min(a.right, b.right) - std::max(a.left, b.left);
    const double h = std::min(a.bottom, b.bottom) - std::max(a.top, b.top);
    if (w <= 0 || h <= 0) return;
    if (a.label_class < 0 && !same_key(a.label, b.label)) return;
    const double inter = w * h;
    const double area_a = (a.right - a.left) * (a.bottom - a.top);
    const double iou = inter / (area_a + (b.right - b.left) * (b.bottom - b.top) - inter);
    if (iou < pass.params.iou) return;
    report_near_duplicate(pass, a, b, iou);
}

/// Every pair (i, j), i < j, of one label class, in the order of i then j:
/// each box links to the next box of its class, so pairs of other labels
/// cost nothing.
void near_duplicates_few(const Pass& pass, const BoxEntry* boxes, std::size_t count) {
    Scratch& scratch = pass.scratch;
    auto& next = scratch.next_of_class;
    auto& last = scratch.last_of_class;  // all -1 between items
    next.resize(count);
    const std::size_t classes = pass.tables.classes.size() + 1;
    if (last.size() < classes) last.resize(classes, -1);
    for (std::size_t i = count; i-- > 0;) {
        // Labels the schema lacks share slot 0; test_pair() compares their text.
        int& slot = last[static_cast<std::size_t>(boxes[i].label_class + 1)];
        next[i] = slot;
        slot = static_cast<int>(i);
    }
    for (std::size_t i = 0; i < count; ++i)
        last[static_cast<std::size_t>(boxes[i].label_class + 1)] = -1;
    for (std::size_t i = 0; i < count; ++i) {
        for (int j = next[i]; j >= 0; j = next[static_cast<std::size_t>(j)])
            test_pair(pass, boxes[i], boxes[static_cast<std::size_t>(j)]);
    }
}

/// Same for `boxes` sorted by left edge: the inner loop stops at the first box right of `a`.
void near_duplicates_sorted(const Pass& pass, const BoxEntry* boxes, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        const BoxEntry& a = boxes[i];
        for (std::size_t j = i + 1; j < count; ++j) {
            const BoxEntry& b = boxes[j];
            if (b.left >= a.right) break;
            if (a.label_class == b.label_class) test_pair(pass, a, b);
        }
    }
}

}  // namespace

void check_near_duplicates(const Pass& pass) {
    auto& boxes = pass.scratch.boxes;
    // Few boxes: test every pair, cheaper than sorting. Many: sort by left edge
    // and test only boxes whose x extents meet.
    if (boxes.size() <= 24) {
        near_duplicates_few(pass, boxes.data(), boxes.size());
        return;
    }
    std::sort(boxes.begin(), boxes.end(),
              [](const BoxEntry& a, const BoxEntry& b) { return a.left < b.left; });
    near_duplicates_sorted(pass, boxes.data(), boxes.size());
}

}  // namespace tessera::rules
