// COCO's compressed RLE strings (pycocotools maskApi.c rleToString / rleFrString).
// See coco.hpp for what the COCO module implements and what it does not.
//
// Each run length is written as a little-endian sequence of 5-bit groups, 6 bits per
// character offset by 48 ('0'): bit 0x20 = more groups follow, and bit 0x10 of the
// last group is the sign. From the fourth run on (index > 2), the value stored is the
// difference to the run two places before, the previous run of the same colour.

#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "coco.hpp"

namespace tessera::formats::coco {

bool decode_rle_string(std::string_view text, std::vector<std::uint32_t>& counts,
                       std::string& error) {
    counts.clear();
    // 7 groups carry 35 bits: more than any 32-bit run or difference of two needs.
    constexpr int max_groups = 7;
    std::size_t p = 0;
    while (p < text.size()) {
        const std::size_t start = p;
        std::int64_t x = 0;
        int k = 0;
        bool more = true;
        while (more) {
            if (p >= text.size()) {
                error =
                    fmt::format("run {} at character {} is cut off", counts.size() + 1, start + 1);
                return false;
            }
            const int c = static_cast<unsigned char>(text[p]) - 48;
            if (c < 0 || c > 63) {
                error = fmt::format("character {} is not part of a compressed RLE string", p + 1);
                return false;
            }
            if (k == max_groups) {
                error =
                    fmt::format("run {} at character {} is too long", counts.size() + 1, start + 1);
                return false;
            }
            x |= static_cast<std::int64_t>(c & 0x1f) << (5 * k);
            more = (c & 0x20) != 0;
            ++p;
            ++k;
            if (!more && (c & 0x10) != 0) x |= -(std::int64_t{1} << (5 * k));  // sign-extend
        }
        if (counts.size() > 2) x += counts[counts.size() - 2];
        if (x < 0 || x > std::numeric_limits<std::uint32_t>::max()) {
            error = fmt::format("run {} at character {} decodes to {}, expected 0 to {}",
                                counts.size() + 1, start + 1, x,
                                std::numeric_limits<std::uint32_t>::max());
            return false;
        }
        counts.push_back(static_cast<std::uint32_t>(x));
    }
    return true;
}

std::string encode_rle_string(std::span<const std::uint32_t> counts) {
    std::string out;
    out.reserve(counts.size() * 2);
    for (std::size_t i = 0; i < counts.size(); ++i) {
        std::int64_t x = counts[i];
        if (i > 2) x -= counts[i - 2];
        bool more = true;
        while (more) {
            int c = static_cast<int>(x & 0x1f);
            x >>= 5;  // arithmetic shift: negative differences stay negative
            more = (c & 0x10) != 0 ? x != -1 : x != 0;
            if (more) c |= 0x20;
            out.push_back(static_cast<char>(c + 48));
        }
    }
    return out;
}

}  // namespace tessera::formats::coco
