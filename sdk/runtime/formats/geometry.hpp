#pragma once
// Geometry helpers the formats share.

#include <optional>

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

}  // namespace tessera::formats
