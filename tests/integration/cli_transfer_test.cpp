// Drives `tessera add`, `import` and `export` on dataset-shaped folders: what
// add takes as media, the names exports write, per-image data kept on matched
// items, and the options every import and export takes (--strict, --json, a
// format's own options).

#include <catch2/catch.hpp>

#include "core/file_io.hpp"
#include "store/project.hpp"
#include "support/format_helpers.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

using tessera::test::put;
using tessera::test::put_png_header;
using tessera::test::run_cli;
using tessera::test::TempDir;
namespace fs = std::filesystem;
namespace v1 = tessera::v1;

namespace {

/// The media URI of every item of the project at `dir`.
std::vector<std::string> uris_of(const fs::path& dir) {
    std::vector<std::string> uris;
    for (const auto& item : tessera::store::Project::open(dir).items()) uris.push_back(item.uri);
    return uris;
}

/// Item `id` of the project at `dir`, unpacked.
v1::ItemT item_of(const fs::path& dir, std::uint64_t id) {
    const auto bytes = tessera::store::Project::open(dir).item(id);
    v1::ItemT item;
    flatbuffers::GetRoot<v1::Item>(bytes.data())->UnPackTo(&item);
    return item;
}

std::string metadata_of(const v1::ItemT& item, std::string_view key) {
    for (const auto& kv : item.metadata)
        if (kv->key == key) return kv->value;
    return {};
}

}  // namespace

TEST_CASE("add on a dataset root takes its images and documents, not its label and list files",
          "[integration][formats]") {
    TempDir dir;
    const fs::path data = dir / "data";
    put_png_header(data / "images/train/a.png", 8, 6);
    put(data / "labels/train/a.txt", "0 0.5 0.5 0.25 0.25\n");
    put(data / "classes.txt", "car\n");
    put(data / "data.yaml", "names: [car]\n");
    put(data / "train.txt", "images/train/a.png\n");
    put(data / "VOC/ImageSets/Main/train.txt", "a\n");
    put_png_header(data / "darknet/obj_train_data/b.png", 8, 6);
    put(data / "darknet/obj_train_data/b.txt", "0 0.5 0.5 0.25 0.25\n");
    put(data / "notes/interview.txt", "a document to annotate\n");
    REQUIRE(run_cli({"init", (dir / "p").string()}).exit_code == 0);

    const auto added = run_cli({"add", (dir / "p").string(), data.string()});
    REQUIRE(added.exit_code == 0);
    CHECK_THAT(added.out, Catch::Contains("5 annotation text files"));
    CHECK(uris_of(dir / "p") == std::vector<std::string>{"../data/darknet/obj_train_data/b.png",
                                                         "../data/images/train/a.png",
                                                         "../data/notes/interview.txt"});
    // Each item is named as in its dataset: relative to the folder added.
    CHECK(item_of(dir / "p", 2).name == "images/train/a.png");
}

TEST_CASE("an export writes the dataset's names, not the project's media paths",
          "[integration][formats]") {
    TempDir dir;
    put_png_header(dir / "client/images/street/0001.png", 40, 30);
    REQUIRE(run_cli({"init", (dir / "work/p").string()}).exit_code == 0);
    REQUIRE(
        run_cli({"add", (dir / "work/p").string(), (dir / "client/images").string()}).exit_code ==
        0);
    REQUIRE(uris_of(dir / "work/p") ==
            std::vector<std::string>{"../../client/images/street/0001.png"});

    const auto exported = run_cli({"export", (dir / "work/p").string(), "--format", "labelme",
                                   "--out", (dir / "out").string()});
    REQUIRE(exported.exit_code == 0);
    CHECK(fs::exists(dir / "out/street/0001.json"));
    CHECK_FALSE(fs::exists(dir / "out/client"));
}

TEST_CASE("an import keeps the file's per-image data on items that were already added",
          "[integration][formats]") {
    TempDir dir;
    put_png_header(dir / "p/images/0001.png", 40, 30);
    put(dir / "coco.json",
        R"({"images": [{"id": 5, "file_name": "0001.png", "width": 40, "height": 30, "license": 2,
                        "coco_url": "http://example.org/0001.png", "date_captured": "2021-05-01"}],
            "annotations": [{"id": 1, "image_id": 5, "category_id": 1, "bbox": [1, 2, 3, 4],
                             "area": 12, "iscrowd": 0, "segmentation": []}],
            "categories": [{"id": 1, "name": "car"}]})");
    REQUIRE(run_cli({"init", (dir / "p").string()}).exit_code == 0);
    REQUIRE(run_cli({"add", (dir / "p").string(), (dir / "p/images").string()}).exit_code == 0);

    const auto imported =
        run_cli({"import", (dir / "p").string(), "--format", "coco", (dir / "coco.json").string()});
    REQUIRE(imported.exit_code == 0);
    CHECK_THAT(imported.out, Catch::Contains("1 matched"));
    const v1::ItemT item = item_of(dir / "p", 1);
    CHECK(metadata_of(item, "coco:license") == "2");
    CHECK(metadata_of(item, "coco:coco_url") == "\"http://example.org/0001.png\"");
    CHECK(metadata_of(item, "coco:date_captured") == "\"2021-05-01\"");
    CHECK(item.name == "0001.png");
}

TEST_CASE("import and export take the options of their format and refuse others by name",
          "[integration][formats]") {
    TempDir dir;
    REQUIRE(run_cli({"init", (dir / "p").string()}).exit_code == 0);
    const auto wrong = run_cli({"export", (dir / "p").string(), "--format", "labelme",
                                "--yolo-task", "segment", "--out", (dir / "out").string()});
    CHECK(wrong.exit_code == 2);
    CHECK_THAT(wrong.err, Catch::Contains("unknown option --yolo-task (format labelme takes"));
    CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("import --json reports what it did as JSON", "[integration][formats]") {
    TempDir dir;
    put(dir / "a.json",
        R"({"version": "5.2.1", "flags": {}, "imagePath": "a.png", "imageData": null,
        "imageHeight": 30, "imageWidth": 40,
        "shapes": [{"label": "car", "points": [[1, 2], [5, 6]], "shape_type": "rectangle",
                    "group_id": null, "flags": {}, "description": ""}]})");
    REQUIRE(run_cli({"init", (dir / "p").string()}).exit_code == 0);
    const auto imported = run_cli({"import", (dir / "p").string(), "--format", "labelme", "--json",
                                   (dir / "a.json").string()});
    REQUIRE(imported.exit_code == 0);
    CHECK(
        imported.out ==
        R"({"items_matched":0,"items_created":1,"annotations":1,"classes_added":1,"unknown_labels":[],"not_carried":[]})"
        "\n");
}

namespace {

/// A labelme file with seven shapes: a box, a polygon, two polygons of one car
/// (group 1), a line strip, a point and a circle.
constexpr const char* kSevenShapes = R"({"version": "5.2.1", "flags": {}, "imagePath": "a.png",
  "imageData": null, "imageHeight": 30, "imageWidth": 40, "shapes": [
  {"label": "car", "points": [[1, 2], [5, 6]], "shape_type": "rectangle", "group_id": null, "flags": {}},
  {"label": "car", "points": [[10, 10], [14, 10], [14, 14]], "shape_type": "polygon", "group_id": null, "flags": {}},
  {"label": "bus", "points": [[20, 1], [24, 1], [24, 5]], "shape_type": "polygon", "group_id": 1, "flags": {}},
  {"label": "bus", "points": [[26, 1], [30, 1], [30, 5]], "shape_type": "polygon", "group_id": 1, "flags": {}},
  {"label": "lane", "points": [[0, 20], [10, 22], [20, 25]], "shape_type": "linestrip", "group_id": null, "flags": {}},
  {"label": "sign", "points": [[33, 3]], "shape_type": "point", "group_id": null, "flags": {}},
  {"label": "wheel", "points": [[8, 8], [10, 8]], "shape_type": "circle", "group_id": null, "flags": {}}]})";

/// The number of times `needle` occurs in `text`.
std::size_t count_of(const std::string& text, std::string_view needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++count;
    return count;
}

}  // namespace

TEST_CASE("an export says what the target format could not carry, and --strict writes nothing",
          "[integration][formats]") {
    TempDir dir;
    put(dir / "in/a.json", kSevenShapes);
    const std::string project = (dir / "p").string();
    REQUIRE(run_cli({"init", project}).exit_code == 0);
    REQUIRE(run_cli({"import", project, "--format", "labelme", (dir / "in/a.json").string()})
                .exit_code == 0);

    const auto exported =
        run_cli({"export", project, "--format", "coco", "--out", (dir / "out.json").string()});
    REQUIRE(exported.exit_code == 0);
    // The box, the polygon and the two-part bus: three annotations, the bus one of them.
    const std::string coco = tessera::read_file(dir / "out.json");
    CHECK(count_of(coco, "\"image_id\"") == 3);
    CHECK_THAT(exported.err, Catch::Contains("3 things not carried unchanged"));
    CHECK_THAT(exported.err,
               Catch::Contains("1 × Polyline annotations (COCO has no polylines), label lane"));
    CHECK_THAT(exported.err,
               Catch::Contains("1 × Point annotations (COCO has no single points), label sign"));
    CHECK_THAT(exported.err,
               Catch::Contains("1 × Circle annotations (COCO has no circles), label wheel"));

    const auto json = run_cli(
        {"export", project, "--format", "coco", "--json", "--out", (dir / "out2.json").string()});
    REQUIRE(json.exit_code == 0);
    CHECK_THAT(
        json.out,
        Catch::Contains(
            R"x("what":"Point annotations (COCO has no single points)","label":"sign","count":1)x"));

    const auto strict = run_cli(
        {"export", project, "--format", "coco", "--strict", "--out", (dir / "out.json").string()});
    CHECK(strict.exit_code == 1);
    CHECK_THAT(strict.err, Catch::Contains("--strict: "));
    CHECK(tessera::read_file(dir / "out.json") == coco);  // the old output, unchanged

    const auto strict_folder = run_cli(
        {"export", project, "--format", "voc", "--strict", "--out", (dir / "voc").string()});
    CHECK(strict_folder.exit_code == 1);
    CHECK_FALSE(fs::exists(dir / "voc"));
}

TEST_CASE("a multi-part instance keeps one identity from labelme to COCO and from COCO to labelme",
          "[integration][formats]") {
    TempDir dir;
    put(dir / "in/a.json", kSevenShapes);
    const std::string project = (dir / "p").string();
    REQUIRE(run_cli({"init", project}).exit_code == 0);
    REQUIRE(run_cli({"import", project, "--format", "labelme", (dir / "in/a.json").string()})
                .exit_code == 0);
    REQUIRE(
        run_cli({"export", project, "--format", "coco", "--out", (dir / "a.coco.json").string()})
            .exit_code == 0);

    // In COCO the two bus polygons are one annotation with two polygons ...
    const std::string coco = tessera::read_file(dir / "a.coco.json");
    CHECK(count_of(coco, "\"segmentation\":[[20,1,24,1,24,5],[26,1,30,1,30,5]]") == 1);

    // ... which, imported into another project and exported to labelme, are two
    // polygons sharing one group id again.
    const std::string other = (dir / "q").string();
    REQUIRE(run_cli({"init", other}).exit_code == 0);
    REQUIRE(
        run_cli({"import", other, "--format", "coco", (dir / "a.coco.json").string()}).exit_code ==
        0);
    REQUIRE(run_cli({"export", other, "--format", "labelme", "--out", (dir / "back").string()})
                .exit_code == 0);
    const std::string labelme = tessera::read_file(dir / "back/a.json");
    const auto first = labelme.find("\"bus\"");
    REQUIRE(first != std::string::npos);
    const auto second = labelme.find("\"bus\"", first + 1);
    REQUIRE(second != std::string::npos);
    const auto group_after = [&](std::size_t at) {
        const auto key = labelme.find("\"group_id\"", at);
        return labelme.substr(key, labelme.find_first_of(",}", key) - key);
    };
    CHECK(group_after(first) == group_after(second));
    CHECK(group_after(first) != "\"group_id\": null");
}
