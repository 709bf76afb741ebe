#pragma once
// Pascal VOC XML annotations (one .xml file per image).
//
// Implemented
//  - Reading one .xml file or a folder of them (recursively, in path order), with
//    pugixml. annotation/filename (else the file name of <path>) is the item name;
//    folder, path, size/depth and segmented are kept as item metadata "voc:folder",
//    "voc:path", "voc:depth", "voc:segmented"; size/width and size/height give the
//    media size. The image is looked for at (xml folder)/filename, then
//    (xml folder)/../JPEGImages/filename, then <path>.
//  - Objects: name → label, bndbox → Box, pose → String attribute "pose",
//    truncated / difficult / occluded → Bool attributes (0/1 or true/false). Only the
//    elements present become attributes, so a file round-trips exactly.
//  - Parts (person layout: <part> with name and bndbox inside an object) → Box
//    annotations whose parent is the object's annotation.
//  - VOC pixel coordinates are 1-based and inclusive; Tessera's are continuous from
//    0 (DESIGN.md §3): left = xmin - 1, top = ymin - 1, right = xmax, bottom = ymax,
//    and back on export. Integer or decimal coordinates are accepted.
//  - Errors give the line and column pugixml reports for the element or text at fault.
//  - Writing one .xml per item under the output folder, at the item's URI with .xml
//    for its extension (folders kept). Boxes are written as they are; other 2D shapes
//    as their bounding box; annotations whose parent is written as an object become
//    its parts. Attributes pose, truncated, difficult, occluded are written when set.
// Missing
//  - Attributes other than those four (VOC has no place for them; CVAT's
//    <attributes> extension is not read or written), text values, groups.
//  - <segmented> masks (SegmentationObject PNGs), <actions>, <point> of the
//    action set, and the <source>/<owner> blocks (not kept).
//  - Objects without pose, truncated or difficult are written without those
//    elements; loaders that require <difficult> must default it.
//  - Characters XML 1.0 cannot hold (control characters) are written as U+FFFD.

#include <filesystem>
#include <string_view>

#include "formats/format.hpp"

namespace tessera::formats::voc {

/// What reading several documents accumulates (shared by the formats).
using formats::DatasetBuilder;

/// Parses the VOC document held in `text` and adds its item to `builder`; `file`
/// names it in errors and locates the image. Throws Error on bad input.
void read_document(const std::filesystem::path& file, std::string_view text,
                   DatasetBuilder& builder);

/// Reads one .xml file or every .xml file under a folder.
[[nodiscard]] Dataset read(const std::filesystem::path& input, const ReadOptions& options);

/// Writes one .xml file per item under folder `out`.
void write(const ItemSource& source, const std::filesystem::path& out, const WriteOptions& options);

}  // namespace tessera::formats::voc
