// The label lines of one annotation for `--yolo-task detect` or `segment`.
// See yolo.hpp for what is implemented and what is missing.

#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "core/text.hpp"
#include "formats/geometry.hpp"
#include "yolo/yolo_detail.hpp"

namespace tessera::formats::yolo::detail {
namespace {

/// Appends lines of class `index` for an image of `width` × `height` pixels.
class Lines {
public:
    Lines(std::string& out, std::size_t index, double width, double height)
        : out_(out), index_(index), width_(width), height_(height) {}

    void box(const Bounds& bounds) {
        start();
        add((bounds.left + bounds.right) / 2 / width_);
        add((bounds.top + bounds.bottom) / 2 / height_);
        add(bounds.width() / width_);
        add(bounds.height() / height_);
        out_.push_back('\n');
    }

    void polygon(std::span<const v1::Point2> points) {
        start();
        for (const v1::Point2& point : points) {
            add(point.x() / width_);
            add(point.y() / height_);
        }
        out_.push_back('\n');
    }

    void corners(const Bounds& b) {
        const std::array<v1::Point2, 4> points{
            v1::Point2(b.left, b.top), v1::Point2(b.right, b.top), v1::Point2(b.right, b.bottom),
            v1::Point2(b.left, b.bottom)};
        polygon(points);
    }

private:
    void start() { out_ += fmt::format_int(index_).str(); }
    void add(double value) {
        out_.push_back(' ');
        append_double(out_, value);
    }

    std::string& out_;
    std::size_t index_;
    double width_, height_;
};

constexpr int kCircleSides = 32;

}  // namespace

void append_lines(std::string& out, const v1::Annotation& annotation, std::size_t index,
                  double width, double height, Task task, const Note& note) {
    Lines lines(out, index, width, height);
    const bool detect = task == Task::Detect;
    const std::optional<Bounds> bounds = bounds_of(annotation);
    const char* kind = v1::EnumNameGeometry(annotation.geometry_type());
    const bool shape = annotation.geometry_type() == v1::Geometry::Box ||
                       annotation.geometry_type() == v1::Geometry::Polygon ||
                       annotation.geometry_type() == v1::Geometry::MultiPolygon ||
                       annotation.geometry_type() == v1::Geometry::RotatedBox ||
                       annotation.geometry_type() == v1::Geometry::Circle ||
                       annotation.geometry_type() == v1::Geometry::Mask;
    if (shape && !bounds) {
        note(fmt::format("empty {} annotations (not written)", kind));
        return;
    }
    switch (annotation.geometry_type()) {
        case v1::Geometry::Box:
            if (detect) {
                lines.box(*bounds);
            } else {
                note("converted: Box written as its 4 corners (--yolo-task segment)");
                lines.corners(*bounds);
            }
            return;
        case v1::Geometry::Polygon: {
            const v1::Polygon& polygon = *annotation.geometry_as_Polygon();
            const std::span<const v1::Point2> ring = outer_ring(polygon);
            if (ring.size() < 3) {
                note("Polygons with fewer than 3 points (not written)");
                return;
            }
            if (detect) {
                note("converted: Polygon written as its box (--yolo-task detect)");
                lines.box(*bounds);
                return;
            }
            if (polygon.ring_ends() != nullptr && polygon.ring_ends()->size() > 1)
                note("Polygon holes (YOLO polygons have none; the outer ring is written)");
            lines.polygon(ring);
            return;
        }
        case v1::Geometry::MultiPolygon: {
            if (detect) {
                note("converted: MultiPolygon written as its box (--yolo-task detect)");
                lines.box(*bounds);
                return;
            }
            note("converted: MultiPolygon written as one polygon line per part");
            for (const v1::Polygon* part : *annotation.geometry_as_MultiPolygon()->polygons()) {
                if (part == nullptr) continue;
                if (part->ring_ends() != nullptr && part->ring_ends()->size() > 1)
                    note("Polygon holes (YOLO polygons have none; the outer ring is written)");
                if (const auto ring = outer_ring(*part); ring.size() >= 3) lines.polygon(ring);
            }
            return;
        }
        case v1::Geometry::RotatedBox: {
            if (detect) {
                note("converted: RotatedBox written as its box (--yolo-task detect)");
                lines.box(*bounds);
                return;
            }
            note("converted: RotatedBox written as its 4 corners (--yolo-task segment)");
            const std::array<v1::Point2, 4> points =
                corners_of(*annotation.geometry_as_RotatedBox());
            lines.polygon(points);
            return;
        }
        case v1::Geometry::Circle: {
            if (detect) {
                note("converted: Circle written as its box (--yolo-task detect)");
                lines.box(*bounds);
                return;
            }
            note("converted: Circle written as a 32-sided polygon");
            const double cx = (bounds->left + bounds->right) / 2;
            const double cy = (bounds->top + bounds->bottom) / 2;
            const double r = bounds->width() / 2;
            std::vector<v1::Point2> points;
            for (int i = 0; i < kCircleSides; ++i) {
                const double angle = 2 * std::numbers::pi * i / kCircleSides;
                points.emplace_back(cx + r * std::cos(angle), cy + r * std::sin(angle));
            }
            lines.polygon(points);
            return;
        }
        case v1::Geometry::Mask:
            if (detect) {
                note("converted: Mask written as its box (--yolo-task detect)");
                lines.box(*bounds);
            } else {
                note(
                    "converted: Mask written as the polygon of its box (Tessera does not trace "
                    "masks)");
                lines.corners(*bounds);
            }
            return;
        case v1::Geometry::Point:
        case v1::Geometry::Polyline:
        case v1::Geometry::Keypoints:
            note(fmt::format("{} annotations (YOLO has no form for them; not written)", kind));
            return;
        case v1::Geometry::NONE:
            note("annotations without geometry (not written)");
            return;
        default:
            note(
                fmt::format("{} annotations (YOLO labels are 2D image shapes; not written)", kind));
            return;
    }
}

}  // namespace tessera::formats::yolo::detail
