// Kept bbox and area, subsets from file names: see coco_fidelity.hpp.

#include "coco_fidelity.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/json_text.hpp"

namespace tessera::formats::coco::detail {

std::string subset_of_file(const std::filesystem::path& path) {
    const std::string stem = path.stem().string();
    for (const std::string_view task : {"instances_", "person_keypoints_"})
        if (stem.size() > task.size() && stem.starts_with(task)) return stem.substr(task.size());
    return {};
}

Bbox rle_bbox(std::span<const std::uint32_t> counts, std::uint32_t height) {
    // As pycocotools' rleToBbox (maskApi.c): runs alternate background and
    // foreground, column-major; a trailing background run is ignored.
    const std::size_t m = counts.size() / 2 * 2;
    if (m == 0 || height == 0) return {0, 0, 0, 0};
    const std::uint64_t h = height;
    std::uint64_t xs = UINT64_MAX, ys = UINT64_MAX, xe = 0, ye = 0, xp = 0, cc = 0;
    bool any = false;
    for (std::size_t j = 0; j < m; ++j) {
        cc += counts[j];
        if (cc == 0 && j % 2 == 1) continue;  // an empty first foreground run at pixel 0
        const std::uint64_t t = cc - j % 2;
        const std::uint64_t y = t % h, x = t / h;
        if (j % 2 == 0) {
            xp = x;
        } else if (xp < x) {
            ys = 0;
            ye = h - 1;
        }
        xs = std::min(xs, x);
        xe = std::max(xe, x);
        ys = std::min(ys, y);
        ye = std::max(ye, y);
        any = true;
    }
    if (!any) return {0, 0, 0, 0};
    return {static_cast<double>(xs), static_cast<double>(ys), static_cast<double>(xe - xs + 1),
            static_cast<double>(ye - ys + 1)};
}

namespace {

bool same(double a, double b) {
    return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)});
}

bool within_pixel(double a, double b) {
    return std::abs(a - b) <= 1 + 1e-9 * std::abs(b);
}

}  // namespace

bool same_bbox(const Bbox& a, const Bbox& b) {
    return same(a[0], b[0]) && same(a[1], b[1]) && same(a[2], b[2]) && same(a[3], b[3]);
}

bool bbox_fits(const Bbox& kept, const Bbox& computed) {
    return within_pixel(kept[0], computed[0]) && within_pixel(kept[1], computed[1]) &&
           within_pixel(kept[0] + kept[2], computed[0] + computed[2]) &&
           within_pixel(kept[1] + kept[3], computed[1] + computed[3]);
}

bool area_fits(double kept, double computed, const Bbox& bbox) {
    return std::isfinite(kept) && std::abs(kept - computed) <= bbox[2] + bbox[3] + 1;
}

std::string bbox_text(const Bbox& bbox) {
    std::string out = "[";
    for (std::size_t i = 0; i < 4; ++i) {
        if (i > 0) out += ',';
        append_json_number(out, bbox[i]);
    }
    out += ']';
    return out;
}

std::optional<double> parse_number(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || !std::isfinite(value)) return std::nullopt;
    for (const char* p = end; p != text.data() + text.size(); ++p)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') return std::nullopt;
    return value;
}

std::optional<Bbox> parse_bbox(std::string_view text) {
    const std::size_t open = text.find('['), close = text.rfind(']');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
        return std::nullopt;
    text = text.substr(open + 1, close - open - 1);
    Bbox bbox{};
    for (std::size_t i = 0; i < 4; ++i) {
        const std::size_t comma = i < 3 ? text.find(',') : text.size();
        if (comma == std::string_view::npos) return std::nullopt;
        const std::optional<double> number = parse_number(text.substr(0, comma));
        if (!number) return std::nullopt;
        bbox[i] = *number;
        text = i < 3 ? text.substr(comma + 1) : std::string_view{};
    }
    return bbox;
}

}  // namespace tessera::formats::coco::detail
