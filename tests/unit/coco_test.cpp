// COCO instances: reading, writing, round trips and malformed input.

#include <fstream>
#include <random>

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "builtin_formats.hpp"
#include "coco/coco.hpp"
#include "coco/coco_read_internal.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/json_text.hpp"
#include "formats/import.hpp"
#include "store/project.hpp"
#include "support/dataset_source.hpp"
#include "support/format_helpers.hpp"
#include "support/temp_dir.hpp"

namespace v1 = tessera::v1;
namespace coco = tessera::formats::coco;
using tessera::formats::Dataset;
using tessera::formats::ImportedItem;
using tessera::test::DatasetSource;
using tessera::test::TempDir;

using tessera::test::attribute;

namespace {

// Everything the module reads, in an unusual order: annotations first, categories last.
constexpr std::string_view sample = R"({
"info": {"description": "测试", "year": 2024},
"annotations": [
 {"id": 10, "image_id": 1, "category_id": 3, "bbox": [10, 20, 30, 40], "area": 1200, "iscrowd": 0,
  "attributes": {"occluded": true, "count": 3, "score": 0.5, "ratio": 2.0, "color": "红", "tags": ["a", "b"], "none": null},
  "track_id": 7, "note": {"by": ["x", 1]}},
 {"id": 11, "image_id": 1, "category_id": 4, "segmentation": [[1, 1, 5, 1, 5, 4]], "bbox": [1, 1, 4, 3]},
 {"id": 12, "image_id": 2, "category_id": 5, "segmentation": [[0, 0, 2, 0, 2, 2], [4, 4, 6, 4, 6, 6, 4, 6]], "bbox": [0, 0, 6, 6]},
 {"id": 13, "image_id": 2, "category_id": 6, "iscrowd": 1, "segmentation": {"size": [3, 4], "counts": [1, 2, 3, 6]}, "bbox": [0, 0, 3, 3]},
 {"id": 14, "image_id": 3, "category_id": 7, "segmentation": {"size": [2, 3], "counts": "1210"}, "bbox": [0, 1, 2, 1]},
 {"id": 15, "image_id": 3, "category_id": 1, "bbox": [100, 100, 50, 80], "num_keypoints": 2,
  "keypoints": [110, 120, 2, 0, 0, 0, 130.5, 140.25, 1]},
 {"id": 16, "image_id": 3, "category_id": 1, "keypoints": [1, 2, 2, 3, 4, 2, 0, 0, 0]}
],
"images": [
 {"id": 1, "file_name": "a.jpg", "width": 640, "height": 480, "license": 2, "coco_url": "http://x/a.jpg", "date_captured": "2013-11-14 17:02:52", "extra": {"k": [1, 2]}},
 {"id": 2, "file_name": "sub/b.png", "width": 4, "height": 3},
 {"id": 3, "file_name": "c.jpg", "width": 3, "height": 2}
],
"licenses": [{"id": 2, "name": "CC"}],
"categories": [
 {"id": 1, "name": "person", "supercategory": "person", "keypoints": ["nose", "left_eye", "right_eye"], "skeleton": [[1, 2], [1, 3]]},
 {"id": 3, "name": "car", "supercategory": "vehicle"},
 {"id": 4, "name": "行人", "supercategory": ""},
 {"id": 5, "name": "ꆈꌠ", "supercategory": "人"},
 {"id": 6, "name": "ئۇيغۇر", "supercategory": "ꆈꌠ", "isthing": 1},
 {"id": 7, "name": "truck", "supercategory": "vehicle"}
]
})";

Dataset read(std::string_view text, const std::filesystem::path& name = "coco.json") {
    return coco::read_coco_text(name, text);
}

const ImportedItem& item_named(const Dataset& dataset, std::string_view name) {
    for (const auto& item : dataset.items)
        if (item.name == name) return item;
    FAIL("no item " << name);
    throw;
}

std::string metadata(const std::vector<std::unique_ptr<v1::KeyValueT>>& list,
                     std::string_view key) {
    for (const auto& kv : list)
        if (kv->key == key) return kv->value;
    return "<absent>";
}

const v1::LabelClassT* find_class(const Dataset& dataset, std::string_view key) {
    for (const auto& cls : dataset.schema.classes)
        if (cls->key == key) return cls.get();
    return nullptr;
}

std::size_t class_position(const Dataset& dataset, std::string_view key) {
    for (std::size_t i = 0; i < dataset.schema.classes.size(); ++i)
        if (dataset.schema.classes[i]->key == key) return i;
    return SIZE_MAX;
}

std::string write(const Dataset& dataset, coco::WriteStats* stats = nullptr) {
    const DatasetSource source(dataset);
    return coco::write_coco_text(source, stats);
}

std::string read_error(std::string_view text) {
    return tessera::test::error_message([&] { (void)read(text); }, "<no error>");
}

std::unique_ptr<v1::AnnotationT> annotation(std::uint64_t id, std::string label) {
    auto a = std::make_unique<v1::AnnotationT>();
    a->id = id;
    a->label = std::move(label);
    return a;
}

}  // namespace

TEST_CASE("coco: images become items with size, media file and kept fields") {
    TempDir dir;
    std::filesystem::create_directories(dir / "images/sub");
    tessera::write_file_atomic(dir / "images/sub/b.png", "png");
    tessera::write_file_atomic(dir / "c.jpg", "jpg");
    const Dataset dataset = read(sample, dir / "coco.json");

    REQUIRE(dataset.items.size() == 3);
    const ImportedItem& a = dataset.items[0];
    CHECK(a.name == "a.jpg");
    CHECK(a.media.kind == v1::MediaKind::Image);
    CHECK(a.media.width == 640);
    CHECK(a.media.height == 480);
    CHECK(a.media_path.empty());
    CHECK(metadata(a.metadata, "coco:license") == "2");
    CHECK(metadata(a.metadata, "coco:coco_url") == "\"http://x/a.jpg\"");
    CHECK(metadata(a.metadata, "coco:date_captured") == "\"2013-11-14 17:02:52\"");
    CHECK(metadata(a.metadata, "coco:extra") == "{\"k\": [1, 2]}");
    CHECK(metadata(a.metadata, "coco:id") == "1");
    CHECK(dataset.items[1].media_path == dir / "images/sub/b.png");
    CHECK(dataset.items[2].media_path == dir / "c.jpg");
    CHECK(metadata(dataset.schema.metadata, "coco:licenses") == "[{\"id\": 2, \"name\": \"CC\"}]");
}

namespace {

/// What reading `text` gives: the error, the Dataset written back as COCO, or
/// (by value) "<whole>" when only the whole document's parse can tell.
std::string outcome(std::string_view text, bool by_value) {
    try {
        const tessera::JsonText json("coco.json", text);
        std::optional<Dataset> dataset;
        if (by_value) {
            dataset = coco::detail::read_coco_by_value(json, {}, {});
            if (!dataset) return "<whole>";
        } else {
            dataset = coco::detail::read_coco_whole(json, {}, {});
        }
        std::string out = write(*dataset);
        // What the writer leaves out: where media was found, and which keypoints
        // have a parent.
        for (const ImportedItem& item : dataset->items) {
            out += "\n" + item.media_path.string();
            for (const auto& a : item.annotations) out += fmt::format(" {}<{}", a->id, a->parent);
        }
        return out;
    } catch (const tessera::Error& e) {
        return std::string("error: ") + e.what();
    }
}

}  // namespace

// read_coco_file parses each top-level value, and each image and annotation, on
// its own; it must give what parsing the whole document gives, errors included.
TEST_CASE("coco: reading value by value gives what reading the whole document gives") {
    const std::vector<std::string> inputs{
        std::string(sample),
        "\xEF\xBB\xBF" + std::string(sample),
        R"({"images":[],"type":"instances","n":-1.5e3,"ok":true,"none":null,"s":"a\"b"})",
        R"( { "images" : [ ] , "annotations" : [ ] } )",
        R"({"images":[{"id":1,"file_name":"a.jpg"}],"annotations":[1]})",
        R"({"images":[{"id":1,"file_name":"a.jpg"}],"annotations":[{"image_id":1,"category_id":1,"bbox":[1,2,3,4]},]})",
        R"({"images":[{"id":1,"file_name":"a.jpg"},{"id":2,"file_name":"a.jpg"} {"id":3}]})",
        R"({"images":{"id":1},"annotations":"none"})",
        R"({"imag\u0065s":[]})",
        R"({"images":[],"x":[1,2}})",
        R"({"images":[]},)",
        R"({"images":[], "a":1 "b":2})",
        "{\"images\":[],\"caf\xe9\":1}",
        "{\"images\":[{\"id\":1,\"file_name\":\"caf\xe9.jpg\"}]}",
        R"({"images":[{"id":1,"file_name":"a.jpg","width":4)",
        R"({"images":[]} {})",
        R"([{"id":1}])",
        "",
    };
    for (const std::string& input : inputs) {
        CAPTURE(input);
        const std::string by_value = outcome(input, true);
        if (by_value != "<whole>") CHECK(by_value == outcome(input, false));
    }
    // Well-formed files read by value, without falling back.
    CHECK(outcome(inputs[0], true) == outcome(inputs[0], false));
    CHECK(outcome(inputs[1], true) == outcome(inputs[1], false));
    CHECK(outcome(inputs[2], true) == outcome(inputs[2], false));
    CHECK(outcome(inputs[3], true) == outcome(inputs[3], false));
    // The sample with one byte changed: mostly errors, some files that still read.
    std::mt19937 random(20261205);
    const std::string_view replacements = "{}[]\",:\\ 0-e.x";
    std::size_t read_by_value = 0;
    for (int n = 0; n < 3000; ++n) {
        std::string input(sample);
        const std::size_t at = random() % input.size();
        if (n % 3 == 0) {
            input.erase(at, 1);
        } else {
            input[at] = replacements[random() % replacements.size()];
        }
        CAPTURE(input);
        const std::string by_value = outcome(input, true);
        if (by_value == "<whole>") continue;
        CHECK(by_value == outcome(input, false));
        ++read_by_value;
    }
    CHECK(read_by_value > 100);  // the comparison covered files that read
}

TEST_CASE("coco: a UTF-8 byte order mark is skipped") {
    const Dataset dataset = read("\xEF\xBB\xBF{\"images\":[{\"id\":1,\"file_name\":\"图.jpg\"}]}");
    REQUIRE(dataset.items.size() == 1);
    CHECK(dataset.items[0].name == "图.jpg");
    CHECK(read_error("\xEF\xBB\xBF{\"images\":[{\"id\":1}]}") ==
          "coco.json:1:15: image 1: missing required field \"file_name\"");
}

TEST_CASE("coco: media files are found for many images") {
    TempDir dir;
    std::filesystem::create_directories(dir / "ann");
    std::filesystem::create_directories(dir / "images");
    std::string text = R"({"images":[)";
    for (int i = 1; i <= 100; ++i) {
        if (i > 1) text += ',';
        text += fmt::format(R"({{"id":{},"file_name":"{}.jpg"}})", i, i);
        if (i % 2 == 0) tessera::write_file_atomic(dir / fmt::format("images/{}.jpg", i), "jpg");
    }
    text += "]}";
    const Dataset dataset = read(text, dir / "ann/coco.json");
    REQUIRE(dataset.items.size() == 100);
    for (int i = 1; i <= 100; ++i) {
        INFO(i);
        const std::filesystem::path expected =
            i % 2 == 0 ? (dir / "ann/../images").lexically_normal() / fmt::format("{}.jpg", i)
                       : std::filesystem::path();
        CHECK(dataset.items[i - 1].media_path == expected);
    }
}

TEST_CASE("coco: categories become classes with supercategory parents and skeletons") {
    const Dataset dataset = read(sample);
    const v1::LabelClassT* car = find_class(dataset, "car");
    REQUIRE(car != nullptr);
    CHECK(car->parent == "vehicle");
    CHECK(metadata(car->metadata, "coco:category_id") == "3");
    // An undeclared supercategory becomes a class, listed before its children.
    const v1::LabelClassT* vehicle = find_class(dataset, "vehicle");
    REQUIRE(vehicle != nullptr);
    CHECK(vehicle->parent.empty());
    CHECK(metadata(vehicle->metadata, "coco:category_id") == "<absent>");
    CHECK(class_position(dataset, "vehicle") < class_position(dataset, "car"));
    CHECK(find_class(dataset, "person")->parent.empty());  // supercategory == name
    CHECK(find_class(dataset, "行人")->parent.empty());
    // A supercategory declared as a category later in the file comes first too.
    CHECK(find_class(dataset, "ئۇيغۇر")->parent == "ꆈꌠ");
    CHECK(find_class(dataset, "ꆈꌠ")->parent == "人");
    CHECK(class_position(dataset, "人") < class_position(dataset, "ꆈꌠ"));
    CHECK(class_position(dataset, "ꆈꌠ") < class_position(dataset, "ئۇيغۇر"));
    CHECK(metadata(find_class(dataset, "ئۇيغۇر")->metadata, "coco:isthing") == "1");

    CHECK(find_class(dataset, "person")->skeleton == "person");
    REQUIRE(dataset.schema.skeletons.size() == 1);
    const v1::SkeletonT& skeleton = *dataset.schema.skeletons[0];
    CHECK(skeleton.key == "person");
    CHECK(skeleton.points == std::vector<std::string>{"nose", "left_eye", "right_eye"});
    REQUIRE(skeleton.edges.size() == 2);
    CHECK(skeleton.edges[0].from() == 0);  // COCO's [1, 2] is 0-based [0, 1]
    CHECK(skeleton.edges[0].to() == 1);
    CHECK(skeleton.edges[1].to() == 2);
}

TEST_CASE("coco: annotations become boxes, polygons, masks and keypoints") {
    const Dataset dataset = read(sample);
    const ImportedItem& a = item_named(dataset, "a.jpg");
    REQUIRE(a.annotations.size() == 2);

    const v1::AnnotationT& car = *a.annotations[0];
    CHECK(car.id == 1);
    CHECK(car.label == "car");
    CHECK(!car.provenance);  // the importer marks it imported
    REQUIRE(car.geometry.AsBox() != nullptr);
    CHECK(car.geometry.AsBox()->left == 10);
    CHECK(car.geometry.AsBox()->top == 20);
    CHECK(car.geometry.AsBox()->right == 40);
    CHECK(car.geometry.AsBox()->bottom == 60);
    CHECK(attribute(car, "iscrowd") == nullptr);
    CHECK(attribute(car, "occluded")->type == v1::AttributeType::Bool);
    CHECK(attribute(car, "occluded")->bool_value);
    CHECK(attribute(car, "count")->type == v1::AttributeType::Int);
    CHECK(attribute(car, "count")->int_value == 3);
    CHECK(attribute(car, "score")->type == v1::AttributeType::Float);
    CHECK(attribute(car, "score")->float_value == 0.5);
    CHECK(attribute(car, "ratio")->type == v1::AttributeType::Float);
    CHECK(attribute(car, "color")->string_value == "红");
    CHECK(attribute(car, "tags")->strings == std::vector<std::string>{"a", "b"});
    CHECK(attribute(car, "none") == nullptr);
    CHECK(metadata(car.metadata, "coco:track_id") == "7");
    CHECK(metadata(car.metadata, "coco:note") == "{\"by\": [\"x\", 1]}");
    CHECK(metadata(car.metadata, "coco:area") == "<absent>");

    const v1::AnnotationT& pedestrian = *a.annotations[1];
    CHECK(pedestrian.label == "行人");
    REQUIRE(pedestrian.geometry.AsPolygon() != nullptr);
    CHECK(pedestrian.geometry.AsPolygon()->points ==
          std::vector<v1::Point2>{{1, 1}, {5, 1}, {5, 4}});

    const ImportedItem& b = item_named(dataset, "sub/b.png");
    REQUIRE(b.annotations.size() == 2);
    const auto* multi = b.annotations[0]->geometry.AsMultiPolygon();
    REQUIRE(multi != nullptr);
    REQUIRE(multi->polygons.size() == 2);
    CHECK(multi->polygons[1]->points.size() == 4);
    CHECK(multi->polygons[1]->points[2] == v1::Point2(6, 6));
    const v1::AnnotationT& crowd = *b.annotations[1];
    REQUIRE(crowd.geometry.AsMask() != nullptr);
    CHECK(crowd.geometry.AsMask()->height == 3);
    CHECK(crowd.geometry.AsMask()->width == 4);
    CHECK(crowd.geometry.AsMask()->counts == std::vector<std::uint32_t>{1, 2, 3, 6});
    REQUIRE(attribute(crowd, "iscrowd") != nullptr);
    CHECK(attribute(crowd, "iscrowd")->type == v1::AttributeType::Bool);
    CHECK(attribute(crowd, "iscrowd")->bool_value);

    const ImportedItem& c = item_named(dataset, "c.jpg");
    REQUIRE(c.annotations.size() == 4);
    REQUIRE(c.annotations[0]->geometry.AsMask() != nullptr);  // compressed "1210"
    CHECK(c.annotations[0]->geometry.AsMask()->counts == std::vector<std::uint32_t>{1, 2, 1, 2});
    // A box with keypoints: the keypoints are a child of the box.
    const v1::AnnotationT& person = *c.annotations[1];
    const v1::AnnotationT& joints = *c.annotations[2];
    REQUIRE(person.geometry.AsBox() != nullptr);
    CHECK(person.geometry.AsBox()->right == 150);
    CHECK(joints.label == "person");
    CHECK(joints.parent == person.id);
    REQUIRE(joints.geometry.AsKeypoints() != nullptr);
    const v1::KeypointsT& k = *joints.geometry.AsKeypoints();
    CHECK(k.skeleton == "person");
    CHECK(k.points[2] == v1::Point2(130.5, 140.25));
    CHECK(k.visibility == std::vector<v1::Visibility>{v1::Visibility::Visible,
                                                      v1::Visibility::NotLabeled,
                                                      v1::Visibility::Occluded});
    // Keypoints without bbox or segmentation stand alone.
    const v1::AnnotationT& alone = *c.annotations[3];
    CHECK(alone.parent == 0);
    CHECK(alone.geometry.type == v1::Geometry::Keypoints);

    // Ids are 1, 2, ... across the whole file, in file order.
    std::vector<std::uint64_t> ids;
    for (const auto& item : dataset.items)
        for (const auto& a : item.annotations) ids.push_back(a->id);
    std::sort(ids.begin(), ids.end());
    CHECK(ids == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8});
}

TEST_CASE("coco: compressed RLE strings decode as pycocotools encodes them") {
    std::vector<std::uint32_t> counts;
    std::string error;
    // By hand: 5 -> "5"; 100 = 4 + 3*32 -> 'T' (4|0x20 + 48), '3'; 3 -> "3"; from the fourth
    // run on, the difference to the run two before: 90-100 = -10 -> 'F', 2-3 = -1 -> 'O'.
    REQUIRE(coco::decode_rle_string("5T33FO", counts, error));
    CHECK(counts == std::vector<std::uint32_t>{5, 100, 3, 90, 2});
    CHECK(coco::encode_rle_string(counts) == "5T33FO");

    const std::vector<std::uint32_t> runs{0, 1, 480 * 640 - 7, 5, 1, 70000, 4294967295u, 0, 12};
    REQUIRE(coco::decode_rle_string(coco::encode_rle_string(runs), counts, error));
    CHECK(counts == runs);

    CHECK_FALSE(coco::decode_rle_string("5T", counts, error));
    CHECK(error == "run 2 at character 2 is cut off");
    CHECK_FALSE(coco::decode_rle_string("12 3", counts, error));
    CHECK(error == "character 3 is not part of a compressed RLE string");
    CHECK_FALSE(coco::decode_rle_string("0O", counts, error));  // -1 as a first-colour run
    CHECK(error == "run 2 at character 2 decodes to -1, expected 0 to 4294967295");
}

TEST_CASE("coco: read, write, read keeps annotations, labels and attributes") {
    const Dataset first = read(sample);
    coco::WriteStats stats;
    const std::string text = write(first, &stats);
    CHECK(stats.images == 3);
    CHECK(stats.annotations == 7);  // the keypoints of the box merged into its object
    CHECK(stats.skipped.empty());
    const Dataset second = read(text, "exported.json");

    const std::vector<std::string> differences = tessera::test::dataset_differences(first, second);
    CHECK(differences == std::vector<std::string>{});
    // What the comparison does not cover: kept fields, classes and skeletons.
    CHECK(metadata(second.items[0].metadata, "coco:extra") == "{\"k\": [1, 2]}");
    CHECK(metadata(second.items[0].metadata, "coco:coco_url") == "\"http://x/a.jpg\"");
    CHECK(metadata(item_named(second, "a.jpg").annotations[0]->metadata, "coco:track_id") == "7");
    CHECK(metadata(second.schema.metadata, "coco:info") ==
          "{\"description\": \"测试\", \"year\": 2024}");
    REQUIRE(second.schema.classes.size() == first.schema.classes.size());
    for (const auto& cls : first.schema.classes) {
        INFO(cls->key);
        const v1::LabelClassT* again = find_class(second, cls->key);
        REQUIRE(again != nullptr);
        CHECK(again->parent == cls->parent);
        CHECK(again->skeleton == cls->skeleton);
        CHECK(metadata(again->metadata, "coco:category_id") ==
              metadata(cls->metadata, "coco:category_id"));
    }
    REQUIRE(second.schema.skeletons.size() == 1);
    CHECK(second.schema.skeletons[0]->points == first.schema.skeletons[0]->points);
    CHECK(second.schema.skeletons[0]->edges == first.schema.skeletons[0]->edges);
    // Once through, the text is stable.
    CHECK(write(second) == text);
}

TEST_CASE("coco: the written JSON follows COCO's layout") {
    const std::string text = write(read(sample));
    // The crowd mask: uncompressed RLE, iscrowd 1, the file's bbox (within a pixel of
    // the mask's [0,0,4,3]), area = foreground.
    CHECK(
        text.find(
            R"({"id":4,"image_id":2,"category_id":6,"segmentation":{"size":[3,4],"counts":[1,2,3,6]},"area":8,"bbox":[0,0,3,3],"iscrowd":1})") !=
        std::string::npos);
    // Box with attributes and kept fields; Float 2.0 keeps its fraction.
    CHECK(
        text.find(
            R"({"id":1,"image_id":1,"category_id":3,"segmentation":[],"area":1200,"bbox":[10,20,30,40],"attributes":{"color":"红","count":3,"occluded":true,"ratio":2.0,"score":0.5,"tags":["a","b"]},"iscrowd":0,"track_id":7,"note":{"by": ["x", 1]}})") !=
        std::string::npos);
    // Keypoints merged into their box, num_keypoints counting labelled points.
    CHECK(
        text.find(
            R"("bbox":[100,100,50,80],"iscrowd":0,"keypoints":[110,120,2,0,0,0,130.5,140.25,1],"num_keypoints":2})") !=
        std::string::npos);
    // Categories: supercategory = parent, or the class itself for a root; the
    // undeclared group "vehicle" is not written; keypoints with a 1-based skeleton.
    CHECK(
        text.find(
            R"({"id":1,"name":"person","supercategory":"person","keypoints":["nose","left_eye","right_eye"],"skeleton":[[1,2],[1,3]]})") !=
        std::string::npos);
    CHECK(text.find(R"({"id":3,"name":"car","supercategory":"vehicle"})") != std::string::npos);
    CHECK(text.find(R"({"id":4,"name":"行人","supercategory":"行人"})") != std::string::npos);
    CHECK(text.find(R"("name":"vehicle")") == std::string::npos);
    CHECK(text.find(R"({"id":6,"name":"ئۇيغۇر","supercategory":"ꆈꌠ","isthing":1})") !=
          std::string::npos);
    CHECK(text.find(R"({"id":1,"file_name":"a.jpg","width":640,"height":480,"license":2,)") !=
          std::string::npos);
    CHECK(text.starts_with(R"({"info":{"description": "测试", "year": 2024},"licenses":)"));
}

TEST_CASE("coco: writing shapes COCO cannot express") {
    Dataset dataset;
    auto cls = std::make_unique<v1::LabelClassT>();
    cls->key = "lane";
    auto id = std::make_unique<v1::KeyValueT>();
    id->key = "coco:category_id";
    id->value = "9";
    cls->metadata.push_back(std::move(id));
    dataset.schema.classes.push_back(std::move(cls));
    auto zero = std::make_unique<v1::LabelClassT>();  // 0 is a valid COCO id
    zero->key = "background";
    auto zero_id = std::make_unique<v1::KeyValueT>();
    zero_id->key = "coco:category_id";
    zero_id->value = "0";
    zero->metadata.push_back(std::move(zero_id));
    dataset.schema.classes.push_back(std::move(zero));
    ImportedItem item;
    item.name = "x.jpg";
    item.media.width = 10;
    item.media.height = 10;

    auto holed = annotation(1, "lane");
    v1::PolygonT polygon;
    polygon.points = {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {2, 2}, {4, 2}, {4, 4}};
    polygon.ring_ends = {4, 7};
    holed->geometry.Set(std::move(polygon));
    item.annotations.push_back(std::move(holed));

    auto line = annotation(2, "lane");
    v1::PolylineT polyline;
    polyline.points = {{0, 0}, {5, 5}};
    line->geometry.Set(std::move(polyline));
    item.annotations.push_back(std::move(line));

    auto rotated = annotation(3, "sign");  // a label the schema does not declare
    v1::RotatedBoxT r;
    r.center = std::make_unique<v1::Point2>(5, 5);
    r.width = 4;
    r.height = 2;
    rotated->geometry.Set(std::move(r));
    auto score = std::make_unique<v1::AttributeT>();
    score->key = "score";
    score->type = v1::AttributeType::Float;
    score->float_value = 3;
    rotated->attributes.push_back(std::move(score));
    item.annotations.push_back(std::move(rotated));
    dataset.items.push_back(std::move(item));

    coco::WriteStats stats;
    const std::string text = write(dataset, &stats);
    CHECK(stats.annotations == 2);
    CHECK(stats.holes_dropped == 1);
    CHECK(stats.skipped == std::map<std::string, std::uint64_t>{{"Polyline", 1}});
    CHECK(
        text.find(
            R"("category_id":9,"segmentation":[[0,0,10,0,10,10,0,10]],"area":98,"bbox":[0,0,10,10])") !=
        std::string::npos);
    CHECK(text.find(R"({"id":0,"name":"background","supercategory":"background"})") !=
          std::string::npos);
    CHECK(text.find(R"({"id":1,"name":"sign","supercategory":"sign"})") != std::string::npos);

    const Dataset back = read(text);
    REQUIRE(back.items.size() == 1);
    REQUIRE(back.items[0].annotations.size() == 2);
    const auto* corners = back.items[0].annotations[1]->geometry.AsPolygon();
    REQUIRE(corners != nullptr);
    CHECK(corners->points == std::vector<v1::Point2>{{3, 4}, {7, 4}, {7, 6}, {3, 6}});
    const v1::AttributeT* kept = attribute(*back.items[0].annotations[1], "score");
    REQUIRE(kept != nullptr);
    CHECK(kept->type == v1::AttributeType::Float);
    CHECK(kept->float_value == 3);
}

TEST_CASE("coco: keypoints merge only into a parent of the same label") {
    Dataset dataset;
    ImportedItem item;
    item.name = "k.jpg";
    auto box = annotation(1, "person");
    v1::BoxT b;
    b.right = 10;
    b.bottom = 20;
    box->geometry.Set(std::move(b));
    const auto keypoints = [](std::uint64_t id, std::string label) {
        auto k = annotation(id, std::move(label));
        k->parent = 1;
        v1::KeypointsT points;
        points.points = {{1, 2}, {3, 4}};
        points.visibility = {v1::Visibility::Visible, v1::Visibility::Occluded};
        k->geometry.Set(std::move(points));
        return k;
    };
    item.annotations.push_back(std::move(box));
    item.annotations.push_back(keypoints(2, "face"));    // another label: alone
    item.annotations.push_back(keypoints(3, "person"));  // merged into the box
    dataset.items.push_back(std::move(item));

    const std::string text = write(dataset);
    CHECK(
        text.find(
            R"({"id":1,"image_id":1,"category_id":1,"segmentation":[],"area":200,"bbox":[0,0,10,20],"iscrowd":0,"keypoints":[1,2,2,3,4,1],"num_keypoints":2})") !=
        std::string::npos);
    CHECK(
        text.find(
            R"({"id":2,"image_id":1,"category_id":2,"segmentation":[],"area":4,"bbox":[1,2,2,2],"iscrowd":0,"keypoints":[1,2,2,3,4,1],"num_keypoints":2})") !=
        std::string::npos);
    const Dataset back = read(text);
    REQUIRE(back.items[0].annotations.size() == 3);
    CHECK(back.items[0].annotations[0]->geometry.type == v1::Geometry::Box);
    CHECK(back.items[0].annotations[1]->parent == back.items[0].annotations[0]->id);
    CHECK(back.items[0].annotations[2]->label == "face");
    CHECK(back.items[0].annotations[2]->parent == 0);
}

TEST_CASE("coco: reading reports how far it got") {
    std::string text =
        R"({"images":[{"id":1,"file_name":"a.jpg"}],"categories":[{"id":1,"name":"car"}],)"
        R"("annotations":[)";
    for (int n = 0; n < 10000; ++n)
        text +=
            fmt::format(R"({}{{"image_id":1,"category_id":1,"bbox":[{},2,3,4]}})", n ? "," : "", n);
    text += "]}";
    std::vector<std::uint64_t> progress;
    tessera::formats::ReadOptions options;
    options.progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.push_back(done);
        CHECK(total == text.size());
    };
    (void)coco::read_coco_text("coco.json", text, options);
    // After 4096 and 8192 annotations, then at the end.
    REQUIRE(progress.size() == 3);
    CHECK(progress[0] > text.size() * 4096 / 10000 * 9 / 10);
    CHECK(progress[0] < progress[1]);
    CHECK(progress[1] < text.size());
    CHECK(progress[2] == text.size());
}

TEST_CASE("coco: the registered format reads and writes files") {
    TempDir dir;
    tessera::write_file_atomic(dir / "in.json", sample);
    const tessera::formats::Format& format = tessera::formats::coco_format();
    CHECK(format.name == "coco");
    std::vector<std::uint64_t> progress;
    tessera::formats::ReadOptions options;
    options.progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.push_back(done);
        CHECK(total == sample.size());
    };
    const Dataset dataset = format.read(dir / "in.json", options);
    CHECK(!progress.empty());
    CHECK(progress.back() == sample.size());
    format.write(DatasetSource(dataset), dir / "out.json", {});
    CHECK(tessera::test::dataset_differences(dataset, format.read(dir / "out.json", {})).empty());
    try {
        (void)format.read(dir / "missing.json", {});
        FAIL("no error");
    } catch (const tessera::Error& e) {
        CHECK(std::string(e.what()).find("missing.json") != std::string::npos);
    }
}

// Each malformed input names the file, line, column and what was expected.
TEST_CASE("coco: malformed input gives one positioned line") {
    const std::string head = R"({"images":[{"id":1,"file_name":"a.jpg","width":4,"height":3}],)"
                             "\n"
                             R"("categories":[{"id":1,"name":"car"}],)"
                             "\n";
    const auto with_annotation = [&](std::string_view annotation) {
        return head + R"("annotations":[)" + std::string(annotation) + "]}";
    };
    // Line 3 starts with "annotations":[ (15 characters): the annotation opens at column 16.

    CHECK(read_error(with_annotation(R"({"image_id":1,"category_id":1,"bbox":[1,2,3]})")) ==
          "coco.json:3:53: annotation 1: bbox has 3 numbers, expected 4");
    CHECK(read_error(with_annotation(R"({"image_id":1,"category_id":7,"bbox":[1,2,3,4]})")) ==
          "coco.json:3:44: annotation 1: category_id 7 is not in \"categories\"");
    CHECK(read_error(with_annotation(R"({"image_id":2,"category_id":1,"bbox":[1,2,3,4]})")) ==
          "coco.json:3:28: annotation 1: image_id 2 is not in \"images\"");
    CHECK(read_error(with_annotation(R"({"image_id":1,"category_id":1,"bbox":[1,"2",3,4]})")) ==
          "coco.json:3:56: annotation 1: bbox: expected a number, found a string");
    CHECK(
        read_error(with_annotation(
            R"({"image_id":1,"category_id":1,"segmentation":{"size":[3,4],"counts":[1,2,3,5]}})")) ==
        "coco.json:3:84: annotation 1: segmentation: RLE counts sum to 11, expected "
        "height*width = 3*4 = 12");
    CHECK(read_error(with_annotation(
              R"({"image_id":1,"category_id":1,"segmentation":{"size":[3,4],"counts":"1a!"}})")) ==
          "coco.json:3:84: annotation 1: segmentation: malformed compressed RLE counts: "
          "character 3 is not part of a compressed RLE string");
    CHECK(
        read_error(with_annotation(R"({"image_id":1,"category_id":1,"segmentation":[[1,2,3]]})")) ==
        "coco.json:3:62: annotation 1: segmentation: polygon 1 has 3 numbers, expected an even "
        "count (x, y pairs)");
    CHECK(read_error(with_annotation(R"({"category_id":1,"bbox":[1,2,3,4]})")) ==
          "coco.json:3:16: annotation 1: missing required field \"image_id\"");
    CHECK(read_error(with_annotation(R"({"image_id":1,"category_id":1,"keypoints":[1,2]})")) ==
          "coco.json:3:58: annotation 1: keypoints has 2 numbers, expected a multiple of 3 (x, y, "
          "v)");
    CHECK(read_error(with_annotation(R"({"image_id":1,"category_id":1,"bbox":[1,2,-3,4]})")) ==
          "coco.json:3:53: annotation 1: bbox [x, y, width, height] has a negative size -3 x 4");

    CHECK(read_error(R"({"images":[{"id":1,"file_name":"a.jpg","width":"640","height":3}]})") ==
          "coco.json:1:48: image 1: width: expected a non-negative integer, found a string");
    CHECK(read_error(R"({"images":[{"id":1,"file_name":"a.jpg","width":-640,"height":3}]})") ==
          "coco.json:1:48: image 1: width: expected a non-negative integer, found -640");
    CHECK(read_error("{\"images\":[\n  {\"id\":1,\"width\":4}]}") ==
          "coco.json:2:3: image 1: missing required field \"file_name\"");
    CHECK(read_error(R"({"images":[{"id":1,"file_name":"a"},{"id":1,"file_name":"b"}]})") ==
          "coco.json:1:43: image 2: id 1 is already used by image 1");
    CHECK(read_error(R"({"images":[],"categories":[{"id":1,"name":"a"},{"id":1,"name":"b"}]})") ==
          "coco.json:1:54: category 2: id 1 is already used by category 1");
    CHECK(
        read_error(
            R"({"images":[],"categories":[{"id":1,"name":"a","keypoints":["x"],"skeleton":[[1,2]]}]})") ==
        "coco.json:1:76: category 1: skeleton edge 1 joins keypoints 1 and 2, expected 1 to 1 "
        "(1-based, 1 keypoints declared)");
    CHECK(read_error(R"({"images":[{"id":1,"file_name":"a.jpg","width":4)") ==
          "coco.json:1:49: document: expected well-formed JSON (JSON document ended early in the "
          "middle of an object or array.)");
    CHECK(read_error("{\"images\":[{\"id\":1,\"file_name\":\"caf\xe9.jpg\"}]}") ==
          "coco.json:1:36: document: expected valid UTF-8 (The input is not valid UTF-8)");
    CHECK(read_error(R"([{"id":1}])") ==
          "coco.json:1:1: this is a COCO results file (a top-level array of detections), which "
          "Tessera does not read: expected a JSON object {\"images\": [...], \"annotations\": "
          "[...], \"categories\": [...]}");
    CHECK(read_error(R"({"annotations":[]})") ==
          "coco.json:1:1: missing \"images\" (not a COCO instances file?)");
    CHECK(read_error(R"({"images":[]} {})") ==
          "coco.json:1:15: expected the end of the file after the top-level object");
}

namespace {

// A project's content as text, without times: items, their sets and the schema.
std::string project_text(const tessera::store::Project& project) {
    std::string out;
    for (const auto& summary : project.items()) {
        const auto item_bytes = project.item(summary.id);
        v1::ItemT item;
        flatbuffers::GetRoot<v1::Item>(item_bytes.data())->UnPackTo(&item);
        out +=
            fmt::format("item {} {} {} {}x{}", summary.id, summary.uri,
                        static_cast<int>(item.media->kind), item.media->width, item.media->height);
        for (const auto& kv : item.metadata) out += fmt::format(" {}={}", kv->key, kv->value);
        const auto set_bytes = project.annotations(summary.id);
        v1::AnnotationSetT set;
        flatbuffers::GetRoot<v1::AnnotationSet>(set_bytes.data())->UnPackTo(&set);
        out += fmt::format(" revision {}\n", set.revision);
        for (const auto& a : set.annotations) {
            out += fmt::format("  {} {} parent {} type {} by {} source {}", a->id, a->label,
                               a->parent, static_cast<int>(a->geometry.type),
                               a->provenance ? a->provenance->author : "-",
                               a->provenance ? static_cast<int>(a->provenance->source) : -1);
            for (const auto& r : a->relations) out += fmt::format(" rel {}", r->target);
            out += "\n";
        }
    }
    const auto schema_bytes = project.label_schema();
    v1::LabelSchemaT schema;
    flatbuffers::GetRoot<v1::LabelSchema>(schema_bytes.data())->UnPackTo(&schema);
    for (const auto& c : schema.classes) {
        out += fmt::format("class {} parent {} skeleton {}", c->key, c->parent, c->skeleton);
        for (const auto& kv : c->metadata) out += fmt::format(" {}={}", kv->key, kv->value);
        out += "\n";
    }
    return out;
}

// An import's summary as one line: matched, created, annotations, classes added.
std::string summary_text(const tessera::formats::ImportSummary& s) {
    return fmt::format("{} {} {} {};", s.items_matched, s.items_created, s.annotations,
                       s.classes_added);
}

struct ImportResult {
    std::string error;
    std::string summary;
    std::string project;
};

// Imports `files` one after the other into a fresh project, reading each file
// first (as `pipelined` false) or with import_file.
ImportResult import_files(const std::vector<std::string>& files, bool merge, bool pipelined) {
    TempDir dir;
    auto project = tessera::store::Project::create(dir / "p", "test");
    ImportResult result;
    const auto& format = tessera::formats::coco_format();
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto path = dir / fmt::format("in{}.json", i);
        tessera::write_file_atomic(path, files[i]);
        tessera::formats::ImportOptions options;
        options.author = "tester";
        options.merge = merge;
        try {
            tessera::formats::ImportSummary s;
            if (pipelined) {
                s = tessera::formats::import_file(project, format, path, "src", options);
            } else {
                Dataset dataset = format.read(path, {});
                s = tessera::formats::import_dataset(project, dataset, "src", options);
            }
            result.summary += summary_text(s);
        } catch (const tessera::Error& e) {
            std::string what = e.what();
            const std::string folder = dir.path().string();
            for (std::size_t at; (at = what.find(folder)) != std::string::npos;)
                what.replace(at, folder.size(), "DIR");
            result.error += what + ";";
        }
        result.project += project_text(project) + "----\n";
    }
    return result;
}

// A COCO file with images `images` (ids; file names from `names` when given),
// categories 1 (person, with keypoints) and 2 (car), and annotations (image id,
// category id) in the order given.
std::string coco_file(const std::vector<int>& images,
                      const std::vector<std::pair<int, int>>& annotations,
                      const std::string& last_annotation = {}, bool images_last = false,
                      const std::vector<std::string>& names = {}) {
    std::string image_list = "\"images\":[";
    for (std::size_t i = 0; i < images.size(); ++i)
        image_list +=
            fmt::format(R"({}{{"id":{},"file_name":"{}","width":8,"height":6}})", i ? "," : "",
                        images[i], names.empty() ? fmt::format("im{}.jpg", images[i]) : names[i]);
    image_list += "]";
    std::string text = "{";
    if (!images_last) text += image_list + ",";
    text += R"("categories":[{"id":1,"name":"person","keypoints":["a","b"],"skeleton":[[1,2]]},)"
            R"({"id":2,"name":"car","supercategory":"vehicle"}],"annotations":[)";
    int id = 100;
    for (std::size_t i = 0; i < annotations.size(); ++i) {
        const auto [image, category] = annotations[i];
        text += fmt::format(R"({}{{"id":{},"image_id":{},"category_id":{},"bbox":[1,2,3,4])",
                            i ? "," : "", ++id, image, category);
        if (category == 1) text += R"(,"keypoints":[1,1,2,2,2,2])";
        text += "}";
    }
    if (!last_annotation.empty()) text += (annotations.empty() ? "" : ",") + last_annotation;
    text += "]";
    if (images_last) text += "," + image_list;
    return text + R"(,"info":{"year":2024}})";
}

}  // namespace

TEST_CASE("coco: import_file stores what reading first, then importing stores") {
    using Pairs = std::vector<std::pair<int, int>>;
    const std::vector<int> images{1, 2, 3, 4};
    const Pairs sorted{{1, 1}, {1, 2}, {2, 2}, {3, 1}, {3, 2}, {3, 2}, {4, 2}};
    const std::string bad_last = R"({"id":1,"image_id":2,"category_id":2,"bbox":[1,2,-3,4]})";
    const std::string unknown_image = R"({"id":1,"image_id":9,"category_id":2,"bbox":[1,2,3,4]})";
    // Many items, then one more annotation of the first: by then the importer has
    // stored and freed earlier items, so it reads the file again.
    std::vector<int> many_images;
    Pairs many_sorted;
    for (int image = 1; image <= 3000; ++image) {
        many_images.push_back(image);
        many_sorted.emplace_back(image, 2);
        many_sorted.emplace_back(image, 1 + image % 2);
    }
    Pairs many_then_first = many_sorted;
    many_then_first.emplace_back(1, 1);
    const std::vector<std::vector<std::string>> cases{
        {coco_file(many_images, many_then_first)},
        {coco_file(images, sorted)},
        {coco_file(images, {{2, 2}, {4, 1}})},                          // items without annotations
        {coco_file(images, {{1, 2}, {2, 2}, {1, 2}, {3, 1}})},          // goes back early
        {coco_file(images, {{1, 2}, {2, 2}, {3, 1}, {4, 2}, {1, 1}})},  // goes back at the end
        {coco_file(images, {{3, 2}, {1, 2}, {2, 1}})},                  // not in item order
        {coco_file(images, sorted, {}, true)},                          // images last
        {coco_file(images, sorted, bad_last)},                          // an error at the end
        {coco_file(images, sorted, unknown_image)},
        {coco_file(images, sorted, "{\"id\":1,\"image_id\":2")},  // truncated
        {coco_file({}, {})},
        {coco_file(images, {})},
        // Two images naming one item.
        {coco_file(images, sorted, {}, false, {"a.jpg", "b.jpg", "a.jpg", "c.jpg"})},
        {coco_file(images, sorted, {}, false, {"a.jpg", "b.jpg", "sub/a.jpg", "c.jpg"})},
        // Into a project that has items: replaced, merged, ambiguous names.
        {coco_file(images, sorted), coco_file({1, 3, 5}, {{1, 2}, {3, 1}, {5, 2}, {5, 2}})},
        {coco_file(images, sorted, {}, false, {"x/a.jpg", "y/a.jpg", "b.jpg", "c.jpg"}),
         coco_file({1}, {{1, 2}}, {}, false, {"a.jpg"})},
        {coco_file(images, sorted), coco_file(images, sorted, bad_last)},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        for (const bool merge : {false, true}) {
            CAPTURE(i, merge);
            const ImportResult plain = import_files(cases[i], merge, false);
            const ImportResult pipelined = import_files(cases[i], merge, true);
            CHECK(pipelined.error == plain.error);
            CHECK(pipelined.summary == plain.summary);
            CHECK(pipelined.project == plain.project);
        }
    }
    // The cases do what they say: a bad last annotation changes nothing.
    const ImportResult bad = import_files({coco_file(images, sorted, bad_last)}, false, true);
    CHECK(bad.error.find("annotation 8: bbox [x, y, width, height] has a negative size") !=
          std::string::npos);
    CHECK(bad.project.find("item ") == std::string::npos);
    const ImportResult good = import_files({coco_file(images, sorted)}, false, true);
    CHECK(good.error.empty());
    CHECK(good.summary == "0 4 9 3;");
}

TEST_CASE("coco: import_file stores a long file as it reads it, reading it once") {
    // More items than the importer places ahead of storing (a window of 256),
    // with and without a progress callback: the stream must neither hang nor
    // give up and read the file again.
    std::vector<int> images;
    std::vector<std::pair<int, int>> annotations;
    for (int image = 1; image <= 1000; ++image) {
        images.push_back(image);
        annotations.emplace_back(image, 1 + image % 2);
        annotations.emplace_back(image, 2);
    }
    const std::string text = coco_file(images, annotations);
    const ImportResult plain = import_files({text}, false, false);
    REQUIRE(plain.summary ==
            "0 1000 2500 3;");  // a person's keypoints are an annotation of their own
    for (const bool progress : {false, true}) {
        CAPTURE(progress);
        TempDir dir;
        const auto path = dir / "in.json";
        tessera::write_file_atomic(path, text);
        auto project = tessera::store::Project::create(dir / "p", "test");
        int reads = 0;
        tessera::formats::Format format = tessera::formats::coco_format();
        format.read = [&reads, read = format.read](const auto& input, const auto& options) {
            ++reads;
            return read(input, options);
        };
        tessera::formats::ImportOptions options;
        options.author = "tester";
        std::uint64_t last_done = 0;
        if (progress)
            options.progress = [&](std::uint64_t done, std::uint64_t) { last_done = done; };
        const auto summary = tessera::formats::import_file(project, format, path, "src", options);
        CHECK(reads == 1);
        CHECK(summary_text(summary) == plain.summary);
        CHECK(last_done == (progress ? 1000 : 0));
        CHECK(project_text(project) + "----\n" == plain.project);
    }
}

TEST_CASE("coco: imported annotations are marked imported; stored ones keep their provenance") {
    for (const bool pipelined : {false, true}) {
        CAPTURE(pipelined);
        TempDir dir;
        auto project = tessera::store::Project::create(dir / "p", "test");
        {
            // An item whose stored annotation has no provenance (a plugin may store one so).
            tessera::store::Transaction tx = project.begin();
            v1::ItemT item;
            item.media = std::make_unique<v1::MediaT>();
            item.media->uri = "im1.jpg";
            const auto id = tx.add_item(item);
            v1::AnnotationSetT set;
            set.annotations.push_back(std::make_unique<v1::AnnotationT>());
            set.annotations.back()->id = tx.allocate_annotation_ids(1);
            set.annotations.back()->label = "car";
            tx.set_annotations(id, set);
            tx.commit();
        }
        const auto path = dir / "in.json";
        tessera::write_file_atomic(path, coco_file({1, 2}, {{1, 2}, {2, 1}}));
        tessera::formats::ImportOptions options;
        options.author = "tester";
        options.merge = true;
        const auto& format = tessera::formats::coco_format();
        if (pipelined) {
            tessera::formats::import_file(project, format, path, "src", options);
        } else {
            Dataset dataset = format.read(path, {});
            tessera::formats::import_dataset(project, dataset, "src", options);
        }
        std::size_t imported = 0;
        for (const auto& summary : project.items()) {
            const auto bytes = project.annotations(summary.id);
            v1::AnnotationSetT set;
            flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data())->UnPackTo(&set);
            for (const auto& a : set.annotations) {
                CAPTURE(summary.uri, a->id, a->label);
                if (summary.uri == "im1.jpg" && a == set.annotations.front()) {
                    CHECK(!a->provenance);  // stored before, untouched by the merge
                    continue;
                }
                REQUIRE(a->provenance);
                CHECK(a->provenance->author == "tester");
                CHECK(a->provenance->source == v1::Source::Import);
                CHECK(a->provenance->created > 0);
                CHECK(a->provenance->modified == a->provenance->created);
                ++imported;
            }
        }
        CHECK(imported == 3);  // a box each, and the keypoints of the person on image 2
    }
}
