#include "spatial_grid.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tessera::view_image {

namespace {

// A shape overlapping more cells than this goes to the short list of large
// shapes instead of into every cell.
constexpr std::uint64_t kLargeCells = 256;

// About this many shapes per cell on average; bounds the grid at 512 x 512.
constexpr double kShapesPerCell = 2.0;
constexpr std::uint32_t kMaxCellsPerAxis = 512;

}  // namespace

std::uint32_t SpatialGrid::cell(double v, double origin, double cell_size,
                                std::uint32_t count) const noexcept {
    const double index = std::floor((v - origin) / cell_size);
    if (!(index > 0)) return 0;  // also catches NaN
    if (index >= static_cast<double>(count - 1)) return count - 1;
    return static_cast<std::uint32_t>(index);
}

void SpatialGrid::build(const Rect& area, std::span<const Rect> bounds) {
    bounds_.assign(bounds.begin(), bounds.end());
    area_ = area;
    if (!(area_.width() > 0) || !(area_.height() > 0)) {
        // Unknown image size: cover the shapes themselves.
        area_ = Rect{0, 0, 1, 1};
        for (const Rect& b : bounds_) {
            area_.min_x = std::min(area_.min_x, b.min_x);
            area_.min_y = std::min(area_.min_y, b.min_y);
            area_.max_x = std::max(area_.max_x, b.max_x);
            area_.max_y = std::max(area_.max_y, b.max_y);
        }
    }

    // Square-ish cells, about kShapesPerCell shapes each when spread evenly.
    const double cells_wanted = std::max(1.0, static_cast<double>(bounds_.size()) / kShapesPerCell);
    const double side = std::sqrt(area_.width() * area_.height() / cells_wanted);
    const auto axis = [&](double length) {
        const double n = std::ceil(length / side);
        return static_cast<std::uint32_t>(
            std::clamp(n, 1.0, static_cast<double>(kMaxCellsPerAxis)));
    };
    columns_ = axis(area_.width());
    rows_ = axis(area_.height());
    cell_width_ = area_.width() / columns_;
    cell_height_ = area_.height() / rows_;

    // Two passes (count, then fill) into one flat array: no per-cell vectors.
    const std::size_t cells = cell_count();
    cell_start_.assign(cells + 1, 0);
    large_.clear();
    std::vector<std::uint8_t> is_large(bounds_.size(), 0);
    const auto for_each_cell = [&](const Rect& b, auto&& visit) {
        const std::uint32_t x0 = cell(b.min_x, area_.min_x, cell_width_, columns_);
        const std::uint32_t x1 = cell(b.max_x, area_.min_x, cell_width_, columns_);
        const std::uint32_t y0 = cell(b.min_y, area_.min_y, cell_height_, rows_);
        const std::uint32_t y1 = cell(b.max_y, area_.min_y, cell_height_, rows_);
        for (std::uint32_t y = y0; y <= y1; ++y) {
            for (std::uint32_t x = x0; x <= x1; ++x) visit(std::size_t{y} * columns_ + x);
        }
    };
    for (std::uint32_t i = 0; i < bounds_.size(); ++i) {
        const Rect& b = bounds_[i];
        const std::uint64_t spanned =
            std::uint64_t{cell(b.max_x, area_.min_x, cell_width_, columns_) -
                          cell(b.min_x, area_.min_x, cell_width_, columns_) + 1} *
            (cell(b.max_y, area_.min_y, cell_height_, rows_) -
             cell(b.min_y, area_.min_y, cell_height_, rows_) + 1);
        if (spanned > kLargeCells) {
            is_large[i] = 1;
            large_.push_back(i);
            continue;
        }
        for_each_cell(b, [&](std::size_t c) { ++cell_start_[c + 1]; });
    }
    for (std::size_t c = 0; c < cells; ++c) cell_start_[c + 1] += cell_start_[c];
    entries_.assign(cell_start_[cells], 0);
    std::vector<std::uint32_t> fill(cell_start_.begin(), cell_start_.end() - 1);
    for (std::uint32_t i = 0; i < bounds_.size(); ++i) {
        if (is_large[i]) continue;
        for_each_cell(bounds_[i], [&](std::size_t c) { entries_[fill[c]++] = i; });
    }

    seen_.assign(bounds_.size(), 0);
    if (!bounds_.empty()) {
        extent_ = bounds_[0];
        for (const Rect& b : bounds_)
            extent_ = {std::min(extent_.min_x, b.min_x), std::min(extent_.min_y, b.min_y),
                       std::max(extent_.max_x, b.max_x), std::max(extent_.max_y, b.max_y)};
    }
    query_serial_ = 0;
}

void SpatialGrid::query(const Rect& query, std::vector<std::uint32_t>& out) const {
    out.clear();
    if (bounds_.empty() || !query.intersects(query)) return;  // empty or NaN query
    // Every shape in view (the whole image at fit): all of them, in order,
    // without visiting the cells.
    if (query.min_x <= extent_.min_x && query.min_y <= extent_.min_y &&
        query.max_x >= extent_.max_x && query.max_y >= extent_.max_y) {
        out.resize(bounds_.size());
        std::iota(out.begin(), out.end(), 0u);
        return;
    }
    if (++query_serial_ == 0) {  // wrapped: forget every mark
        std::fill(seen_.begin(), seen_.end(), 0);
        query_serial_ = 1;
    }
    const auto take = [&](std::uint32_t i) {
        if (seen_[i] == query_serial_) return;
        seen_[i] = query_serial_;
        if (bounds_[i].intersects(query)) out.push_back(i);
    };
    const std::uint32_t x0 = cell(query.min_x, area_.min_x, cell_width_, columns_);
    const std::uint32_t x1 = cell(query.max_x, area_.min_x, cell_width_, columns_);
    const std::uint32_t y0 = cell(query.min_y, area_.min_y, cell_height_, rows_);
    const std::uint32_t y1 = cell(query.max_y, area_.min_y, cell_height_, rows_);
    for (std::uint32_t y = y0; y <= y1; ++y) {
        for (std::uint32_t x = x0; x <= x1; ++x) {
            const std::size_t c = std::size_t{y} * columns_ + x;
            for (std::uint32_t e = cell_start_[c]; e < cell_start_[c + 1]; ++e) take(entries_[e]);
        }
    }
    for (std::uint32_t i : large_) take(i);
    // In shape order. When most shapes are in view, walking the marks is
    // cheaper than sorting what was found.
    if (out.size() > bounds_.size() / 8) {
        out.clear();
        for (std::uint32_t i = 0; i < bounds_.size(); ++i)
            if (seen_[i] == query_serial_ && bounds_[i].intersects(query)) out.push_back(i);
    } else {
        std::sort(out.begin(), out.end());
    }
}

}  // namespace tessera::view_image
