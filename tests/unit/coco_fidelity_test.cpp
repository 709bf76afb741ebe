// COCO files as Datumaro, CVAT and labelme2coco write them pass through an import
// and an export unchanged, and what COCO cannot hold is noted, never dropped
// silently (issue 18). The sample files are in tests/data/coco/.

#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "builtin_formats.hpp"
#include "coco/coco.hpp"
#include "coco/coco_fidelity.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "formats/import.hpp"
#include "formats/losses.hpp"
#include "formats/project_source.hpp"
#include "store/project.hpp"
#include "support/dataset_source.hpp"
#include "support/format_helpers.hpp"
#include "support/temp_dir.hpp"

namespace v1 = tessera::v1;
namespace coco = tessera::formats::coco;
namespace fs = std::filesystem;
using tessera::formats::Dataset;
using tessera::formats::ImportedItem;
using tessera::formats::Loss;
using tessera::formats::Losses;
using tessera::test::DatasetSource;
using tessera::test::TempDir;

namespace {

const fs::path data = fs::path(TESSERA_SOURCE_DIR) / "tests" / "data" / "coco";
const fs::path datumaro_file = data / "datumaro" / "annotations" / "instances_train.json";

/// Parses `text` and returns each object of array `key`, re-serialised, keyed by
/// its "id" (annotations) — the way a consumer would look at them.
struct Parsed {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    explicit Parsed(const std::string& text) { root = parser.parse(text); }
    simdjson::dom::array array(const char* key) { return root[key].get_array(); }
    simdjson::dom::element by_id(const char* key, std::int64_t id) {
        for (simdjson::dom::element e : array(key))
            if (std::int64_t(e["id"]) == id) return e;
        FAIL("no " << key << " with id " << id);
        throw;
    }
};

std::string minified(simdjson::dom::element element) {
    return simdjson::minify(element);
}

/// The JSON `element` with every number as a double ("1.0" and "1" alike): what a
/// consumer that parses the file sees.
std::string canonical(simdjson::dom::element element) {
    switch (element.type()) {
        case simdjson::dom::element_type::ARRAY: {
            std::string out = "[";
            for (simdjson::dom::element e : element.get_array())
                out += (out.size() > 1 ? "," : "") + canonical(e);
            return out + "]";
        }
        case simdjson::dom::element_type::OBJECT: {
            std::map<std::string, std::string> fields;  // key order does not matter
            for (auto field : element.get_object())
                fields[std::string(field.key)] = canonical(field.value);
            std::string out = "{";
            for (const auto& [key, value] : fields)
                out += (out.size() > 1 ? "," : "") + key + ":" + value;
            return out + "}";
        }
        case simdjson::dom::element_type::INT64:
        case simdjson::dom::element_type::UINT64:
        case simdjson::dom::element_type::DOUBLE:
            return fmt::format("{}", double(element));
        default:
            return minified(element);
    }
}

std::string write(const Dataset& dataset, Losses* losses = nullptr,
                  coco::WriteStats* stats = nullptr) {
    tessera::formats::WriteOptions options;
    options.losses = losses;
    return coco::write_coco_text(DatasetSource(dataset), stats, options);
}

std::map<std::string, std::uint64_t> counts(const Losses& losses) {
    std::map<std::string, std::uint64_t> out;
    for (const Loss& loss : losses.all()) out[loss.what] += loss.count;
    return out;
}

std::unique_ptr<v1::AnnotationT> polygon(std::uint64_t id, std::string label, std::uint64_t group,
                                         std::vector<v1::Point2> points) {
    auto a = std::make_unique<v1::AnnotationT>();
    a->id = id;
    a->label = std::move(label);
    a->group = group;
    v1::PolygonT p;
    p.points = std::move(points);
    a->geometry.Set(std::move(p));
    return a;
}

std::string read_error(const fs::path& path) {
    return tessera::test::error_message([&] { (void)coco::read_coco_file(path); }, "<no error>");
}

}  // namespace

TEST_CASE("coco fidelity: a Datumaro file goes through read and write field for field") {
    const Dataset first = coco::read_coco_file(datumaro_file);
    TempDir dir;
    Losses losses;
    tessera::formats::WriteOptions options;
    options.losses = &losses;
    // Named as Datumaro names it, the file holds the items' subset.
    (void)coco::write_coco_file(DatasetSource(first), dir / "instances_train.json", options);
    const std::string text = tessera::read_file(dir / "instances_train.json");
    CHECK(losses.empty());
    Parsed in(tessera::read_file(datumaro_file)), out(text);

    // Top-level fields as they were.
    CHECK(canonical(out.root["info"]) == canonical(in.root["info"]));
    CHECK(canonical(out.root["licenses"]) == canonical(in.root["licenses"]));
    // Categories keep their ids, gaps and all.
    CHECK(
        minified(out.root["categories"]) ==
        R"([{"id":1,"name":"car","supercategory":"car"},{"id":3,"name":"person","supercategory":"person"},{"id":7,"name":"bicycle","supercategory":"bicycle"}])");
    // Every field pycocotools reads is there, with the file's values.
    for (simdjson::dom::element image : out.array("images")) {
        for (const char* key : {"id", "width", "height", "file_name"})
            CHECK(image[key].error() == simdjson::SUCCESS);
    }
    std::size_t n = 0;
    for (simdjson::dom::element written : out.array("annotations")) {
        ++n;
        for (const char* key :
             {"id", "image_id", "category_id", "bbox", "area", "iscrowd", "segmentation"})
            CHECK(written[key].error() == simdjson::SUCCESS);
        const simdjson::dom::element original =
            in.by_id("annotations", std::int64_t(written["id"]));
        // The whole object as it was.
        CHECK(canonical(written) == canonical(original));
    }
    CHECK(n == 4);

    // The Dataset read back is the first one.
    const Dataset second = coco::read_coco_text("again/instances_train.json", text);
    CHECK(tessera::test::dataset_differences(first, second).empty());
    REQUIRE(second.items.size() == 2);
    CHECK(second.items[0].subset == "train");
}

TEST_CASE("coco fidelity: info, licenses and type survive an import into a project and an export") {
    TempDir dir;
    const std::string file = R"({"type":"instances","info":{"description":"x","year":2024},)"
                             R"("licenses":[{"id":1,"name":"CC","url":"u"}],)"
                             R"("images":[{"id":1,"file_name":"a.jpg","width":4,"height":3}],)"
                             R"("annotations":[],"categories":[{"id":1,"name":"car"}]})";
    tessera::write_file_atomic(dir / "in.json", file);
    auto project = tessera::store::Project::create(dir / "p", "test");
    tessera::formats::ImportOptions options;
    options.author = "tester";
    (void)tessera::formats::import_file(project, tessera::formats::coco_format(), dir / "in.json",
                                        "in.json", options);
    tessera::formats::export_project(project, tessera::formats::coco_format(), dir / "out.json",
                                     {});
    Parsed out(tessera::read_file(dir / "out.json"));
    CHECK(minified(out.root["type"]) == R"("instances")");
    CHECK(minified(out.root["info"]) == R"({"description":"x","year":2024})");
    CHECK(minified(out.root["licenses"]) == R"([{"id":1,"name":"CC","url":"u"}])");
    // The image keeps its name, not the project's path to it.
    CHECK(minified(out.root["images"]) == R"([{"id":1,"file_name":"a.jpg","width":4,"height":3}])");
}

TEST_CASE(
    "coco fidelity: boxes have an empty segmentation; masks and polygons keep the file's bbox and "
    "area") {
    const Dataset dataset = coco::read_coco_file(datumaro_file);
    Parsed out(write(dataset));
    // Datumaro's mask extent, one pixel short of pycocotools' toBbox [0,0,2,10].
    CHECK(minified(out.by_id("annotations", 4)["bbox"]) == "[0,0,1,9]");
    CHECK(minified(out.by_id("annotations", 4)["area"]) == "20");
    // A polygon's area as the file counted it (pixels), not its shoelace area 12.5.
    CHECK(minified(out.by_id("annotations", 3)["area"]) == "14");
    CHECK(minified(out.by_id("annotations", 1)["segmentation"]) == "[]");

    // A mask changed beyond the file's bbox gets its own bbox and area again.
    Dataset changed = coco::read_coco_file(datumaro_file);
    auto& mask = *changed.items[1].annotations[0]->geometry.AsMask();
    mask.counts = {0, 40, 10};  // columns 0 to 3
    Parsed again(write(changed));
    CHECK(minified(again.by_id("annotations", 4)["bbox"]) == "[0,0,4,10]");
    CHECK(minified(again.by_id("annotations", 4)["area"]) == "40");
}

TEST_CASE("coco fidelity: the bbox of an RLE is pycocotools' toBbox") {
    using coco::detail::rle_bbox;
    const std::vector<std::uint32_t> column{0, 9, 1};  // one column of 9 rows, h = 10
    CHECK(rle_bbox(column, 10) == coco::detail::Bbox{0, 0, 1, 9});
    const std::vector<std::uint32_t> wrap{5, 10, 5};  // rows 5-9 of column 0, 0-4 of column 1
    CHECK(rle_bbox(wrap, 10) == coco::detail::Bbox{0, 0, 2, 10});
    const std::vector<std::uint32_t> empty{20};
    CHECK(rle_bbox(empty, 10) == coco::detail::Bbox{0, 0, 0, 0});
}

TEST_CASE("coco fidelity: polygons sharing a group and a label become one COCO annotation") {
    // As labelme gives them: two shapes with group_id 1, one with group 1 of another
    // label, and one without a group.
    Dataset dataset;
    ImportedItem item;
    item.name = "shapes.jpg";
    item.media.width = 100;
    item.media.height = 100;
    item.annotations.push_back(polygon(1, "car", 1, {{0, 0}, {10, 0}, {10, 10}}));
    item.annotations.push_back(polygon(2, "person", 1, {{50, 50}, {60, 50}, {60, 60}}));
    item.annotations.push_back(polygon(3, "car", 1, {{20, 20}, {40, 20}, {40, 30}, {20, 30}}));
    item.annotations.push_back(polygon(4, "car", 0, {{70, 70}, {80, 70}, {80, 80}}));
    dataset.items.push_back(std::move(item));
    Losses losses;
    Parsed out(write(dataset, &losses));
    REQUIRE(out.array("annotations").size() == 3);
    const auto merged = out.by_id("annotations", 1);
    CHECK(minified(merged["segmentation"]) == "[[0,0,10,0,10,10],[20,20,40,20,40,30,20,30]]");
    CHECK(minified(merged["bbox"]) == "[0,0,40,30]");
    CHECK(double(merged["area"]) == 50 + 200);
    // Read back: one MultiPolygon.
    const Dataset back = coco::read_coco_text("back.json", write(dataset));
    REQUIRE(back.items[0].annotations.size() == 3);
    CHECK(back.items[0].annotations[0]->geometry.type == v1::Geometry::MultiPolygon);
    // The lone person of group 1 loses its group number, and says so.
    CHECK(counts(losses) ==
          std::map<std::string, std::uint64_t>{
              {"group ids (COCO has none; polygons of one group and label become one annotation)",
               1}});
}

TEST_CASE("coco fidelity: what COCO cannot hold is noted, and --strict writes nothing") {
    Dataset dataset;
    ImportedItem item;
    item.name = "x.jpg";
    auto line = std::make_unique<v1::AnnotationT>();
    line->id = 1;
    line->label = "lane";
    v1::PolylineT polyline;
    polyline.points = {{0, 0}, {5, 5}};
    line->geometry.Set(std::move(polyline));
    item.annotations.push_back(std::move(line));
    auto point = std::make_unique<v1::AnnotationT>();
    point->id = 2;
    point->label = "lane";
    v1::PointT p;
    p.position = std::make_unique<v1::Point2>(1, 1);
    point->geometry.Set(std::move(p));
    item.annotations.push_back(std::move(point));
    auto tag = std::make_unique<v1::AnnotationT>();
    tag->id = 3;
    tag->label = "day";
    item.annotations.push_back(std::move(tag));
    auto holed = polygon(4, "lot", 0, {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {2, 2}, {4, 2}, {4, 4}});
    holed->geometry.AsPolygon()->ring_ends = {4, 7};
    holed->text = "P1";
    item.annotations.push_back(std::move(holed));
    auto flags = std::make_unique<v1::KeyValueT>();
    flags->key = "labelme:flags";
    flags->value = R"({"night":true})";
    item.metadata.push_back(std::move(flags));
    dataset.items.push_back(std::move(item));

    Losses losses;
    coco::WriteStats stats;
    (void)write(dataset, &losses, &stats);
    CHECK(counts(losses) ==
          std::map<std::string, std::uint64_t>{
              {"Polyline annotations (COCO has no polylines)", 1},
              {"Point annotations (COCO has no single points)", 1},
              {"tags without geometry (COCO instances have no image-level labels)", 1},
              {"polygon holes (COCO polygons have none; the outer ring is written)", 1},
              {"annotation text (COCO has no text)", 1},
              {"item metadata \"labelme:flags\" (COCO has no such field)", 1}});
    const std::vector<Loss> all = losses.all();
    REQUIRE(!all.empty());
    CHECK(all[0].examples == std::vector<std::string>{"item 1 (x.jpg)"});
    CHECK(stats.skipped ==
          std::map<std::string, std::uint64_t>{{"NONE", 1}, {"Point", 1}, {"Polyline", 1}});

    // Strict: the first loss stops the export before the file is replaced.
    TempDir dir;
    tessera::write_file_atomic(dir / "out.json", "old");
    Losses strict(true);
    tessera::formats::WriteOptions options;
    options.losses = &strict;
    CHECK_THROWS_AS(coco::write_coco_file(DatasetSource(dataset), dir / "out.json", options),
                    tessera::Error);
    CHECK(tessera::read_file(dir / "out.json") == "old");
}

TEST_CASE("coco fidelity: file names are the dataset's names, media are copied to images/") {
    TempDir dir;
    tessera::test::put(dir / "media" / "street" / "0001.png", "png bytes");
    Dataset dataset;
    ImportedItem item;
    item.name = "street/0001.png";
    item.media.uri = (dir / "media" / "street" / "0001.png").string();  // a project's path
    item.subset = "val";
    dataset.items.push_back(std::move(item));
    // DatasetSource gives the item its name, which is written instead of the URI.
    tessera::formats::WriteOptions options;
    options.copy_media = true;
    Losses losses;
    options.losses = &losses;
    std::filesystem::create_directories(dir / "out");
    (void)coco::write_coco_file(DatasetSource(dataset), dir / "out" / "instances_val.json",
                                options);
    CHECK(losses.empty());  // the subset is the one the file's name states
    const std::string name = "street/0001.png";
    CHECK(tessera::read_file(dir / "out" / "images" / name) == "png bytes");
    const Dataset back = coco::read_coco_file(dir / "out" / "instances_val.json");
    REQUIRE(back.items.size() == 1);
    CHECK(back.items[0].name == name);
    CHECK(back.items[0].subset == "val");
    CHECK(back.items[0].media_path == dir / "out" / "images" / name);

    // Another subset than the file's name states is noted.
    Losses other;
    options.losses = &other;
    options.copy_media = false;
    (void)coco::write_coco_file(DatasetSource(dataset), dir / "out" / "instances_train.json",
                                options);
    CHECK(other.total() == 1);
}

TEST_CASE("coco fidelity: person_keypoints with an empty skeleton import") {
    const fs::path file = data / "keypoints" / "person_keypoints_val.json";
    const Dataset dataset = coco::read_coco_file(file);
    REQUIRE(dataset.items.size() == 1);
    CHECK(dataset.items[0].subset == "val");
    REQUIRE(dataset.items[0].annotations.size() == 3);  // box + its keypoints, box
    CHECK(dataset.items[0].annotations[1]->geometry.type == v1::Geometry::Keypoints);
    REQUIRE(dataset.schema.skeletons.size() == 1);
    CHECK(dataset.schema.skeletons[0]->edges.empty());
    Parsed out(write(dataset));
    CHECK(minified(out.by_id("categories", 1)["skeleton"]) == "[]");
    CHECK(tessera::test::dataset_differences(
              dataset, coco::read_coco_text("person_keypoints_val.json", write(dataset)))
              .empty());
}

TEST_CASE("coco fidelity: panoptic, captions and results files are refused by name") {
    const fs::path variants = data / "variants";
    CHECK_THAT(
        read_error(variants / "panoptic_val.json"),
        Catch::EndsWith("panoptic_val.json:2:16: this is a COCO panoptic file (annotations with "
                        "\"segments_info\"), which Tessera does not read"));
    CHECK_THAT(
        read_error(variants / "captions_val.json"),
        Catch::EndsWith("captions_val.json:2:16: this is a COCO captions file (annotations with "
                        "\"caption\"), which Tessera does not read"));
    CHECK(read_error(variants / "results.json")
              .find("results.json:1:1: this is a COCO results file (a top-level array of "
                    "detections), which Tessera does not read") != std::string::npos);
}

TEST_CASE("coco fidelity: image-level labels import as tags") {
    const Dataset dataset = coco::read_coco_file(data / "variants" / "labels_train.json");
    REQUIRE(dataset.items.size() == 1);
    REQUIRE(dataset.items[0].annotations.size() == 1);
    const v1::AnnotationT& tag = *dataset.items[0].annotations[0];
    CHECK(tag.label == "dog");
    CHECK(tag.geometry.type == v1::Geometry::NONE);
    REQUIRE(tessera::test::attribute(tag, "score") != nullptr);
}
