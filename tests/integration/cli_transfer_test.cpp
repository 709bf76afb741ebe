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
    REQUIRE(run_cli({"add", (dir / "work/p").string(), (dir / "client/images").string()}).exit_code == 0);
    REQUIRE(uris_of(dir / "work/p") == std::vector<std::string>{"../../client/images/street/0001.png"});

    const auto exported = run_cli({"export", (dir / "work/p").string(), "--format", "labelme", "--out",
                                   (dir / "out").string()});
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

    const auto imported = run_cli({"import", (dir / "p").string(), "--format", "coco", (dir / "coco.json").string()});
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
    const auto wrong = run_cli({"export", (dir / "p").string(), "--format", "labelme", "--yolo-task",
                                "segment", "--out", (dir / "out").string()});
    CHECK(wrong.exit_code == 2);
    CHECK_THAT(wrong.err, Catch::Contains("unknown option --yolo-task (format labelme takes"));
    CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("import --json reports what it did as JSON", "[integration][formats]") {
    TempDir dir;
    put(dir / "a.json", R"({"version": "5.2.1", "flags": {}, "imagePath": "a.png", "imageData": null,
        "imageHeight": 30, "imageWidth": 40,
        "shapes": [{"label": "car", "points": [[1, 2], [5, 6]], "shape_type": "rectangle",
                    "group_id": null, "flags": {}, "description": ""}]})");
    REQUIRE(run_cli({"init", (dir / "p").string()}).exit_code == 0);
    const auto imported =
        run_cli({"import", (dir / "p").string(), "--format", "labelme", "--json", (dir / "a.json").string()});
    REQUIRE(imported.exit_code == 0);
    CHECK(imported.out ==
          R"({"items_matched":0,"items_created":1,"annotations":1,"classes_added":1,"unknown_labels":[],"not_carried":[]})"
          "\n");
}
