#pragma once
// YOLO detection and segmentation labels (Ultralytics / Roboflow / darknet text files).
//
// Conventions. `--yolo-task` picks what an export writes: `detect` (the default)
// writes every 2D shape as a box line `class cx cy w h`, `segment` writes every
// shape as a polygon line `class x1 y1 x2 y2 ...`. Detect is the default because
// it is what most YOLO datasets are (Ultralytics' and Roboflow's default task,
// darknet and CVAT's YOLO 1.1 know nothing else), and every YOLO tool reads it.
// One kind per file always: Ultralytics reads every line of a file as a polygon
// once one line has more than 6 columns, so a box line beside polygons would be
// misread. `--yolo-layout` picks ultralytics (default: images/<subset>/,
// labels/<subset>/, data.yaml) or darknet (obj.names, obj.data, <subset>.txt,
// obj_<subset>_data/, as CVAT's "YOLO 1.1" writes it).
//
// Implemented
//  - Reading a dataset folder. Class names come from data.yaml (or data.yml): its
//    `names:` entry as a flow list `[a, b]`, a block list of `- a` lines or a map of
//    `0: a` lines, with plain, 'single' or "double" quoted names; `nc:`, when given,
//    must match. Else from darknet's obj.names (or the file obj.data's `names =`
//    gives; obj.data's `classes =` must match). Else from classes.txt.
//  - Label files are the *.txt files inside any `labels/` folder, each paired with
//    the image of the same stem in the mirrored `images/` folder (`labels/train/a.txt`
//    ↔ `images/train/a.jpg`, also Roboflow's `train/labels` ↔ `train/images`); the
//    items are then the images inside `images/` folders. Without any `labels/` folder
//    (and in the darknet layout), every *.txt but the names and image lists is a
//    label file beside its image, and every image is an item. A label file without
//    an image is an error; an image without a label file is an item without annotations.
//  - Subsets: the split folder of `images/<split>/` (Ultralytics) or
//    `<split>/images/` (Roboflow) becomes ImportedItem::subset when it is named as
//    a split (train, val, valid, validation, test, … and train2017-like names); the
//    item's name is then its path below that folder ("images/val/a.png" → subset
//    val, name a.png). darknet: the subset of the image list naming the image
//    (obj.data's train/valid/test, else train.txt, valid.txt, …), else of its
//    obj_<subset>_data/ folder; list entries are found as written or without their
//    leading folders (CVAT writes data/obj_train_data/a.jpg).
//  - One object per line: `class cx cy w h` → Box, `class x1 y1 x2 y2 x3 y3 ...`
//    (3 or more points) → Polygon, all normalized to the image size. A file with a
//    line of more than 6 columns is read as Ultralytics reads it: every line is
//    points, so a 5-column line is the Box spanned by two corners (noted as a
//    conversion). `class cx cy w h conf` (prediction output) → Box with
//    provenance.confidence. Values may lie outside [0, 1] by at most
//    kNormalizedTolerance (float rounding of other tools); they are kept as
//    written, not clamped. Anything further out is an error.
//  - Image size from the image header (media::read_image_header), never by decoding.
//  - Writing: the output folder is a dataset root. Each image item gets
//    labels/<subset>/<path>.txt beside images/<subset>/<path>, where <path> is its
//    dataset name (dataset_name) below its last images/ folder and its subset
//    folder; with `--copy-media` the image is copied there. data.yaml lists the
//    subset folders under train:/val:/test: (all of images/ for both train and val
//    when there are no subsets), then nc and names; classes.txt the same names:
//    the schema's classes in order, then labels it lacks in first-seen order.
//  - Everything YOLO cannot hold is noted as a loss (options.lost): detect: every
//    non-box shape written as its box; segment: Box, RotatedBox as 4 corners,
//    Circle as a 32-gon, MultiPolygon as one line per part, Mask as its box's
//    corners; points, polylines, keypoints, 3D/time/text shapes, polygon holes,
//    attributes, text, groups, parents, confidences; items that are not images
//    (no label file is written for them).
//  - Everything is formatted in memory first: an export that fails writes nothing.
// Missing
//  - Mask tracing (a segment export writes a mask's box); pose (keypoint) labels
//    are refused by name (data.yaml `kpt_shape`, or lines shaped like them), as are
//    DOTA lines. Ultralytics OBB lines (class and 4 corners) read as 4-point polygons.
//  - data.yaml's `path`, `train`, `val` and `test` are not followed: the folder given
//    is the dataset. YAML anchors, tags, block scalars and multi-line quoted names.
//  - A darknet image list naming images that are not in the folder: noted, skipped.
//  - Exporting an item with annotations whose image size is unknown (0) is an error
//    naming it: YOLO coordinates are fractions of that size, and leaving its
//    objects out would teach a model they are background.

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

/// What Tessera reads from a data.yaml.
struct DataYaml {
    /// Class names in index order.
    std::vector<std::string> names;
    /// Every top-level key, in file order ("kpt_shape" marks a pose dataset).
    std::vector<std::string> keys;
};

/// The class names and keys of the data.yaml in `text`; `file` names it in errors.
[[nodiscard]] DataYaml read_data_yaml(const std::filesystem::path& file, std::string_view text);

/// Class names in index order from the text of a data.yaml; `file` names it in errors.
[[nodiscard]] std::vector<std::string> parse_data_yaml(const std::filesystem::path& file,
                                                       std::string_view text);

/// Class names in index order from the text of a classes.txt, one per line.
[[nodiscard]] std::vector<std::string> parse_classes_txt(const std::filesystem::path& file,
                                                         std::string_view text);

/// The annotations of one label file held in `text`, for an image of `width` ×
/// `height` pixels. Ids are taken from `next_id` on, which is advanced;
/// conversions are noted through `options`.
[[nodiscard]] std::vector<std::unique_ptr<v1::AnnotationT>> parse_labels(
    const std::filesystem::path& file, std::string_view text, std::span<const std::string> classes,
    std::uint32_t width, std::uint32_t height, std::uint64_t& next_id,
    const ReadOptions& options = {});

/// Reads the YOLO dataset in folder `root`.
[[nodiscard]] Dataset read(const std::filesystem::path& root, const ReadOptions& options);

/// Writes labels/, classes.txt and data.yaml (or the darknet layout) under folder `out`.
void write(const ItemSource& source, const std::filesystem::path& out, const WriteOptions& options);

}  // namespace tessera::formats::yolo
