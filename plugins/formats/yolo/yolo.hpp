#pragma once
// YOLO detection and segmentation labels (Ultralytics / darknet text files).
//
// Implemented
//  - Reading a dataset folder. Class names come from data.yaml (or data.yml): its
//    `names:` entry as a flow list `[a, b]`, a block list of `- a` lines or a map of
//    `0: a` lines, with plain, 'single' or "double" quoted names; `nc:`, when given,
//    must match. Without data.yaml, from classes.txt (one name per line).
//  - Label files are the *.txt files inside any `labels/` folder, each paired with
//    the image of the same stem in the mirrored `images/` folder (`labels/train/a.txt`
//    ↔ `images/train/a.jpg`, also Roboflow's `train/labels` ↔ `train/images`); the
//    items are then the images inside `images/` folders. Without any `labels/` folder,
//    every *.txt but classes.txt is a label file beside its image, and every image is
//    an item. A label file without an image is an error; an image without a label
//    file is an item without annotations.
//  - One object per line: `class cx cy w h` → Box, `class x1 y1 x2 y2 x3 y3 ...`
//    (3 or more points) → Polygon, all normalized to the image size. Values may lie
//    outside [0, 1] by at most kNormalizedTolerance (float rounding of other tools);
//    they are kept as written, not clamped. Anything further out is an error.
//  - Image size from the image header (media::read_image_header), never by decoding.
//  - Writing: the output folder is a dataset root. Each item gets labels/<path>.txt,
//    where <path> is what follows the last `images/` folder of its URI (else the
//    whole URI without leading ../), so it pairs with DIR/images/<path>; classes.txt and data.yaml (nc, names) with the
//    schema's classes in order, then labels the schema lacks in first-seen order.
//    Box → box line, Polygon → segmentation line (outer ring), any other 2D shape →
//    its bounding box. Shapes without a 2D extent (3D, time, text) are left out.
//  - Everything is formatted in memory first: an export that fails writes nothing.
// Missing
//  - Images are not copied on export: put them under DIR/images/ (mirroring labels/).
//  - Polygon holes, attributes, groups, parents and text values: YOLO has no place
//    for them. Keypoint (pose) and oriented-box (OBB) labels, a confidence column.
//  - data.yaml's `path`, `train`, `val` and `test` are not followed: the folder given
//    is the dataset. YAML anchors, tags, block scalars and multi-line quoted names.
//  - Exporting an item with annotations whose image size is unknown (0) is an error
//    naming it: YOLO coordinates are fractions of that size.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "formats/format.hpp"

namespace tessera::formats::yolo {

/// How far outside [0, 1] a normalized value may lie and still be accepted.
inline constexpr double kNormalizedTolerance = 1e-6;

/// Class names in index order from the text of a data.yaml; `file` names it in errors.
[[nodiscard]] std::vector<std::string> parse_data_yaml(const std::filesystem::path& file,
                                                       std::string_view text);

/// Class names in index order from the text of a classes.txt, one per line.
[[nodiscard]] std::vector<std::string> parse_classes_txt(const std::filesystem::path& file,
                                                         std::string_view text);

/// The annotations of one label file held in `text`, for an image of `width` ×
/// `height` pixels. Ids are taken from `next_id` on, which is advanced.
[[nodiscard]] std::vector<std::unique_ptr<v1::AnnotationT>> parse_labels(
    const std::filesystem::path& file, std::string_view text, std::span<const std::string> classes,
    std::uint32_t width, std::uint32_t height, std::uint64_t& next_id);

/// Reads the YOLO dataset in folder `root`.
[[nodiscard]] Dataset read(const std::filesystem::path& root, const ReadOptions& options);

/// Writes labels/, classes.txt and data.yaml under folder `out`.
void write(const ItemSource& source, const std::filesystem::path& out, const WriteOptions& options);

}  // namespace tessera::formats::yolo
