#include <catch2/catch.hpp>

#include <fstream>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "support/dataset_source.hpp"
#include "support/format_helpers.hpp"
#include "support/temp_dir.hpp"
#include "yolo/yolo.hpp"

namespace fs = std::filesystem;
namespace yolo = tessera::formats::yolo;
using tessera::formats::Dataset;
using tessera::test::TempDir;

using tessera::test::put;
using tessera::test::put_png_header;

namespace {

/// A JPEG start and SOF0 frame header.
void put_jpeg(const fs::path& path, std::uint16_t width, std::uint16_t height) {
    std::string bytes("\xFF\xD8\xFF\xC0\x00\x11\x08", 7);
    bytes += {static_cast<char>(height >> 8), static_cast<char>(height),
              static_cast<char>(width >> 8), static_cast<char>(width)};
    bytes += std::string(12, '\0');
    put(path, bytes);
}

/// The error reading `root` gives; "" when it reads.
std::string read_error(const fs::path& root) {
    return tessera::test::error_message([&] { (void)yolo::read(root, {}); });
}

std::string labels_error(std::string_view text) {
    const std::vector<std::string> classes{"a", "b", "c"};
    std::uint64_t next_id = 1;
    return tessera::test::error_message(
        [&] { (void)yolo::parse_labels("labels/a.txt", text, classes, 100, 100, next_id); });
}

std::string yaml_error(std::string_view text) {
    return tessera::test::error_message([&] { (void)yolo::parse_data_yaml("data.yaml", text); });
}

/// images/train/a.png (640×480, a box), images/train/b.jpg (200×100, a box),
/// images/val/c.png (no label file) and images/val/d.png (640×480, a triangle).
void make_dataset(const fs::path& root, bool with_polygon = true) {
    put(root / "data.yaml",
        "# classes in three scripts\npath: ../datasets/x\ntrain: images/train\nval: images/val\n"
        "nc: 3\nnames: ['行人', \"ꆈꌠ\", ئۇيغۇر]  # Chinese, Yi, Uyghur\n");
    put_png_header(root / "images/train/a.png", 640, 480);
    put_jpeg(root / "images/train/b.jpg", 200, 100);
    put_png_header(root / "images/val/c.png", 10, 10);
    put(root / "labels/train/a.txt", "0 0.5 0.5 0.25 0.5\n");
    if (!with_polygon) return;
    // Box and polygon lines in separate files: Ultralytics reads a file with
    // one polygon line as all polygons.
    put_png_header(root / "images/val/d.png", 640, 480);
    put(root / "labels/val/d.txt", "2 0.1 0.1 0.5 0.1 0.5 0.6\n");
    put(root / "labels/train/b.txt", "1 0.25 0.5 0.5 1\n");
}

}  // namespace

TEST_CASE("yolo: a dataset folder imports with pixel coordinates from the image headers") {
    TempDir dir;
    make_dataset(dir.path());
    const Dataset dataset = yolo::read(dir.path(), {});

    REQUIRE(dataset.schema.classes.size() == 3);
    CHECK(dataset.schema.classes[0]->key == "行人");
    CHECK(dataset.schema.classes[1]->key == "ꆈꌠ");
    CHECK(dataset.schema.classes[2]->key == "ئۇيغۇر");

    REQUIRE(dataset.items.size() == 4);
    const auto& a = dataset.items[0];
    CHECK(a.name == "a.png");
    CHECK(a.subset == "train");
    CHECK(a.media_path == dir.path() / "images/train/a.png");
    CHECK(a.media.width == 640);
    CHECK(a.media.height == 480);
    REQUIRE(a.annotations.size() == 1);
    CHECK(a.annotations[0]->id == 1);
    CHECK(a.annotations[0]->label == "行人");
    CHECK(!a.annotations[0]->provenance);  // the importer marks it imported
    const auto* box = a.annotations[0]->geometry.AsBox();
    REQUIRE(box != nullptr);
    // cx 0.5, w 0.25 of 640 → 240 .. 400; cy 0.5, h 0.5 of 480 → 120 .. 360.
    CHECK(box->left == 240);
    CHECK(box->top == 120);
    CHECK(box->right == 400);
    CHECK(box->bottom == 360);

    const auto& b = dataset.items[1];
    CHECK(b.name == "b.jpg");
    CHECK(b.media.width == 200);
    REQUIRE(b.annotations.size() == 1);
    CHECK(b.annotations[0]->id == 2);
    CHECK(b.annotations[0]->label == "ꆈꌠ");
    CHECK(b.annotations[0]->geometry.AsBox()->left == 0);
    CHECK(b.annotations[0]->geometry.AsBox()->right == 100);
    CHECK(b.annotations[0]->geometry.AsBox()->bottom == 100);

    CHECK(dataset.items[2].name == "c.png");
    CHECK(dataset.items[2].subset == "val");
    CHECK(dataset.items[2].annotations.empty());

    const auto& d = dataset.items[3];
    REQUIRE(d.annotations.size() == 1);
    const auto* triangle = d.annotations[0]->geometry.AsPolygon();
    REQUIRE(triangle != nullptr);
    CHECK(d.annotations[0]->label == "ئۇيغۇر");
    REQUIRE(triangle->points.size() == 3);
    CHECK(triangle->points[0].x() == 64);
    CHECK(triangle->points[0].y() == 48);
    CHECK(triangle->points[2].x() == 320);
    CHECK(triangle->points[2].y() == 288);
}

TEST_CASE("yolo: read, write and read again gives the same annotations") {
    TempDir dir;
    make_dataset(dir / "in", false);
    const Dataset first = yolo::read(dir / "in", {});
    std::uint64_t reported = 0;
    yolo::write(tessera::test::DatasetSource(first), dir / "out",
                {.progress = [&](std::uint64_t done, std::uint64_t) { reported = done; }});
    CHECK(reported == 3);

    CHECK(tessera::read_file(dir / "out/labels/train/a.txt") == "0 0.5 0.5 0.25 0.5\n");
    CHECK(tessera::read_file(dir / "out/labels/val/c.txt").empty());
    CHECK(tessera::read_file(dir / "out/classes.txt") == "行人\nꆈꌠ\nئۇيغۇر\n");
    CHECK_FALSE(fs::exists(dir / "out/images"));  // images are not copied

    fs::copy(dir / "in/images", dir / "out/images", fs::copy_options::recursive);
    const Dataset second = yolo::read(dir / "out", {});
    CHECK(tessera::test::dataset_differences(first, second).empty());
    REQUIRE(second.schema.classes.size() == 3);
    CHECK(second.schema.classes[2]->key == "ئۇيغۇر");
}

TEST_CASE("yolo: class names come from data.yaml in its three forms, or classes.txt") {
    CHECK(yolo::parse_data_yaml("d.yaml", "names: [a, 'b c', \"d\\u00e9\"]\n") ==
          std::vector<std::string>{"a", "b c", "dé"});
    CHECK(
        yolo::parse_data_yaml(
            "d.yaml", "nc: 2\nnames:\n  - 行人   # pedestrian\n  - 'it''s'\ndownload: |\n  x\n") ==
        std::vector<std::string>{"行人", "it's"});
    CHECK(yolo::parse_data_yaml("d.yaml", "names:\n- a\n- b\n") ==
          std::vector<std::string>{"a", "b"});
    CHECK(yolo::parse_data_yaml("d.yaml", "path: x\nnames:\n  1: car\n  0: person\ntest:\n") ==
          std::vector<std::string>{"person", "car"});
    CHECK(yolo::parse_data_yaml("d.yaml", "names: {0: a, 1: b}\r\n") ==
          std::vector<std::string>{"a", "b"});
    CHECK(yolo::parse_data_yaml("d.yaml", "names: [\n  a,  # first\n  b,\n]\n") ==
          std::vector<std::string>{"a", "b"});
    // As Ultralytics and Roboflow write them.
    CHECK(yolo::parse_data_yaml("d.yaml",
                                "# Ultralytics YOLO 🚀\npath: ../datasets/coco8 # root\n"
                                "train: images/train # 4 images\ntest: # optional\n\n# Classes\n"
                                "names:\n  0: person\n  1: traffic light\n\n"
                                "download: https://ultralytics.com/assets/coco8.zip\n") ==
          std::vector<std::string>{"person", "traffic light"});
    CHECK(
        yolo::parse_data_yaml("d.yaml",
                              "train: ../train/images\nnc: 2\nnames: ['cat', 'dog']\n\nroboflow:\n"
                              "  workspace: x\n  url: https://universe.roboflow.com/x/y/1\n") ==
        std::vector<std::string>{"cat", "dog"});
    CHECK(yolo::parse_classes_txt("c.txt", "ꆈꌠ\r\ntraffic light\n\n") ==
          std::vector<std::string>{"ꆈꌠ", "traffic light"});

    TempDir dir;
    put(dir / "classes.txt", "cat\ndog\n");
    put(dir / "a.txt", "1 0.5 0.5 1 1\n");  // no labels/ folder: labels beside the images
    put_png_header(dir / "a.png", 8, 4);
    const Dataset dataset = yolo::read(dir.path(), {});
    REQUIRE(dataset.items.size() == 1);
    CHECK(dataset.items[0].name == "a.png");
    REQUIRE(dataset.items[0].annotations.size() == 1);
    CHECK(dataset.items[0].annotations[0]->label == "dog");
    CHECK(dataset.items[0].annotations[0]->geometry.AsBox()->right == 8);
}

TEST_CASE("yolo: malformed label files name the file, line and column") {
    CHECK(labels_error("0 0.5 x 0.1 0.1\n") == "labels/a.txt:1:7: expected a number, found \"x\"");
    CHECK(labels_error("0 0.5 0.5 0.1 0.1\n3 0.5 0.5 0.1 0.1\n") ==
          "labels/a.txt:2:1: class index 3 is out of range, expected 0 to 2");
    CHECK(labels_error("car 0.5 0.5 0.1 0.1") ==
          "labels/a.txt:1:1: expected a class index, found \"car\"");
    CHECK(labels_error("\n\n0 0.5 0.5 0.1\n") ==
          "labels/a.txt:3:1: expected 5 values (class cx cy w h) or a class and 3 or more x y "
          "pairs, found 4 values");
    CHECK(labels_error("1 0.1 0.1 0.2 0.2 0.3 0.3 0.4\n") ==
          "labels/a.txt:1:1: expected 5 values (class cx cy w h) or a class and 3 or more x y "
          "pairs, found 8 values");
    CHECK(labels_error("0 1.5 0.5 0.1 0.1\n") == "labels/a.txt:1:3: cx 1.5 is outside [0, 1]");
    CHECK(labels_error("2 0.1 0.1 0.2 -0.2 0.3 0.3\n") ==
          "labels/a.txt:1:15: y2 -0.2 is outside [0, 1]");
    CHECK(labels_error("0 0.5 0.5 nan 0.1\n") ==
          "labels/a.txt:1:11: expected a number, found \"nan\"");
    // Rounding noise within the tolerance is accepted as written.
    CHECK(labels_error("0 1.0000005 0.5 0.1 -0.0000005\n").empty());
}

TEST_CASE("yolo: malformed class names name the file, line and column") {
    CHECK(yaml_error("names: [a, b\n") == "data.yaml:1:8: expected a closing ] for this list");
    CHECK(yaml_error("nc: 3\nnames: [a, b]\n") ==
          "data.yaml:1:5: nc is 3 but names lists 2 classes");
    CHECK(yaml_error("names:\n  0: a\n  2: b\n") ==
          "data.yaml:2:1: names: class 1 is missing; indexes must run from 0 to 1");
    CHECK(yaml_error("names:\n  - a\n  1: b\n") ==
          "data.yaml:3:3: expected every name in the same form: all \"- name\" or all \"index: "
          "name\"");
    CHECK(yaml_error("names: [a\xff]\n") == "data.yaml:1:9: class name is not valid UTF-8");
    CHECK(yaml_error("names: [a, a]\n") ==
          "data.yaml:1:12: class name \"a\" is given twice (classes 0 and 1)");
    CHECK(yaml_error("names: person\n") ==
          "data.yaml:1:8: names: expected a list of class names: [a, b], \"- a\" lines or \"0: a\" "
          "lines");
    CHECK(yaml_error("train: x\n") ==
          "data.yaml:2:1: expected a \"names:\" entry listing the class names");
    CHECK(yaml_error("names: [\"a\\q\"]\n") ==
          "data.yaml:1:11: unknown escape \\q in a double-quoted name");
    CHECK(yaml_error("names:\n  - &x a\n") ==
          "data.yaml:2:5: expected a class name; YAML anchors, tags, block scalars and nested "
          "collections are not supported here");
}

TEST_CASE("yolo: a bad dataset folder is an error and nothing is returned") {
    TempDir dir;
    make_dataset(dir.path());
    put(dir / "labels/train/z.txt", "0 0.5 0.5 0.1 0.1\n");
    CHECK(read_error(dir.path()) ==
          (dir / "labels/train/z.txt").generic_string() +
              ": no image for this label file: expected images/train/z.jpg, .png or another image "
              "with that name");

    fs::remove(dir / "labels/train/z.txt");
    put(dir / "labels/train/b.txt", "1 0.25 0.5 0.5 1\n1 0.5 0.5\n");
    CHECK(read_error(dir.path()) == (dir / "labels/train/b.txt").generic_string() +
                                        ":2:1: expected 5 values (class cx cy w h) or a class and "
                                        "3 or more x y pairs, found 3 values");

    put(dir / "labels/train/b.txt", "1 0.25 0.5 0.5 1\n");
    put(dir / "images/train/b.jpg", "not an image");
    CHECK(read_error(dir.path()) ==
          (dir / "images/train/b.jpg").generic_string() +
              ": cannot read the image size from its header (not a supported image, or damaged); "
              "YOLO coordinates are fractions of it");

    fs::remove(dir / "data.yaml");
    CHECK(read_error(dir.path()) ==
          dir.path().generic_string() +
              ": expected data.yaml, classes.txt or darknet's obj.names with the class names in "
              "this YOLO dataset folder");

    put(dir / "classes.txt", "a\n\nb\n");
    CHECK(read_error(dir.path()) == (dir / "classes.txt").generic_string() +
                                        ":2:1: expected a class name, found an empty line");
}

TEST_CASE("yolo: export leaves polylines out, notes them, and refuses items of unknown size") {
    Dataset dataset;
    auto label_class = std::make_unique<tessera::v1::LabelClassT>();
    label_class->key = "lane";
    dataset.schema.classes.push_back(std::move(label_class));
    tessera::formats::ImportedItem item;
    item.name = "photos/x.jpg";
    item.media.width = 100;
    item.media.height = 50;
    auto line = std::make_unique<tessera::v1::AnnotationT>();
    line->id = 1;
    line->label = "curb";
    tessera::v1::PolylineT polyline;
    polyline.points = {{10, 10}, {30, 20}};
    line->geometry.Set(std::move(polyline));
    item.annotations.push_back(std::move(line));
    auto box = std::make_unique<tessera::v1::AnnotationT>();
    box->id = 2;
    box->label = "kerb";  // not in the schema: appended after its classes
    tessera::v1::BoxT geometry;
    geometry.left = 10, geometry.top = 10, geometry.right = 30, geometry.bottom = 20;
    box->geometry.Set(std::move(geometry));
    item.annotations.push_back(std::move(box));
    dataset.items.push_back(std::move(item));

    TempDir dir;
    tessera::formats::Losses losses;
    yolo::write(tessera::test::DatasetSource(dataset), dir.path(),
                {.progress = {}, .losses = &losses});
    CHECK(tessera::read_file(dir / "labels/photos/x.txt") == "1 0.2 0.3 0.2 0.2\n");
    CHECK(tessera::read_file(dir / "classes.txt") == "lane\nkerb\n");
    CHECK(yolo::parse_data_yaml(dir / "data.yaml", tessera::read_file(dir / "data.yaml")) ==
          std::vector<std::string>{"lane", "kerb"});
    const auto lost = losses.all();
    REQUIRE(lost.size() == 1);
    CHECK(lost[0].what == "Polyline annotations (YOLO has no form for them; not written)");
    CHECK(lost[0].label == "curb");

    dataset.items[0].media.width = 0;
    TempDir empty;
    try {
        yolo::write(tessera::test::DatasetSource(dataset), empty.path(), {});
        FAIL("wrote an item of unknown size");
    } catch (const tessera::Error& e) {
        CHECK(std::string(e.what()) ==
              "photos/x.jpg: image width and height are unknown, but YOLO coordinates are "
              "fractions of "
              "them; add the image file to the project first");
    }
    CHECK(fs::is_empty(empty.path()));
}
