#include <catch2/catch.hpp>

#include <fstream>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "labelme/labelme.hpp"
#include "support/dataset_source.hpp"
#include "support/format_helpers.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
namespace labelme = tessera::formats::labelme;
namespace v1 = tessera::v1;
using tessera::formats::Dataset;
using tessera::test::TempDir;

using tessera::test::attribute;
using tessera::test::put;

namespace {

template <class T>
std::string metadata(const T& holder, std::string_view key) {
    for (const auto& kv : holder.metadata)
        if (kv->key == key) return kv->value;
    return "<none>";
}

constexpr std::string_view kShapes = R"({
  "version": "5.2.1",
  "flags": {"good": true},
  "shapes": [
    {
      "label": "行人",
      "points": [[50, 80], [10.5, 20]],
      "group_id": 3,
      "description": "备注",
      "shape_type": "rectangle",
      "flags": {"occluded": true, "truncated": false},
      "mask": null
    },
    {
      "label": "ꆈꌠ",
      "points": [[1, 2], [3, 4], [5, 1]],
      "group_id": null,
      "shape_type": "polygon",
      "flags": {}
    },
    {"label": "ئۇيغۇر", "points": [[0, 0], [10, 10]], "shape_type": "line"},
    {"label": "lane", "points": [[0, 0], [10, 10], [20, 5]], "shape_type": "linestrip"},
    {"label": "lane", "points": [[7, 8]], "shape_type": "point"},
    {"label": "ball", "points": [[10, 10], [13, 14]], "shape_type": "circle"},
    {"label": "old", "points": [[0, 0], [4, 0], [4, 4]]}
  ],
  "imagePath": "a.jpg",
  "imageData": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "imageHeight": 480,
  "imageWidth": 640,
  "lineColor": [0, 255, 0, 128]
}
)";

/// The error reading `text` as file "a.json" gives; "" when it reads.
std::string error_of(std::string_view text) {
    return tessera::test::error_reading(
        "a.json", text, [](const fs::path& path) { (void)labelme::read(path, {}); });
}

/// A labelme file whose only shape is `shape`, on line 4.
std::string with_shape(std::string_view shape) {
    return "{\n\"imagePath\": \"a.jpg\",\n\"shapes\": [\n" + std::string(shape) + "\n]\n}\n";
}

}  // namespace

TEST_CASE("labelme: every shape type imports with its group, flags and description") {
    TempDir dir;
    put(dir / "ann/a.json", kShapes);
    put(dir / "ann/a.jpg", "image bytes");
    put(dir / "ann/sub/b.json",
        R"({"shapes": [], "imagePath": "..\\img\\b.jpg", "imageData": null})");
    put(dir / "ann/img/b.jpg", "image bytes");
    const Dataset dataset = labelme::read(dir / "ann", {});

    REQUIRE(dataset.items.size() == 2);
    const auto& a = dataset.items[0];
    CHECK(a.name == "a.jpg");
    CHECK(a.media_path == dir / "ann/a.jpg");
    CHECK(a.media.width == 640);
    CHECK(a.media.height == 480);
    CHECK(metadata(a, "labelme:flags") == R"({"good": true})");
    CHECK(metadata(a, "labelme:lineColor") == "[0, 255, 0, 128]");
    REQUIRE(a.annotations.size() == 7);

    const v1::AnnotationT& rectangle = *a.annotations[0];
    CHECK(rectangle.id == 1);
    CHECK(rectangle.label == "行人");
    CHECK(!rectangle.provenance);  // the importer marks it imported
    const auto* box = rectangle.geometry.AsBox();
    REQUIRE(box != nullptr);
    CHECK(box->left == 10.5);  // corners given bottom-right first
    CHECK(box->top == 20);
    CHECK(box->right == 50);
    CHECK(box->bottom == 80);
    CHECK(rectangle.group == 3);
    CHECK(rectangle.text == "备注");
    CHECK(attribute(rectangle, "occluded")->bool_value);
    CHECK_FALSE(attribute(rectangle, "truncated")->bool_value);
    CHECK(metadata(rectangle, "labelme:mask") == "null");

    const v1::AnnotationT& polygon = *a.annotations[1];
    CHECK(polygon.label == "ꆈꌠ");
    REQUIRE(polygon.geometry.AsPolygon() != nullptr);
    CHECK(polygon.geometry.AsPolygon()->points.size() == 3);
    CHECK(polygon.group == 0);

    const v1::AnnotationT& line = *a.annotations[2];
    CHECK(line.label == "ئۇيغۇر");
    REQUIRE(line.geometry.AsPolyline() != nullptr);
    CHECK(metadata(line, "labelme:shape_type") == "line");
    CHECK(a.annotations[3]->geometry.AsPolyline()->points.size() == 3);
    CHECK(metadata(*a.annotations[3], "labelme:shape_type") == "<none>");
    CHECK(a.annotations[4]->geometry.AsPoint()->position->y() == 8);
    const auto* circle = a.annotations[5]->geometry.AsCircle();
    REQUIRE(circle != nullptr);
    CHECK(circle->center->x() == 10);
    CHECK(circle->radius == 5);
    CHECK(a.annotations[6]->geometry.AsPolygon() != nullptr);  // no shape_type: a polygon

    const auto& b = dataset.items[1];
    CHECK(b.name == "../img/b.jpg");
    CHECK(b.media_path == dir / "ann/img/b.jpg");
    CHECK(b.annotations.empty());

    REQUIRE(dataset.schema.classes.size() == 6);
    CHECK(dataset.schema.classes[0]->key == "行人");
    CHECK(dataset.schema.classes[2]->key == "ئۇيغۇر");
}

TEST_CASE("labelme: read, write and read again gives the same annotations") {
    TempDir dir;
    put(dir / "in/a.json", kShapes);
    const Dataset first = labelme::read(dir / "in/a.json", {});
    std::uint64_t reported = 0;
    labelme::write(tessera::test::DatasetSource(first), dir / "out",
                   {.progress = [&](std::uint64_t done, std::uint64_t) { reported = done; }});
    CHECK(reported == 1);

    const std::string written = tessera::read_file(dir / "out/a.json");
    CHECK(written.find(R"("shape_type": "line")") != std::string::npos);
    CHECK(written.find(R"("imageData": null)") != std::string::npos);
    CHECK(written.find(R"("version": "5.2.1")") != std::string::npos);

    const Dataset second = labelme::read(dir / "out", {});
    CHECK(tessera::test::dataset_differences(first, second).empty());
    REQUIRE(second.items.size() == 1);
    const auto& a = second.items[0];
    CHECK(a.name == "a.jpg");
    CHECK(metadata(a, "labelme:flags") == R"({"good": true})");
    CHECK(metadata(a, "labelme:lineColor") == "[0, 255, 0, 128]");
    REQUIRE(a.annotations.size() == 7);
    CHECK(a.annotations[0]->group == 3);
    CHECK(a.annotations[0]->text == "备注");
    CHECK(metadata(*a.annotations[0], "labelme:mask") == "null");
    CHECK(metadata(*a.annotations[2], "labelme:shape_type") == "line");
}

TEST_CASE("labelme: imagePath is written relative to the JSON file") {
    Dataset dataset;
    tessera::formats::ImportedItem item;
    item.name = "images/day/x.jpg";
    auto box = std::make_unique<v1::AnnotationT>();
    box->id = 1;
    box->label = "car";
    v1::RotatedBoxT rotated;
    rotated.center = std::make_unique<v1::Point2>(10, 10);
    rotated.width = 4;
    rotated.height = 2;
    box->geometry.Set(std::move(rotated));
    item.annotations.push_back(std::move(box));
    dataset.items.push_back(std::move(item));

    TempDir dir;
    labelme::write(tessera::test::DatasetSource(dataset), dir.path(), {});
    const Dataset back = labelme::read(dir / "images/day/x.json", {});
    REQUIRE(back.items.size() == 1);
    CHECK(back.items[0].name == "x.jpg");
    REQUIRE(back.items[0].annotations.size() == 1);
    const auto* corners = back.items[0].annotations[0]->geometry.AsPolygon();
    REQUIRE(corners != nullptr);
    REQUIRE(corners->points.size() == 4);
    CHECK(corners->points[0].x() == 8);
    CHECK(corners->points[0].y() == 9);
    CHECK(corners->points[2].x() == 12);
    CHECK(corners->points[2].y() == 11);
}

TEST_CASE("labelme: malformed files name the file, line and column and return nothing") {
    CHECK(error_of(with_shape(R"({"label": "a", "points": [[1, 2]], "shape_type": "blob"})")) ==
          "a.json:4:50: shape 1: unknown shape_type \"blob\", expected rectangle, polygon, line, "
          "linestrip, point, circle, mask, ai_polygon or ai_mask");
    CHECK(error_of(with_shape(R"({"label": "a", "points": [[1, 2]], "shape_type": "mask"})")) ==
          "a.json:4:26: shape 1: mask expects 2 corner points, found 1 point");
    CHECK(error_of(with_shape(R"({"label": "a", "points": [["x", 2]]})")) ==
          "a.json:4:28: shape 1: point 1: expected a number");
    CHECK(
        error_of(with_shape(
            R"({"label": "a", "points": [[1, 2], [3, 4], [5, 6]], "shape_type": "rectangle"})")) ==
        "a.json:4:26: shape 1: rectangle expects 2 corner points, found 3 points");
    CHECK(error_of(with_shape(
              R"({"label": "a", "points": [[1, 2]], "shape_type": "point", "flags": {"x": 1}})")) ==
          "a.json:4:74: shape 1: flag \"x\": expected true or false");
    CHECK(error_of(with_shape(
              R"({"label": "a", "points": [[1, 2]], "shape_type": "point", "group_id": -1})")) ==
          "a.json:4:71: shape 1: group_id: expected a whole number or null");
    CHECK(error_of(with_shape(R"({"points": [[1, 2]]})")) ==
          "a.json:4:1: shape 1: expected \"label\"");
    CHECK(error_of(with_shape(R"({"label": "a", "points": [[1, 2, 3]]})")) ==
          "a.json:4:34: shape 1: point 1: expected [x, y], found more than 2 numbers");
    CHECK(error_of("{\"shapes\": []}\n") == "a.json:1:1: expected \"imagePath\" naming the image");
    CHECK(error_of("[1, 2]\n") == "a.json:1:1: expected a JSON object with labelme's fields");
    CHECK(error_of("{\"imagePath\": \"a.jpg\", \"shapes\": []} {}\n") ==
          "a.json:1:38: unexpected text after the JSON object");
    CHECK(error_of("{\"imagePath\": \"a.jpg\",\n \"shapes\": [\n") ==
          "a.json:3:1: labelme file: expected well-formed JSON (JSON document ended early in the "
          "middle of an object or array.)");
    CHECK(
        error_of("{\"imagePath\": \"a.jpg\", \"shapes\": [{\"label\": \"a\", \"points\": [[1, 2]], "
                 "\"shape_type\": \"point\", \"x\": tru}]}") ==
        "a.json:1:98: shape 1: x: expected a JSON value, found \"tru\"");
}
