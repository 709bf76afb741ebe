#pragma once
// COCO instances JSON: reading into a Dataset and writing from an ItemSource.
//
// Implemented
//  [X] Read with simdjson on-demand in one forward pass; "images", "annotations" and
//      "categories" in any order (collected, then resolved). Each top-level value and
//      each image and annotation is parsed on its own, in place (formats/json_scan
//      finds where it ends); a file with an error, or an escaped top-level key, is
//      parsed again as one document, which gives the error. Errors are one line:
//      "coco.json:LINE:COL: annotation 17: bbox has 3 numbers, expected 4", where
//      "annotation 17" / "image 3" / "category 2" is the 1-based position in its array.
//  [X] Speed whatever the order: annotations grouped by image after the images and
//      categories go to their items as read; otherwise (COCO 2017's files list them by
//      category, "categories" last) a first pass keeps 24 bytes per annotation (where
//      it is, its image_id) and a second reads each in place in its item's turn. With
//      import_file, items go to the importer as they are completed in either case.
//  [X] Images -> items: name = file_name, subset from the file's name as Datumaro and
//      CVAT name their files (instances_<subset>.json, person_keypoints_<subset>.json),
//      "id" kept as metadata "coco:id" (an export gives the image the same id), media Image with
//      width/height (absent = 0, unknown), media_path = the file if found at <json dir>/file_name,
//      <json dir>/images/file_name or <json dir>/../images/file_name. Every other image
//      field except "id" is kept as item metadata "coco:<field>" = its raw JSON text.
//  [X] Categories -> schema classes: key = name; parent = supercategory when non-empty
//      and different from the name (an undeclared supercategory becomes a class of its
//      own); metadata "coco:category_id" = id, other category fields "coco:<field>" raw.
//      keypoints + skeleton -> a Skeleton keyed by the category name (COCO's 1-based
//      edges become 0-based), class.skeleton = that key.
//  [X] Annotations -> annotations in file order within their item, local ids 1, 2, ...
//      item by item (file order when grouped by image: the order does not change the
//      Dataset): label = category
//      name; geometry = segmentation when present and non-empty (one polygon -> Polygon,
//      several -> MultiPolygon, RLE with counts as a list or as pycocotools' compressed
//      string -> Mask), else bbox [x,y,w,h] -> Box{x, y, x+w, y+h}. Coordinates are taken
//      as is (COCO's are continuous pixels, like docs/architecture.md §3). iscrowd=1 -> Bool
//      attribute "iscrowd" (absent when 0). CVAT's "attributes" object -> typed attributes
//      (bool, integer, other number, string; an array of strings -> MultiEnum; null is
//      ignored). Other fields except id, image_id, category_id, bbox, segmentation, area,
//      iscrowd, keypoints, num_keypoints -> annotation metadata "coco:<field>" raw.
//      keypoints [x,y,v]*n -> a second annotation with the same label, geometry Keypoints
//      (skeleton = category name when the category declares keypoints), parent = the
//      main annotation; without bbox and segmentation it stands alone. Without bbox,
//      segmentation and keypoints (Datumaro's image-level "labels" files) -> a tag, no
//      geometry. Attributes and extra fields go to the shape when there is one.
//      The file's bbox -> "coco:bbox" and area -> "coco:area" where they differ from
//      what the shape gives (a mask's extent one pixel short as Datumaro writes it,
//      a polygon's area counted in pixels); the writer writes them back while they
//      still fit the shape (coco_fidelity.hpp).
//  [X] Variants refused by name at the first annotation that shows them: panoptic
//      ("segments_info"), captions ("caption"); a top-level array is a results file.
//  [X] Other top-level fields ("info", "licenses", "type", ...) -> schema metadata
//      "coco:<field>" raw; an import into a project adds those the project lacks.
//  [X] Positioned errors for wrong types, missing required fields (image id / file_name,
//      category id / name, annotation image_id / category_id), negative sizes, duplicate
//      image or category ids or names, unknown image_id / category_id, RLE counts not
//      summing to height*width, malformed compressed RLE, bad skeleton edges, keypoint
//      counts differing from the category's, supercategory cycles, truncated JSON and
//      invalid UTF-8 (at the first bad byte: GBK files are common).
//  [X] Write {"images":[...],"annotations":[...],"categories":[...]}, one object per line,
//      other top-level "coco:" schema metadata first: image id = "coco:id" when an
//      integer not yet taken, else the smallest free one; file_name = the item's
//      dataset name (formats::dataset_name), width/height and "coco:" item metadata raw;
//      with --copy-media the media go to <json dir>/images/<dataset name>, once the
//      text is written (a --strict refusal copies nothing); categories from
//      the schema classes (id from "coco:category_id" when an integer not yet taken, else
//      the smallest free id; labels the schema lacks get one too). supercategory = the
//      parent key, or the class's own key for a root class, as COCO's own files do
//      ("person"/"person"); reading maps supercategory == name back to no parent, so the
//      round trip keeps the tree. A class that is only a parent (no category id, no
//      annotation) is not written. Annotations get ids 1..n: Polygon / MultiPolygon ->
//      list of outer rings, Mask -> uncompressed RLE, Box and Keypoints -> "segmentation": []
//      (as Datumaro and CVAT write; pycocotools reads the key), RotatedBox -> its
//      4 corners as a polygon; Polygons / MultiPolygons of one item sharing a non-zero
//      group and a label -> ONE annotation with all their polygons (as labelme2coco);
//      bbox always (formats::bounds_of, or the kept "coco:bbox"), area (formats::area_of,
//      holes subtracted; the bbox area for standalone keypoints; or the kept "coco:area"),
//      iscrowd 0/1, other
//      attributes -> "attributes" (a Float keeps a fraction, "2.0", to read back as a
//      Float), "coco:" metadata raw (checked to be JSON, else written as a string).
//      Keypoints whose parent is written here with the same label merge into the
//      parent's object ("keypoints", "num_keypoints" = points with v > 0); others stand
//      alone with bbox = their bounds. Reading a bbox that equals the bounds of its
//      keypoints (all zero when none is labelled) therefore gives standalone keypoints,
//      not a Box plus keypoints: such a box says nothing the keypoints do not.
//
//  [X] Everything the writer leaves out is noted (WriteOptions::lost, one fixed text per
//      kind; coco_write_losses.cpp) while the text is made, before the file is committed:
//      polylines, points, circles, cuboids, spans and tags (skipped), polygon holes,
//      annotation text, relations, frames/tracks, parent links, group ids of polygons
//      not merged, differing attributes of merged group members, attributes of keypoints
//      merged into their shape, other formats' item/annotation metadata ("labelme:flags"),
//      items of a subset other than the file name's.
//
// Missing
//  [ ] Polygon holes: COCO polygons have no holes; only the outer ring is written
//      (noted; counted in WriteStats::holes_dropped).
//  [ ] Polylines, points, circles, cuboids, time and text spans and tags cannot be
//      expressed; they are skipped (noted, counted in WriteStats::skipped).
//  [ ] One file holds one subset: items of several subsets are written into one file
//      (noted); annotation ids are renumbered 1..n in item order.
//  [ ] Enum attributes come back as String attributes (COCO has no attribute schema).
//  [ ] Writing compressed RLE strings (masks are written uncompressed; both are read).
//  [ ] String image / category ids (only integers); COCO results files (a bare array),
//      captions and panoptic files are refused by name.
//  [ ] Class trees deeper than one level survive only through the classes written.
//  [ ] Attributes and metadata of keypoints merged into their parent's object are not
//      written (the reader gives them to the parent).
//  [ ] The RLE size is not checked against the image size (pycocotools does not either).

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_text.hpp"
#include "formats/dataset.hpp"
#include "formats/format.hpp"

namespace tessera::formats::coco {

/// Reads a COCO instances file; throws Error "file:line:col: what was expected".
[[nodiscard]] Dataset read_coco_file(const std::filesystem::path& path,
                                     const ReadOptions& options = {});

/// Reads COCO JSON held in memory; `name` names it in messages and its folder is
/// where media files are looked for.
[[nodiscard]] Dataset read_coco_text(const std::filesystem::path& name, std::string_view text,
                                     const ReadOptions& options = {});

/// What an export wrote and what COCO could not express.
struct WriteStats {
    std::uint64_t images = 0;         ///< image objects written
    std::uint64_t annotations = 0;    ///< annotation objects written
    std::uint64_t categories = 0;     ///< category objects written
    std::uint64_t holes_dropped = 0;  ///< polygon holes left out
    /// Annotations left out, by geometry kind name ("Polyline", "NONE", ...).
    std::map<std::string, std::uint64_t> skipped;
};

/// Renders the items of `source` as COCO JSON text.
[[nodiscard]] std::string write_coco_text(const ItemSource& source, WriteStats* stats = nullptr,
                                          const WriteOptions& options = {});

/// Writes the items of `source` to `out` (atomically); returns what was written.
WriteStats write_coco_file(const ItemSource& source, const std::filesystem::path& out,
                           const WriteOptions& options = {});

/// Decodes pycocotools' compressed RLE string into run lengths. Returns false with
/// `error` set ("character 5 ...") on malformed input.
[[nodiscard]] bool decode_rle_string(std::string_view text, std::vector<std::uint32_t>& counts,
                                     std::string& error);

/// Encodes run lengths as pycocotools' compressed RLE string.
[[nodiscard]] std::string encode_rle_string(std::span<const std::uint32_t> counts);

}  // namespace tessera::formats::coco
