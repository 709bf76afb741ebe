#pragma once
// Pascal VOC XML annotations (one .xml file per image).
//
// Pixel origin (`--voc-origin`, default 0). The VOC devkit numbers pixels from 1
// and its boxes include xmax; Datumaro, CVAT, labelme's labelme2voc, Roboflow and
// mmdetection write and read the numbers unshifted, and they write most of the VOC
// files clients hand over today (Roboflow's start at xmin 0). So by default a
// bndbox is taken as Tessera's pixel edges as written (left = xmin, right = xmax,
// origin "0"); `--voc-origin 1` takes the devkit's 1-based inclusive pixels
// (left = xmin - 1, right = xmax) for files from the devkit era (VOC2007/2012's own
// annotations, py-faster-rcnn, detectron2's loader). Export writes the same
// convention it is given.
//
// Implemented
//  - Reading one .xml file or a folder of them (recursively, in path order), with
//    pugixml. annotation/filename (else the file name of <path>) is the item name;
//    folder, path, size/depth, segmented and the texts inside <source> and <owner>
//    are kept as item metadata "voc:folder", "voc:path", "voc:depth",
//    "voc:segmented", "voc:source.<element>", "voc:owner.<element>"; size/width and
//    size/height give the media size. The image is looked for at
//    (xml folder)/filename, then (xml folder)/../JPEGImages/filename, then <path>.
//  - Objects: name → label, bndbox → Box. Every object gets the devkit's fields as
//    attributes: pose (String; absent or empty = "Unspecified"), truncated and
//    difficult (Bool; 0/1 or true/false; absent or empty, as labelme2voc's
//    <truncated/>, = false); occluded (Bool) only when it has a value. CVAT's and
//    Datumaro's <attributes><attribute><name/><value/></attribute> block → typed
//    attributes (true/false → Bool, whole numbers → Int, other numbers → Float,
//    else String).
//  - Parts (person layout: <part> with name and bndbox inside an object) → Box
//    annotations whose parent is the object's annotation.
//  - A box that reaches before pixel 0 (a negative coordinate, or xmin 0 with
//    --voc-origin 1) is clamped to 0 and noted as a loss (an error with --strict).
//  - Errors give the line and column pugixml reports for the element or text at fault.
//  - Writing one .xml per item under the output folder, at the item's dataset name
//    with .xml for its extension (folders kept); <filename> and <folder> come from
//    the dataset name unless voc:folder is kept. `--copy-media` puts the image
//    beside its .xml, the first place the reader looks. Every object gets <pose>,
//    <truncated> and <difficult> (as the devkit's parse_rec requires), <occluded>
//    when set, other attributes in CVAT's <attributes> block. Boxes are written as
//    they are; other 2D shapes as their bounding box (noted as a loss); a zero-size
//    shape (a point) as a one-pixel box at its pixel. Annotations whose parent is
//    written as an object become its parts. <size> is the item's size, else the
//    image header's; when neither is known <size> is left out and that is noted.
// Missing
//  - <segmented> masks (SegmentationObject PNGs), <actions> and <point> of the
//    action set, annotation text and groups: noted as losses on export.
//  - MultiEnum attributes (noted as losses); a String attribute whose value looks
//    like a number or true/false reads back as that type.
//  - Characters XML 1.0 cannot hold (control characters) are written as U+FFFD.

#include <filesystem>
#include <string_view>

#include "formats/format.hpp"

namespace tessera::formats::voc {

/// What reading several documents accumulates (shared by the formats).
using formats::DatasetBuilder;

/// How a file numbers its pixels (the `voc-origin` setting).
enum class Origin {
    Edges,   ///< "0": coordinates are pixel edges as written (Datumaro, CVAT, Roboflow)
    Devkit,  ///< "1": 1-based inclusive pixels of the VOC devkit
};

/// The `voc-origin` setting's values; the first is the default.
inline constexpr std::string_view kOriginValues[] = {"0", "1"};

/// The origin `settings` ask for (`voc-origin`, default "0").
[[nodiscard]] inline Origin origin(const FormatSettings& settings) {
    return setting(settings, "voc-origin", kOriginValues[0]) == "1" ? Origin::Devkit
                                                                    : Origin::Edges;
}

/// The pose the devkit writes when none is known.
inline constexpr std::string_view kUnspecifiedPose = "Unspecified";

/// Parses the VOC document held in `text` and adds its item to `builder`; `file`
/// names it in errors and locates the image. Throws Error on bad input.
void read_document(const std::filesystem::path& file, std::string_view text,
                   DatasetBuilder& builder, const ReadOptions& options = {});

/// Reads one .xml file or every .xml file under a folder.
[[nodiscard]] Dataset read(const std::filesystem::path& input, const ReadOptions& options);

/// Writes one .xml file per item under folder `out`.
void write(const ItemSource& source, const std::filesystem::path& out, const WriteOptions& options);

}  // namespace tessera::formats::voc
