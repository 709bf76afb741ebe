#include "core/annotation_numbers.hpp"

#include <cmath>
#include <initializer_list>
#include <utility>

#include <fmt/format.h>

namespace tessera {
namespace {

using Named = std::pair<const char*, double>;

std::string first_bad(const char* geometry, std::initializer_list<Named> numbers) {
    for (const auto& [name, value] : numbers)
        if (!std::isfinite(value))
            return fmt::format("geometry {}.{} is {}", geometry, name, value);
    return {};
}

std::string first_bad_point(const char* geometry, const char* field, const v1::Point2* p) {
    if (p == nullptr || (std::isfinite(p->x()) && std::isfinite(p->y()))) return {};
    return fmt::format("geometry {}.{} is ({}, {})", geometry, field, p->x(), p->y());
}

std::string first_bad_points(const char* geometry,
                             const flatbuffers::Vector<const v1::Point2*>* points) {
    if (points == nullptr) return {};
    for (flatbuffers::uoffset_t i = 0; i < points->size(); ++i) {
        const v1::Point2* p = points->Get(i);
        if (!std::isfinite(p->x()) || !std::isfinite(p->y()))
            return fmt::format("geometry {}.points[{}] is ({}, {})", geometry, i + 1, p->x(),
                               p->y());
    }
    return {};
}

std::string first_bad_geometry(const v1::Annotation& a) {
    switch (a.geometry_type()) {
        case v1::Geometry::Box: {
            const auto* b = a.geometry_as_Box();
            return first_bad("Box", {{"left", b->left()},
                                     {"top", b->top()},
                                     {"right", b->right()},
                                     {"bottom", b->bottom()}});
        }
        case v1::Geometry::RotatedBox: {
            const auto* b = a.geometry_as_RotatedBox();
            if (std::string bad = first_bad_point("RotatedBox", "center", b->center());
                !bad.empty())
                return bad;
            return first_bad(
                "RotatedBox",
                {{"width", b->width()}, {"height", b->height()}, {"angle", b->angle()}});
        }
        case v1::Geometry::Polygon:
            return first_bad_points("Polygon", a.geometry_as_Polygon()->points());
        case v1::Geometry::MultiPolygon:
            if (const auto* parts = a.geometry_as_MultiPolygon()->polygons())
                for (const v1::Polygon* p : *parts)
                    if (std::string bad = first_bad_points("MultiPolygon", p->points());
                        !bad.empty())
                        return bad;
            return {};
        case v1::Geometry::Polyline:
            return first_bad_points("Polyline", a.geometry_as_Polyline()->points());
        case v1::Geometry::Keypoints:
            return first_bad_points("Keypoints", a.geometry_as_Keypoints()->points());
        case v1::Geometry::Point:
            return first_bad_point("Point", "position", a.geometry_as_Point()->position());
        case v1::Geometry::Circle: {
            const auto* c = a.geometry_as_Circle();
            if (std::string bad = first_bad_point("Circle", "center", c->center()); !bad.empty())
                return bad;
            return first_bad("Circle", {{"radius", c->radius()}});
        }
        case v1::Geometry::Cuboid: {
            const auto* c = a.geometry_as_Cuboid();
            if (const auto* p = c->center())
                if (std::string bad =
                        first_bad("Cuboid.center", {{"x", p->x()}, {"y", p->y()}, {"z", p->z()}});
                    !bad.empty())
                    return bad;
            if (const auto* p = c->size())
                if (std::string bad =
                        first_bad("Cuboid.size", {{"x", p->x()}, {"y", p->y()}, {"z", p->z()}});
                    !bad.empty())
                    return bad;
            if (const auto* q = c->rotation())
                if (std::string bad =
                        first_bad("Cuboid.rotation",
                                  {{"w", q->w()}, {"x", q->x()}, {"y", q->y()}, {"z", q->z()}});
                    !bad.empty())
                    return bad;
            return first_bad("Cuboid", {{"yaw", c->yaw()}});
        }
        case v1::Geometry::TimeSpan: {
            const auto* t = a.geometry_as_TimeSpan();
            return first_bad("TimeSpan", {{"start", t->start()}, {"end", t->end()}});
        }
        default:
            return {};  // Mask and TextSpan hold integers
    }
}

}  // namespace

std::string non_finite_number(const v1::Annotation& annotation) {
    if (std::string bad = first_bad_geometry(annotation); !bad.empty()) return bad;
    if (const auto* attributes = annotation.attributes())
        for (const v1::Attribute* attribute : *attributes)
            if (!std::isfinite(attribute->float_value()))
                return fmt::format("attribute \"{}\" is {}",
                                   attribute->key() ? attribute->key()->string_view() : "",
                                   attribute->float_value());
    if (const auto* provenance = annotation.provenance();
        provenance != nullptr && !std::isfinite(provenance->confidence()))
        return fmt::format("provenance confidence is {}", provenance->confidence());
    return {};
}

}  // namespace tessera
