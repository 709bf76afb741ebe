#pragma once
// The formats built into Tessera: coco, yolo, voc, labelme, cvat.

#include "formats/registry.hpp"

namespace tessera::formats {

/// Registers every built-in format with `registry`.
void register_builtin_formats(Registry& registry);

// One descriptor per built-in format, each defined in its own folder.
[[nodiscard]] const Format& coco_format();
[[nodiscard]] const Format& yolo_format();
[[nodiscard]] const Format& voc_format();
[[nodiscard]] const Format& labelme_format();
[[nodiscard]] const Format& cvat_format();

}  // namespace tessera::formats
