#pragma once
// Geometry helpers the formats share.

#include <array>
#include <optional>
#include <span>

#include "core/data_api.hpp"

namespace tessera::formats {

/// An axis-aligned rectangle in image pixels.
struct Bounds {
    double left = 0, top = 0, right = 0, bottom = 0;
    [[nodiscard]] double width() const { return right - left; }
    [[nodiscard]] double height() const { return bottom - top; }
};

/// The bounding rectangle of a 2D image geometry (box, rotated box, polygon,
/// multipolygon, polyline, labelled keypoints, point, circle, mask); nullopt for
/// 3D, time and text geometry and for empty shapes.
[[nodiscard]] std::optional<Bounds> bounds_of(const v1::Annotation& annotation);

/// Area of a 2D image geometry in square pixels (polygons minus holes, mask
/// foreground pixels, boxes, circles); 0 for the others.
[[nodiscard]] double area_of(const v1::Annotation& annotation);

/// The four corners of a rotated box, going round from the one at (-w/2, -h/2)
/// before rotation; a box without a centre is centred on (0, 0).
[[nodiscard]] std::array<v1::Point2, 4> corners_of(const v1::RotatedBox& box);

/// The points of a polygon's outer ring (its holes follow them); empty when it has none.
[[nodiscard]] std::span<const v1::Point2> outer_ring(const v1::Polygon& polygon);

}  // namespace tessera::formats
