#pragma once
// What a COCO export cannot carry, noted as losses (WriteOptions::lost) with one
// fixed description per kind. See coco.hpp for what the module writes.

#include <string>
#include <string_view>

#include "formats/format.hpp"

namespace tessera::formats::coco::detail {

/// The loss description of an annotation of geometry `kind`, which COCO cannot
/// express ("Polyline annotations (COCO has no polylines)"); empty when it can.
[[nodiscard]] std::string_view unwritable(v1::Geometry kind);

/// "item 3 (street/0001.png)".
[[nodiscard]] std::string item_place(const v1::Item& item, std::string_view name);

/// Notes what of written annotation `a` COCO has no field for: text, relations,
/// frames and tracks, a parent link (unless `parent_written`: keypoints merged into
/// their shape), metadata of other formats ("labelme:..."). `where` names it.
void note_annotation_losses(const WriteOptions& options, const v1::Annotation& a,
                            bool parent_written, std::string_view where);

/// Notes item metadata of other formats ("labelme:flags"), which COCO images lack.
void note_item_losses(const WriteOptions& options, const v1::Item& item, std::string_view where);

}  // namespace tessera::formats::coco::detail
