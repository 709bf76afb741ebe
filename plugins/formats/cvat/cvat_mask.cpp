// CVAT masks and the data API's: CVAT keeps row-major runs over the mask's own box,
// the data API column-major runs over the whole image (COCO's layout). Both start
// with a background run. See cvat.hpp.

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "cvat/cvat.hpp"

namespace tessera::formats::cvat {
namespace {

/// Builds alternating background / foreground runs, background first.
class RunBuilder {
public:
    explicit RunBuilder(std::vector<std::uint32_t>& counts) : counts_(counts) { counts_.clear(); }
    void add(bool foreground, std::uint64_t n) {
        if (n == 0) return;
        if (foreground != foreground_) {
            counts_.push_back(static_cast<std::uint32_t>(current_));
            current_ = 0;
            foreground_ = foreground;
        }
        current_ += n;
    }
    void finish() {
        if (current_ > 0 || counts_.empty())
            counts_.push_back(static_cast<std::uint32_t>(current_));
    }

private:
    std::vector<std::uint32_t>& counts_;
    bool foreground_ = false;
    std::uint64_t current_ = 0;
};

/// The largest mask area laid out in memory (16384 x 16384).
constexpr std::uint64_t kMaxPixels = std::uint64_t{1} << 28;

}  // namespace

std::string to_image_mask(const BoxMask& box, std::uint32_t image_width, std::uint32_t image_height,
                          v1::MaskT& mask, bool& clipped) {
    const std::uint64_t box_area = std::uint64_t{box.width} * box.height;
    std::uint64_t sum = 0;
    for (const std::uint32_t run : box.runs) sum += run;
    if (sum != box_area)
        return fmt::format(
            "the runs of rle add up to {} pixels, expected width {} x height {} = {}", sum,
            box.width, box.height, box_area);
    if (std::uint64_t{image_width} * image_height > std::numeric_limits<std::uint32_t>::max())
        return fmt::format("the image ({} x {}) is too large for a mask", image_width,
                           image_height);

    // Only the part of the box inside the image is ever laid out in memory.
    const std::uint64_t inside_right =
        std::min<std::uint64_t>(std::uint64_t{box.left} + box.width, image_width);
    const std::uint64_t inside_bottom =
        std::min<std::uint64_t>(std::uint64_t{box.top} + box.height, image_height);
    const std::uint64_t cols = inside_right > box.left ? inside_right - box.left : 0;
    const std::uint64_t rows = inside_bottom > box.top ? inside_bottom - box.top : 0;
    if (cols * rows > kMaxPixels)
        return fmt::format(
            "the mask covers {} x {} pixels of the image, more than Tessera reads "
            "({})",
            cols, rows, kMaxPixels);
    std::vector<std::uint8_t> pixels(cols * rows, 0);  // row-major over that part
    clipped = false;
    std::uint64_t at = 0;
    for (std::size_t i = 0; i < box.runs.size(); at += box.runs[i], ++i) {
        if (i % 2 == 0 || box.runs[i] == 0) continue;
        // The run row by row; rows below the image hold nothing that is kept.
        for (std::uint64_t p = at, end = at + box.runs[i]; p < end;) {
            const std::uint64_t row = p / box.width, x = p % box.width;
            const std::uint64_t stop = std::min<std::uint64_t>(end - p, box.width - x) + x;
            if (row >= rows) {
                clipped = true;
                break;
            }
            if (stop > cols) clipped = true;
            for (std::uint64_t c = x; c < std::min(stop, cols); ++c) pixels[row * cols + c] = 1;
            p += stop - x;
        }
    }

    mask.width = image_width;
    mask.height = image_height;
    RunBuilder runs(mask.counts);
    for (std::uint64_t x = 0; x < image_width; ++x) {
        if (x < box.left || x - box.left >= cols) {
            runs.add(false, image_height);
            continue;
        }
        const std::uint64_t bx = x - box.left;
        const std::uint64_t above = std::min<std::uint64_t>(box.top, image_height);
        runs.add(false, above);
        for (std::uint64_t y = 0; y < rows; ++y) runs.add(pixels[y * cols + bx] != 0, 1);
        runs.add(false, image_height - above - rows);
    }
    runs.finish();
    return {};
}

std::optional<BoxMask> to_box_mask(const v1::Mask& mask) {
    const std::uint64_t width = mask.width(), height = mask.height();
    if (mask.counts() == nullptr || width == 0 || height == 0) return std::nullopt;
    const auto& counts = *mask.counts();
    std::uint64_t sum = 0;
    for (const std::uint32_t run : counts) sum += run;
    if (sum != width * height) return std::nullopt;

    // The foreground's bounds, from the runs alone.
    std::uint64_t left = width, right = 0, top = height, bottom = 0, at = 0;
    for (std::uint32_t i = 0; i < counts.size(); ++i) {
        const std::uint64_t n = counts[i];
        if (i % 2 == 1 && n > 0) {
            const std::uint64_t first = at, last = at + n - 1;
            left = std::min(left, first / height);
            right = std::max(right, last / height);
            if (first / height != last / height) {
                // Down to the bottom of one column and on from the top of the next.
                top = 0;
                bottom = height - 1;
            } else {
                top = std::min(top, first % height);
                bottom = std::max(bottom, last % height);
            }
        }
        at += n;
    }
    if (left > right) return std::nullopt;  // no foreground

    BoxMask box;
    box.left = static_cast<std::uint32_t>(left);
    box.top = static_cast<std::uint32_t>(top);
    box.width = static_cast<std::uint32_t>(right - left + 1);
    box.height = static_cast<std::uint32_t>(bottom - top + 1);
    std::vector<std::uint8_t> pixels(std::uint64_t{box.width} * box.height, 0);
    at = 0;
    for (std::uint32_t i = 0; i < counts.size(); ++i) {
        if (i % 2 == 1)
            for (std::uint64_t p = at; p < at + counts[i]; ++p)
                pixels[(p % height - top) * box.width + (p / height - left)] = 1;
        at += counts[i];
    }
    RunBuilder runs(box.runs);
    for (const std::uint8_t pixel : pixels) runs.add(pixel != 0, 1);
    runs.finish();
    return box;
}

}  // namespace tessera::formats::cvat
