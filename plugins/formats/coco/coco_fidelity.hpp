#pragma once
// What the COCO reader keeps so that the writer gives a file back as it came:
// the subset a file name states, the bbox and area a file states where they
// differ from what the shape gives, and the COCO variants recognised by name.
// See coco.hpp for what the module implements and what it does not.

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tessera::formats::coco::detail {

/// The subset a COCO file name states: "train" for instances_train.json or
/// person_keypoints_train.json (Datumaro's and CVAT's names); empty otherwise.
[[nodiscard]] std::string subset_of_file(const std::filesystem::path& path);

/// An [x, y, width, height] box.
using Bbox = std::array<double, 4>;

/// The bbox pycocotools' toBbox gives the column-major RLE `counts` of an
/// image `height` rows high: whole pixels, a run wrapping into the next column
/// spanning every row; all zero for an empty mask.
[[nodiscard]] Bbox rle_bbox(std::span<const std::uint32_t> counts, std::uint32_t height);

/// True when `a` and `b` are the same box to the last bits of a double.
[[nodiscard]] bool same_bbox(const Bbox& a, const Bbox& b);

/// True when a bbox kept from the file still describes the shape whose bounds
/// are `computed`: each edge within one pixel (tools disagree by one pixel on
/// the extent of a mask: Datumaro writes [0,0,1,9] where toBbox gives [0,0,2,10]).
[[nodiscard]] bool bbox_fits(const Bbox& kept, const Bbox& computed);

/// True when an area kept from the file is one a rasterisation of the shape
/// whose computed area and bbox are given could have (COCO's polygon areas are
/// pixel counts): within width + height + 1 pixels of it.
[[nodiscard]] bool area_fits(double kept, double computed, const Bbox& bbox);

/// "[x,y,w,h]" as the writer writes numbers.
[[nodiscard]] std::string bbox_text(const Bbox& bbox);
/// The four numbers of `text` ("[0, 0, 1, 9]"); nothing when it is not such a list.
[[nodiscard]] std::optional<Bbox> parse_bbox(std::string_view text);
/// The number `text` holds; nothing when it is not one.
[[nodiscard]] std::optional<double> parse_number(std::string_view text);

}  // namespace tessera::formats::coco::detail
