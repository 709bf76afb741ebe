#pragma once
// The annotations of the open item as the image view draws and hit-tests
// them: one Shape per annotation with a 2D geometry, its outline flattened
// into paths of float points (the host's drawing format), its bounds in the
// spatial grid. The AnnotationSet bytes are kept, because an edit replaces
// an annotation as a whole (UpdateAnnotation) and must carry every field.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <tessera/ext/host_ui.h>
#include <tessera/v1/annotation_generated.h>

#include "spatial_grid.hpp"

namespace tessera::view_image {

/// The geometry kinds the image view draws.
enum class ShapeKind : std::uint8_t {
    Box,
    RotatedBox,
    Polygon,
    MultiPolygon,
    Polyline,
    Keypoints,
    Point,
    Circle,
    Mask,  ///< RLE mask: each path is one filled rectangle of two points, min and max
};

/// Skeletons of the label schema: which keypoints are joined by lines.
struct Skeletons {
    /// Edges (0-based point indices) by skeleton key.
    std::unordered_map<std::string, std::vector<std::pair<std::uint16_t, std::uint16_t>>> edges;
    /// The skeleton key of each class that names one, for keypoints that do not.
    std::unordered_map<std::string, std::string> by_label;
};

/// A run of points drawn as one line, closed or open.
struct Path {
    std::uint32_t first = 0;  ///< index of the first point in ShapeSet::points()
    std::uint32_t count = 0;
    bool closed = false;
};

/// One drawable annotation.
struct Shape {
    std::uint64_t id = 0;
    std::uint32_t annotation_index = 0;  ///< position in the AnnotationSet's vector
    std::uint32_t label = 0;             ///< index into ShapeSet::labels()
    ShapeKind kind = ShapeKind::Box;
    Rect bounds;  ///< item pixels; for a box, the box itself
    std::uint32_t first_path = 0;
    std::uint32_t path_count = 0;
    float radius = 0;              ///< circle radius in item pixels
    std::uint32_t first_edge = 0;  ///< keypoints: skeleton edges in ShapeSet::edges()
    std::uint32_t edge_count = 0;
};

/// The drawable annotations of one AnnotationSet, in drawing order, with
/// their spatial index.
class ShapeSet {
public:
    /// Decodes `annotations` (a tessera.v1.AnnotationSet the host verified;
    /// empty = none) and rebuilds the grid over `image` (0 x 0 when unknown).
    /// Keypoints get the edges of their skeleton in `skeletons`. Annotations
    /// without a 2D geometry, with non-finite coordinates or with a mask whose
    /// runs do not fit its size, are counted in skipped() and not drawn.
    void assign(std::span<const std::uint8_t> annotations, const Rect& image,
                const Skeletons& skeletons = {});
    /// Rebuilds only the grid, for a new image size.
    void reindex(const Rect& image);

    [[nodiscard]] const std::vector<Shape>& shapes() const noexcept { return shapes_; }
    [[nodiscard]] std::span<const Path> paths(const Shape& shape) const noexcept {
        return {paths_.data() + shape.first_path, shape.path_count};
    }
    [[nodiscard]] std::span<const tessera_ui_vec2_t> points(const Path& path) const noexcept {
        return {points_.data() + path.first, path.count};
    }
    /// The skeleton edges of a Keypoints shape, as point indices within its path.
    [[nodiscard]] std::span<const std::pair<std::uint16_t, std::uint16_t>> edges(
        const Shape& shape) const noexcept {
        return {edges_.data() + shape.first_edge, shape.edge_count};
    }
    /// True when point `index` of points() is a keypoint marked NotLabeled (not drawn).
    [[nodiscard]] bool hidden(std::uint32_t index) const noexcept { return hidden_[index] != 0; }
    /// Distinct label keys; Shape::label indexes this.
    [[nodiscard]] const std::vector<std::string>& labels() const noexcept { return labels_; }
    [[nodiscard]] const SpatialGrid& grid() const noexcept { return grid_; }

    /// Index in shapes() of annotation `id`, or -1.
    [[nodiscard]] long find(std::uint64_t id) const;
    /// The stored annotation behind `shape`.
    [[nodiscard]] const v1::Annotation& annotation(const Shape& shape) const;
    /// Id of the item the set belongs to (0 when none is open).
    [[nodiscard]] std::uint64_t item() const noexcept { return item_; }
    /// Annotations not drawn (no 2D geometry, or bad coordinates).
    [[nodiscard]] std::size_t skipped() const noexcept { return skipped_; }

    /// Index of the topmost shape (the last drawn) within `tolerance` item
    /// pixels of (x, y), or -1. Uses the grid.
    [[nodiscard]] long hit_test(double x, double y, double tolerance) const;

private:
    bool add(const v1::Annotation& annotation, std::uint32_t index, const Skeletons& skeletons);
    bool add_mask(const v1::Mask& mask);
    void add_path(const flatbuffers::Vector<const v1::Point2*>* points, std::size_t first,
                  std::size_t end, bool closed);

    std::vector<std::uint8_t> bytes_;
    std::vector<Shape> shapes_;
    std::vector<Path> paths_;
    std::vector<tessera_ui_vec2_t> points_;
    std::vector<std::uint8_t> hidden_;
    std::vector<std::pair<std::uint16_t, std::uint16_t>> edges_;
    std::vector<std::string> labels_;
    std::unordered_map<std::string, std::uint32_t> label_index_;
    std::unordered_map<std::uint64_t, std::uint32_t> by_id_;
    SpatialGrid grid_;
    std::uint64_t item_ = 0;
    std::size_t skipped_ = 0;
    mutable std::vector<std::uint32_t> scratch_;
};

/// True when (x, y) lies on `shape` (inside an area, or within `tolerance`
/// item pixels of a line or point).
[[nodiscard]] bool shape_contains(const ShapeSet& set, const Shape& shape, double x, double y,
                                  double tolerance);

/// The annotation geometries whose vertices the select tool can drag one by one.
[[nodiscard]] bool has_editable_vertices(ShapeKind kind) noexcept;

}  // namespace tessera::view_image
