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
//  - group_id → annotation group (null → 0), flags → Bool attributes, description →
//    annotation text. Other shape fields → annotation metadata "labelme:<field>" and
//    other top-level fields → item metadata "labelme:<field>", as raw JSON; the image
//    flags → item metadata "labelme:flags" (raw JSON). All are written back.
//  - Writing one .json per item under the output folder, at the item's URI with
//    .json for its extension (folders kept). imagePath is the URI relative to that
//    JSON file, taking the output folder as the project folder: export into the
//    project folder (or mirror its media layout) and labelme finds the images.
//    imageData is null, version "5.2.1". Box, Polygon (outer ring), Polyline, Point
//    and Circle map back; a MultiPolygon becomes one polygon per part, a RotatedBox
//    the polygon of its corners, other 2D shapes their bounding rectangle.
// Missing
//  - group_id 0 cannot be told from "no group": it is read as 0 and written as null.
//  - mask and ai_* shape types (an error names them), embedded imageData (not
//    written), polygon holes, attributes other than Bool ones.
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
                   DatasetBuilder& builder);

/// Reads one .json file or every .json file under a folder.
[[nodiscard]] Dataset read(const std::filesystem::path& input, const ReadOptions& options);

/// Writes one .json file per item under folder `out`.
void write(const ItemSource& source, const std::filesystem::path& out, const WriteOptions& options);

}  // namespace tessera::formats::labelme
