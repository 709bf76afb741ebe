#pragma once
// labelme JSON annotations (one .json file per image).
//
// Implemented
//  - Reading one .json file or a folder of them (recursively, in path order), with
//    simdjson's on-demand parser. imagePath is the item name ('\' turned into '/') and
//    is resolved relative to the JSON's folder to locate the image; imageData is
//    not needed and is skipped; imageWidth / imageHeight give the media size.
//  - Shapes: rectangle → Box (corners in any order; 4-corner rectangles of
//    labelme-compatible tools are taken by their extent), polygon → Polygon,
//    linestrip → Polyline, line → Polyline of 2 points with annotation metadata
//    "labelme:shape_type" = "line" (so it is written back as a line), point → Point,
//    circle (centre, then a point on the circle) → Circle. A missing or null
//    shape_type means polygon, as in labelme.
//  - labelme 5.x shape types: mask and ai_mask (points = the mask's box, "mask" =
//    a base64 PNG of the mask inside it) → Box with metadata "labelme:shape_type"
//    and the bitmap kept as metadata "labelme:mask", written back as the same
//    shape; other formats get the box, and the import notes it as a loss (no PNG
//    decoder is linked). ai_polygon → Polygon, written back as ai_polygon.
//  - group_id → annotation group, kept as the file's number. labelme's group_id 0
//    is a group like any other but 0 means "no group" in Tessera, so shapes with
//    group_id 0 share the group one above the file's highest group_id and carry
//    metadata "labelme:group_id" = "0", which writes them back as 0. null → no group.
//  - flags → Bool attributes, description → annotation text. Other shape fields →
//    annotation metadata "labelme:<field>" and other top-level fields → item
//    metadata "labelme:<field>", as raw JSON; the image flags (classification
//    labels) → item metadata "labelme:flags" (raw JSON). All are written back.
//  - Writing one .json per item under the output folder, at the item's dataset
//    name with .json for its extension (folders kept); imagePath is the image's
//    file name (beside the JSON), where `--copy-media` puts the image, so that
//    labelme's LabelFile opens the export as it is. imageData is null, version
//    "5.2.1". Box, Polygon (outer ring), Polyline, Point and Circle map back; a
//    MultiPolygon becomes one polygon per part sharing its group, or a fresh group
//    number above every group of the item when it has none, so that labelme2coco
//    merges them back into one instance.
//  - Losses noted on export: polygon holes, RotatedBoxes (written as polygons),
//    other 2D shapes (masks, keypoints: written as their rectangle), 3D, time and
//    text-only annotations (dropped), attributes other than Bool (dropped).
// Missing
//  - Decoding mask bitmaps into Mask geometry and writing Tessera masks as labelme
//    masks (needs a PNG codec); embedded imageData (not written), polygon holes.
//  - Raw JSON kept in metadata is not re-validated on read beyond what the
//    on-demand parser checks; on write, a value that is not valid JSON is written
//    as a JSON string.

#include <filesystem>
#include <string_view>

#include "formats/format.hpp"

namespace tessera::formats::labelme {

/// The labelme version written into exported files.
inline constexpr std::string_view kVersion = "5.2.1";

/// What reading several documents accumulates (shared by the formats).
using formats::DatasetBuilder;

/// Parses the labelme document held in `text` and adds its item to `builder`;
/// `file` names it in errors and anchors imagePath. Throws Error on bad input.
void read_document(const std::filesystem::path& file, std::string_view text,
                   DatasetBuilder& builder, const ReadOptions& options = {});

/// Reads one .json file or every .json file under a folder.
[[nodiscard]] Dataset read(const std::filesystem::path& input, const ReadOptions& options);

/// Writes one .json file per item under folder `out`.
void write(const ItemSource& source, const std::filesystem::path& out, const WriteOptions& options);

}  // namespace tessera::formats::labelme
