// YOLO datasets shaped as Ultralytics, Roboflow and CVAT/darknet write them
// (tests/data/yolo/): subsets, layouts, one kind of line per label file, and
// everything YOLO cannot hold noted as a loss.

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "formats/files.hpp"
#include "support/dataset_source.hpp"
#include "support/format_helpers.hpp"
#include "support/temp_dir.hpp"
#include "yolo/yolo.hpp"

namespace fs = std::filesystem;
namespace yolo = tessera::formats::yolo;
namespace v1 = tessera::v1;
using tessera::formats::Dataset;
using tessera::formats::ImportedItem;
using tessera::formats::Loss;
using tessera::formats::Losses;
using tessera::test::TempDir;

namespace {

fs::path sample(std::string_view variant) {
    return fs::path(TESSERA_SOURCE_DIR) / "tests/data/yolo" / variant;
}

/// "subset/name" of every item, in order.
std::vector<std::string> places(const Dataset& dataset) {
    std::vector<std::string> out;
    for (const ImportedItem& item : dataset.items) out.push_back(item.subset + "|" + item.name);
    return out;
}

/// `dataset` with each item named "subset|name", so that two splits' items of
/// one name stay apart in dataset_differences.
Dataset keyed(Dataset dataset) {
    for (ImportedItem& item : dataset.items) item.name = item.subset + "|" + item.name;
    return dataset;
}

/// Reads `variant`, exports it with `settings` (copying the images), reads the
/// export back and returns the differences (none expected).
std::vector<std::string> round_trip(std::string_view variant, const fs::path& out,
                                    tessera::formats::FormatSettings settings = {}) {
    Dataset first = yolo::read(sample(variant), {});
    for (ImportedItem& item : first.items) item.media.uri = item.media_path.string();
    yolo::write(tessera::test::DatasetSource(first), out,
                {.progress = {}, .settings = std::move(settings), .copy_media = true});
    const Dataset second = yolo::read(out, {});
    std::vector<std::string> differences =
        tessera::test::dataset_differences(keyed(std::move(first)), keyed(yolo::read(out, {})));
    if (places(second) != places(yolo::read(sample(variant), {})))
        differences.push_back("subsets or names differ");
    return differences;
}

/// The label files under `root`; checks each one against Ultralytics' rule for
/// `task`: detect, every line 5 columns; segment, every line a class and 3 or
/// more x y pairs. Returns the lines that break it.
std::vector<std::string> broken_lines(const fs::path& root, std::string_view task) {
    std::vector<std::string> broken;
    for (const fs::path& file : tessera::formats::files_under(root / "labels", ".txt")) {
        std::istringstream text(tessera::read_file(file));
        std::string line;
        while (std::getline(text, line)) {
            std::istringstream fields(line);
            std::size_t n = 0;
            for (std::string field; fields >> field;) ++n;
            const bool ok = task == "detect" ? n == 5 : n >= 7 && n % 2 == 1;
            if (!ok) broken.push_back(file.filename().string() + ": " + line);
        }
    }
    return broken;
}

const Loss* find_loss(const Losses& losses, std::string_view what_starts) {
    static std::vector<Loss> all;
    all = losses.all();
    for (const Loss& loss : all)
        if (loss.what.starts_with(what_starts)) return &loss;
    return nullptr;
}

std::unique_ptr<v1::AnnotationT> annotation(std::uint64_t id, std::string label,
                                            v1::GeometryUnion geometry) {
    auto a = std::make_unique<v1::AnnotationT>();
    a->id = id;
    a->label = std::move(label);
    a->geometry = std::move(geometry);
    return a;
}

/// One 100 × 50 image holding a box, a polygon, a mask, a rotated box, a point and a polyline.
Dataset mixed_shapes() {
    Dataset dataset;
    ImportedItem item;
    item.name = "street/0001.png";
    item.media.kind = v1::MediaKind::Image;
    item.media.width = 100;
    item.media.height = 50;
    v1::GeometryUnion g;
    g.Set(v1::BoxT{});
    g.AsBox()->left = 10, g.AsBox()->top = 10, g.AsBox()->right = 30, g.AsBox()->bottom = 20;
    item.annotations.push_back(annotation(1, "car", g));
    v1::PolygonT polygon;
    polygon.points = {{50, 10}, {90, 10}, {70, 40}};
    g.Set(std::move(polygon));
    item.annotations.push_back(annotation(2, "sign", g));
    v1::MaskT mask;
    mask.width = 100;
    mask.height = 50;
    mask.counts = {50 * 20 + 5, 10, 40, 10, 50 * 80 - 65};  // x 20..21, y 5..14
    g.Set(std::move(mask));
    item.annotations.push_back(annotation(3, "road", g));
    v1::RotatedBoxT rotated;
    rotated.center = std::make_unique<v1::Point2>(50, 25);
    rotated.width = 10;
    rotated.height = 4;
    g.Set(std::move(rotated));
    item.annotations.push_back(annotation(4, "car", g));
    v1::PointT point;
    point.position = std::make_unique<v1::Point2>(5, 5);
    g.Set(std::move(point));
    item.annotations.push_back(annotation(5, "sign", g));
    v1::PolylineT polyline;
    polyline.points = {{0, 0}, {10, 10}};
    g.Set(std::move(polyline));
    item.annotations.push_back(annotation(6, "lane", g));
    dataset.items.push_back(std::move(item));
    return dataset;
}

}  // namespace

TEST_CASE("yolo: an Ultralytics detect dataset keeps its train/val split through an export") {
    const Dataset dataset = yolo::read(sample("ultralytics-detect"), {});
    CHECK(places(dataset) ==
          std::vector<std::string>{"train|0001.png", "train|0002.png", "val|0001.png"});
    REQUIRE(dataset.items[2].annotations.size() == 1);
    CHECK(dataset.items[2].annotations[0]->label == "bicycle");
    CHECK(dataset.items[2].annotations[0]->geometry.AsBox()->left == 32);

    // Two splits hold 0001.png: the export puts them in their own folders.
    TempDir out;
    CHECK(round_trip("ultralytics-detect", out.path()).empty());
    CHECK(tessera::read_file(out / "labels/train/0001.txt") ==
          tessera::read_file(sample("ultralytics-detect") / "labels/train/0001.txt"));
    CHECK(tessera::read_file(out / "labels/val/0001.txt") == "1 0.75 0.5 0.5 0.5\n");
    CHECK(tessera::read_file(out / "labels/train/0002.txt").empty());
    CHECK(fs::file_size(out / "images/val/0001.png") ==
          fs::file_size(sample("ultralytics-detect") / "images/val/0001.png"));
    const std::string yaml = tessera::read_file(out / "data.yaml");
    CHECK(yaml.find("train: \"images/train\"\nval: \"images/val\"\n") != std::string::npos);
    CHECK(yolo::parse_data_yaml("data.yaml", yaml) ==
          std::vector<std::string>{"person", "bicycle", "car"});
    CHECK(broken_lines(out.path(), "detect").empty());
}

TEST_CASE("yolo: a Roboflow export keeps train, valid and test, one stem in two splits") {
    const Dataset dataset = yolo::read(sample("roboflow"), {});
    CHECK(places(dataset) == std::vector<std::string>{"test|pet7_png.rf.b81d0e.png",
                                                      "train|pet1_png.rf.3f2a9c.png",
                                                      "valid|pet1_png.rf.3f2a9c.png"});
    TempDir out;
    CHECK(round_trip("roboflow", out.path()).empty());
    CHECK(fs::exists(out / "labels/valid/pet1_png.rf.3f2a9c.txt"));
    CHECK(fs::exists(out / "images/test/pet7_png.rf.b81d0e.png"));
    const std::string yaml = tessera::read_file(out / "data.yaml");
    CHECK(yaml.find("train: \"images/train\"\nval: \"images/valid\"\ntest: \"images/test\"\n") !=
          std::string::npos);
    CHECK(broken_lines(out.path(), "detect").empty());
}

TEST_CASE("yolo: a segment dataset round-trips with --yolo-task segment, boxes with detect") {
    TempDir out;
    CHECK(round_trip("ultralytics-segment", out / "segment", {{"yolo-task", "segment"}}).empty());
    CHECK(tessera::read_file(out / "segment/labels/train/plot-a.txt") ==
          tessera::read_file(sample("ultralytics-segment") / "labels/train/plot-a.txt"));
    CHECK(broken_lines(out / "segment", "segment").empty());

    const Dataset dataset = yolo::read(sample("ultralytics-segment"), {});
    Losses losses;
    yolo::write(tessera::test::DatasetSource(dataset), out / "detect",
                {.progress = {}, .losses = &losses});
    CHECK(broken_lines(out / "detect", "detect").empty());
    CHECK(tessera::read_file(out / "detect/labels/val/plot-b.txt") == "1 0.5 0.5 0.5 0.5\n");
    const Loss* converted = find_loss(losses, "converted: Polygon written as its box");
    REQUIRE(converted != nullptr);
    CHECK(losses.total() == 3);
}

TEST_CASE("yolo: a darknet / CVAT YOLO 1.1 dataset imports with its subsets and exports back") {
    const Dataset dataset = yolo::read(sample("darknet-yolo11"), {});
    CHECK(places(dataset) == std::vector<std::string>{"train|frame_000000.png",
                                                      "train|frame_000001.png",
                                                      "valid|frame_000002.png"});
    REQUIRE(dataset.schema.classes.size() == 2);
    CHECK(dataset.schema.classes[1]->key == "car");
    REQUIRE(dataset.items[0].annotations.size() == 2);
    const auto* box = dataset.items[0].annotations[0]->geometry.AsBox();
    CHECK(box->left == Approx(16));
    CHECK(box->bottom == Approx(28));
    CHECK(dataset.items[1].annotations.empty());

    TempDir out;
    CHECK(round_trip("darknet-yolo11", out / "darknet", {{"yolo-layout", "darknet"}}).empty());
    CHECK(tessera::read_file(out / "darknet/obj.names") == "person\ncar\n");
    CHECK(tessera::read_file(out / "darknet/obj.data") ==
          "classes = 2\ntrain = data/train.txt\nvalid = data/valid.txt\nnames = data/obj.names\n"
          "backup = backup/\n");
    CHECK(tessera::read_file(out / "darknet/train.txt") ==
          "data/obj_train_data/frame_000000.png\ndata/obj_train_data/frame_000001.png\n");
    CHECK(tessera::read_file(out / "darknet/obj_valid_data/frame_000002.txt") == "1 0.5 0.5 1 1\n");

    // To Ultralytics' layout: the subsets become images/<subset>/ folders.
    CHECK(round_trip("darknet-yolo11", out / "ultralytics").empty());
    CHECK(fs::exists(out / "ultralytics/labels/valid/frame_000002.txt"));
}

TEST_CASE("yolo: export never mixes box and polygon lines and notes every conversion") {
    const Dataset dataset = mixed_shapes();
    TempDir out;
    Losses detect;
    yolo::write(tessera::test::DatasetSource(dataset), out / "detect",
                {.progress = {}, .losses = &detect});
    CHECK(tessera::read_file(out / "detect/labels/street/0001.txt") ==
          "0 0.2 0.3 0.2 0.2\n"
          "1 0.7 0.5 0.4 0.6\n"
          "2 0.21 0.2 0.02 0.2\n"
          "0 0.5 0.5 0.1 0.08\n");
    CHECK(broken_lines(out / "detect", "detect").empty());
    CHECK(find_loss(detect, "converted: Polygon written as its box") != nullptr);
    CHECK(find_loss(detect, "converted: Mask written as its box") != nullptr);
    CHECK(find_loss(detect, "converted: RotatedBox written as its box") != nullptr);
    const Loss* point = find_loss(detect, "Point annotations (YOLO has no form");
    REQUIRE(point != nullptr);
    CHECK(point->label == "sign");
    CHECK(point->examples == std::vector<std::string>{"item 1 (street/0001.png) annotation 5"});
    CHECK(find_loss(detect, "Polyline annotations (YOLO has no form") != nullptr);
    CHECK(detect.total() == 5);
    // The point and the polyline add no class: lane is not in the names.
    CHECK(tessera::read_file(out / "detect/classes.txt") == "car\nsign\nroad\n");

    Losses segment;
    yolo::write(tessera::test::DatasetSource(dataset), out / "segment",
                {.progress = {}, .settings = {{"yolo-task", "segment"}}, .losses = &segment});
    const std::string text = tessera::read_file(out / "segment/labels/street/0001.txt");
    CHECK(text.starts_with("0 0.1 0.2 0.3 0.2 0.3 0.4 0.1 0.4\n1 0.5 0.2 0.9 0.2 0.7 0.8\n"));
    CHECK(broken_lines(out / "segment", "segment").empty());
    CHECK(find_loss(segment, "converted: Box written as its 4 corners") != nullptr);
    CHECK(find_loss(segment, "converted: Mask written as the polygon of its box") != nullptr);
    CHECK(find_loss(segment, "converted: RotatedBox written as its 4 corners") != nullptr);
    CHECK(segment.total() == 5);

    // --strict: the first loss is an error and nothing is written.
    Losses strict(true);
    CHECK_THROWS_AS(yolo::write(tessera::test::DatasetSource(dataset), out / "strict",
                                {.progress = {}, .losses = &strict}),
                    tessera::Error);
    CHECK_FALSE(fs::exists(out / "strict"));
}

TEST_CASE("yolo: a 5-value line among polygons is read as Ultralytics reads it") {
    const std::vector<std::string> classes{"a", "b"};
    std::uint64_t next_id = 1;
    Losses losses;
    const auto annotations =
        yolo::parse_labels("labels/a.txt", "0 0.1 0.1 0.5 0.1 0.5 0.6\n1 0.2 0.5 0.4 1\n", classes,
                           100, 50, next_id, {.progress = {}, .losses = &losses});
    REQUIRE(annotations.size() == 2);
    const auto* box = annotations[1]->geometry.AsBox();
    REQUIRE(box != nullptr);
    // Two corners (0.2, 0.5) and (0.4, 1), not a box centred on (0.2, 0.5).
    CHECK(box->left == Approx(20));
    CHECK(box->top == Approx(25));
    CHECK(box->right == Approx(40));
    CHECK(box->bottom == Approx(50));
    const Loss* loss = find_loss(losses, "converted: a 5-value line in a file of polygons");
    REQUIRE(loss != nullptr);
    CHECK(loss->examples == std::vector<std::string>{"labels/a.txt:2"});
}

TEST_CASE("yolo: a confidence column is kept; pose, DOTA files are refused by name") {
    const std::vector<std::string> classes{"a", "b"};
    std::uint64_t next_id = 1;
    const auto predicted =
        yolo::parse_labels("p.txt", "1 0.5 0.5 0.2 0.2 0.875\n", classes, 10, 10, next_id);
    REQUIRE(predicted.size() == 1);
    REQUIRE(predicted[0]->provenance);
    CHECK(predicted[0]->provenance->confidence == 0.875f);
    CHECK(predicted[0]->geometry.AsBox()->left == Approx(4));

    const auto error = [&](std::string_view text) {
        return tessera::test::error_message(
            [&] { (void)yolo::parse_labels("k.txt", text, classes, 10, 10, next_id); });
    };
    CHECK(error("0 0.5 0.5 0.2 0.2 0.4 0.4 2 0.6 0.6 1 0.5 0.5 0\n") ==
          "k.txt:1:1: this looks like a YOLO pose label line (class, box, then x y visibility for "
          "each of 3 keypoints), which Tessera does not read");
    CHECK(error("10 20 30 20 30 40 10 40 car 0\n") ==
          "k.txt:1:1: this looks like a DOTA oriented-box label line (8 corner coordinates, a "
          "class name and a difficulty), which Tessera does not read");
    CHECK(error("0 0.1 0.1 0.5 0.1 0.5 0.6\n0 0.5 0.5 0.2 0.2 0.9\n") ==
          "k.txt:2:1: expected a class and 3 or more x y pairs (other lines of this file are "
          "polygons), found 6 values");

    TempDir dir;
    tessera::test::put(dir / "data.yaml", "kpt_shape: [17, 3]\nnames: [person]\n");
    try {
        (void)yolo::read(dir.path(), {});
        FAIL("read a pose dataset");
    } catch (const tessera::Error& e) {
        CHECK(std::string(e.what()) ==
              (dir / "data.yaml").generic_string() +
                  ": this is a YOLO pose dataset (data.yaml has kpt_shape), which Tessera does "
                  "not read");
    }
}

TEST_CASE("yolo: export writes dataset names, skips non-image items and copies media") {
    Dataset dataset = mixed_shapes();
    dataset.items[0].annotations.resize(1);
    dataset.items[0].subset = "train";
    TempDir dir;
    tessera::test::put(dir / "data/client/street/0001.png", "\x89PNG not really");
    dataset.items[0].media.uri = (dir / "data/client/street/0001.png").string();
    ImportedItem text;
    text.name = "labels/train/0001.txt";  // `tessera add` on a dataset root made this an item
    text.media.kind = v1::MediaKind::Text;
    dataset.items.push_back(std::move(text));

    Losses losses;
    yolo::write(tessera::test::DatasetSource(dataset), dir / "out",
                {.progress = {}, .losses = &losses, .copy_media = true});
    // The dataset name (street/0001.png), not the media URI, places the files.
    CHECK(tessera::read_file(dir / "out/labels/train/street/0001.txt") == "0 0.2 0.3 0.2 0.2\n");
    CHECK(tessera::read_file(dir / "out/images/train/street/0001.png") == "\x89PNG not really");
    CHECK_FALSE(fs::exists(dir / "out/labels/train/0001.txt"));
    CHECK_FALSE(fs::exists(dir / "out/labels/labels"));
    const Loss* skipped = find_loss(losses, "items that are not images");
    REQUIRE(skipped != nullptr);
    CHECK(skipped->examples == std::vector<std::string>{"item 2 (labels/train/0001.txt)"});
    CHECK(losses.total() == 1);
}
