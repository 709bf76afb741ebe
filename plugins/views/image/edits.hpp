#pragma once
// The edit batches the image view submits (tessera.v1.EditBatch): the only
// way it changes annotations. The host applies a batch in one transaction,
// pushes it on its undo stack and hands the view the new AnnotationSet.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/v1/edit_generated.h>

#include "spatial_grid.hpp"

namespace tessera::view_image {

/// Who edits which item, and when.
struct EditContext {
    std::uint64_t item = 0;
    std::string author;        ///< UTF-8 user name, for the batch and new provenance
    std::int64_t time_ms = 0;  ///< milliseconds since the Unix epoch
};

/// Milliseconds since the Unix epoch, now.
[[nodiscard]] std::int64_t now_ms();

/// A batch adding one annotation with `label` and `geometry`, id 0 (the store
/// assigns one), provenance: `context.author`, created = modified = now, Human.
[[nodiscard]] std::vector<std::uint8_t> add_batch(const EditContext& context, std::string label,
                                                  v1::GeometryUnion geometry,
                                                  std::string_view comment);

/// A batch replacing `annotation` (every field kept from the stored one)
/// with its provenance's modified time set to now.
[[nodiscard]] std::vector<std::uint8_t> update_batch(const EditContext& context,
                                                     std::unique_ptr<v1::AnnotationT> annotation,
                                                     std::string_view comment);

/// A batch deleting annotation `id`.
[[nodiscard]] std::vector<std::uint8_t> delete_batch(const EditContext& context, std::uint64_t id,
                                                     std::string_view comment);

/// Geometries of new shapes.
[[nodiscard]] v1::GeometryUnion box_geometry(const Rect& box);
[[nodiscard]] v1::GeometryUnion polygon_geometry(std::span<const Vec2> points);
[[nodiscard]] v1::GeometryUnion polyline_geometry(std::span<const Vec2> points);
[[nodiscard]] v1::GeometryUnion keypoints_geometry(std::span<const Vec2> points);

/// Moves every point of `geometry` by (dx, dy) item pixels. False for a
/// geometry the view does not move (masks, 3D, spans).
bool translate(v1::GeometryUnion& geometry, double dx, double dy);

/// Moves vertex `index` (in the order of the geometry's point list) of a
/// polygon, polyline, keypoint set or point to (x, y). False when there is
/// no such vertex.
bool set_vertex(v1::GeometryUnion& geometry, std::uint32_t index, double x, double y);

}  // namespace tessera::view_image
