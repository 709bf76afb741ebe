#pragma once
// A uniform grid over item coordinates: which shapes may lie in a rectangle.
// The image view rebuilds it whenever the annotations change and asks it for
// the shapes to draw (the visible rectangle) and to hit-test (a few pixels
// around the pointer), so neither walks every annotation of a dense item.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tessera::view_image {

/// A point in item coordinates (image pixels).
struct Vec2 {
    double x = 0;
    double y = 0;
};

/// An axis-aligned rectangle in item coordinates (image pixels, docs/architecture.md §3),
/// edges included.
struct Rect {
    double min_x = 0;
    double min_y = 0;
    double max_x = 0;
    double max_y = 0;

    /// True when the rectangles share at least one point.
    [[nodiscard]] bool intersects(const Rect& other) const noexcept {
        return min_x <= other.max_x && other.min_x <= max_x && min_y <= other.max_y &&
               other.min_y <= max_y;
    }
    /// True when (x, y) lies inside or on an edge.
    [[nodiscard]] bool contains(double x, double y) const noexcept {
        return x >= min_x && x <= max_x && y >= min_y && y <= max_y;
    }
    /// The rectangle grown by `margin` on every side.
    [[nodiscard]] Rect expanded(double margin) const noexcept {
        return {min_x - margin, min_y - margin, max_x + margin, max_y + margin};
    }
    [[nodiscard]] double width() const noexcept { return max_x - min_x; }
    [[nodiscard]] double height() const noexcept { return max_y - min_y; }
};

/// Shapes indexed by the grid cells their bounds overlap. A shape spanning
/// many cells (a box around the whole image) is kept in a short list that
/// every query returns instead, so it costs one entry, not thousands.
/// Not thread-safe: queries reuse scratch memory.
class SpatialGrid {
public:
    /// Rebuilds the grid over `area` (usually the image) for `bounds`, one
    /// rectangle per shape; a shape's index is its position in `bounds`.
    /// Shapes outside `area` land in the border cells, so they are still found.
    void build(const Rect& area, std::span<const Rect> bounds);

    /// Replaces `out` with the index of every shape whose bounds intersect
    /// `query`, each once, in ascending order (the drawing order).
    void query(const Rect& query, std::vector<std::uint32_t>& out) const;

    /// Number of shapes indexed.
    [[nodiscard]] std::size_t size() const noexcept { return bounds_.size(); }
    /// Number of cells (columns x rows).
    [[nodiscard]] std::size_t cell_count() const noexcept {
        return static_cast<std::size_t>(columns_) * static_cast<std::size_t>(rows_);
    }

private:
    // Column or row of coordinate `v` on an axis starting at `origin`, clamped to the grid.
    [[nodiscard]] std::uint32_t cell(double v, double origin, double cell_size,
                                     std::uint32_t count) const noexcept;

    Rect area_;
    std::uint32_t columns_ = 0;
    std::uint32_t rows_ = 0;
    double cell_width_ = 1;
    double cell_height_ = 1;
    std::vector<Rect> bounds_;
    Rect extent_;                              // the union of bounds_
    std::vector<std::uint32_t> cell_start_;    // columns_ * rows_ + 1 offsets into entries_
    std::vector<std::uint32_t> entries_;       // shape indices, grouped by cell
    std::vector<std::uint32_t> large_;         // shapes overlapping more than kLargeCells cells
    mutable std::vector<std::uint32_t> seen_;  // per shape: the last query that returned it
    mutable std::uint32_t query_serial_ = 0;
};

}  // namespace tessera::view_image
