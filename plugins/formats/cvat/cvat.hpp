#pragma once
// CVAT for images 1.1 XML: one annotations.xml holding the labels and every image.
//
// Implemented
//  - Reading annotations.xml (a file, or a folder holding one) with pugixml.
//    <annotations> is the root; <version> other than 1.0 / 1.1 is refused.
//  - Meta: the labels of <meta><task>, <job> or <project> (the first that has them)
//    become schema classes: name -> key, #rrggbb color -> color, <type> -> class
//    metadata "cvat:type". Attributes -> AttributeSpecs by input_type: checkbox ->
//    Bool, number -> Int when min, max and step are whole numbers, else Float (min and
//    max kept; the step as class metadata "cvat:attribute:NAME:step"), select and
//    radio -> Enum with <values> (one per line) as the value keys, text -> String;
//    <default_value> -> default_value. radio and mutable=True, which the spec cannot
//    say, are kept as class metadata "cvat:attribute:NAME:input_type" / ":mutable".
//    Skeleton labels' sublabels (<parent>) become the points of a schema Skeleton
//    keyed by the skeleton label (class.skeleton = that key), not classes.
//    The meta's kind and <name> -> schema metadata "cvat:meta" and "cvat:name".
//  - Images -> items: name -> ImportedItem::name, subset -> subset, width / height ->
//    media size; other attributes except id (task_id, job_id, ...) -> item metadata
//    "cvat:<attribute>". The image is looked for at <xml dir>/images/<name>, then
//    <xml dir>/<name>.
//  - Shapes (annotation ids 1, 2, ... in file order): box -> Box (xtl ytl xbr ybr),
//    box with rotation != 0 -> RotatedBox (CVAT's degrees clockwise about the centre),
//    polygon -> Polygon, polyline -> Polyline, points -> Point (one) or Keypoints
//    without skeleton, all visible (several), mask -> Mask (CVAT's row-major RLE over
//    its left/top/width/height box, starting with background, becomes the data API's
//    column-major RLE over the image), ellipse -> Circle when rx == ry and it is not
//    rotated, else a 64-point Polygon (noted), tag -> annotation without geometry,
//    skeleton -> Keypoints of the label's skeleton (outside -> NotLabeled, occluded ->
//    Occluded). occluded -> Bool attribute "occluded"; group_id -> Annotation.group;
//    any other shape attribute (z_order, source, ...) -> annotation metadata
//    "cvat:<attribute>" as written. <attribute name="...">value</attribute> -> typed
//    attributes by the label's declared input_type; undeclared -> String.
//  - Refused by name: <track> (CVAT for video 1.1), a version other than 1.x.
//    Noted and skipped (options.lost): cuboids, unknown shape elements, mask pixels
//    outside the image. Errors are "file:line:col: what was expected", at the XML
//    attribute at fault when there is one.
//  - Writing one annotations.xml through an AtomicFile (writes_one_file): version 1.1,
//    <meta><task> (or the kind read) with name, size and labels with their attributes
//    (from the schema; labels and attributes used but not declared are added, text),
//    then <image id="0.." name="dataset_name(item)" width height [subset]> in item
//    order with the shapes above written back; Circle -> ellipse, MultiPolygon -> one
//    polygon per part sharing a group_id, Keypoints with a schema skeleton -> skeleton,
//    else points (unlabelled points dropped, noted). z_order defaults to 0, source to
//    "manual" ("auto" for model provenance). --copy-media writes images/<name> beside
//    the XML, where the reader looks.
// Missing (each noted as a loss on export)
//  - Polygon holes, parent links, annotation text, MultiEnum values, cuboids (3D and
//    CVAT's 2D pseudo-3D), time and text spans: CVAT for images has no place for them.
//  - Unbounded Int / Float attributes are written as text attributes (a CVAT number
//    needs min, max and step).
//  - Skeleton edges (<svg>) are neither read nor written; the class type of labels
//    Tessera made is "any". Tracks (CVAT for video) are refused, not converted.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "formats/format.hpp"

namespace tessera::formats::cvat {

/// Parses the CVAT for images document held in `text` into a Dataset; `file` names it
/// in errors and locates the images. Throws Error on bad input.
[[nodiscard]] Dataset read_document(const std::filesystem::path& file, std::string_view text,
                                    const ReadOptions& options);

/// Reads annotations.xml, or the annotations.xml inside folder `input`.
[[nodiscard]] Dataset read(const std::filesystem::path& input, const ReadOptions& options);

/// The whole annotations.xml for `source`.
[[nodiscard]] std::string write_text(const ItemSource& source, const WriteOptions& options);

/// Writes `source` to the file `out` (annotations.xml), replacing it whole.
void write(const ItemSource& source, const std::filesystem::path& out, const WriteOptions& options);

/// A CVAT mask: row-major runs (background first) over its box.
struct BoxMask {
    std::vector<std::uint32_t> runs;
    std::uint32_t left = 0, top = 0, width = 0, height = 0;
};

/// `box` over an image of `image_width` x `image_height` as the data API's Mask.
/// Sets `clipped` when foreground falls outside the image (it is dropped). Returns
/// an error message when the runs do not cover the box exactly, else "".
[[nodiscard]] std::string to_image_mask(const BoxMask& box, std::uint32_t image_width,
                                        std::uint32_t image_height, v1::MaskT& mask, bool& clipped);

/// The data API `mask` as a CVAT mask over the bounds of its foreground; nullopt
/// when it has no foreground or its runs do not cover width x height.
[[nodiscard]] std::optional<BoxMask> to_box_mask(const v1::Mask& mask);

}  // namespace tessera::formats::cvat
