// VOC files as the devkit, labelme2voc, Roboflow and CVAT write them
// (tests/data/voc/<variant>/): each imports, exports and reads back the same,
// and what VOC cannot hold is noted, never dropped silently.

#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "formats/losses.hpp"
#include "support/dataset_source.hpp"
#include "support/format_helpers.hpp"
#include "support/temp_dir.hpp"
#include "voc/voc.hpp"

namespace fs = std::filesystem;
namespace voc = tessera::formats::voc;
namespace v1 = tessera::v1;
using tessera::formats::Dataset;
using tessera::formats::Losses;
using tessera::test::attribute;
using tessera::test::put;
using tessera::test::TempDir;

namespace {

const fs::path kData = fs::path(TESSERA_SOURCE_DIR) / "tests/data/voc";

std::string metadata(const tessera::formats::ImportedItem& item, std::string_view key) {
    for (const auto& kv : item.metadata)
        if (kv->key == key) return kv->value;
    return "<none>";
}

tessera::formats::ReadOptions read_options(Losses& losses, std::string origin = "0") {
    tessera::formats::ReadOptions options;
    options.settings["voc-origin"] = std::move(origin);
    options.losses = &losses;
    return options;
}

tessera::formats::WriteOptions write_options(Losses& losses, std::string origin = "0") {
    tessera::formats::WriteOptions options;
    options.settings["voc-origin"] = std::move(origin);
    options.losses = &losses;
    return options;
}

const v1::BoxT& box_of(const v1::AnnotationT& annotation) {
    const v1::BoxT* box = annotation.geometry.AsBox();
    REQUIRE(box != nullptr);
    return *box;
}

/// The losses as "what | label | count" lines.
std::vector<std::string> loss_list(const Losses& losses) {
    std::vector<std::string> out;
    for (const auto& loss : losses.all())
        out.push_back(loss.what + " | " + loss.label + " | " + std::to_string(loss.count));
    return out;
}

/// Import → export → import of `variant` with `origin`: the item metadata and the
/// annotations read back equal, and nothing is noted lost.
Dataset round_trip(const std::string& variant, const std::string& origin) {
    TempDir dir;
    Losses losses;
    Dataset first = voc::read(kData / variant, read_options(losses, origin));
    voc::write(tessera::test::DatasetSource(first), dir / "out", write_options(losses, origin));
    const Dataset second = voc::read(dir / "out", read_options(losses, origin));
    CHECK(tessera::test::dataset_differences(first, second).empty());
    REQUIRE(first.items.size() == second.items.size());
    for (std::size_t i = 0; i < first.items.size(); ++i) {
        CHECK(first.items[i].media.width == second.items[i].media.width);
        CHECK(first.items[i].media.height == second.items[i].media.height);
        for (const auto& kv : first.items[i].metadata)
            CHECK(metadata(second.items[i], kv->key) == kv->value);
    }
    CHECK(loss_list(losses).empty());
    return first;
}

}  // namespace

TEST_CASE("voc datasets: a devkit file reads 1-based with --voc-origin 1 and round-trips") {
    const Dataset dataset = round_trip("devkit", "1");
    REQUIRE(dataset.items.size() == 1);
    const auto& item = dataset.items[0];
    CHECK(item.name == "000042.jpg");
    CHECK(metadata(item, "voc:source.database") == "The VOC2007 Database");
    CHECK(metadata(item, "voc:source.flickrid") == "123456789");
    CHECK(metadata(item, "voc:owner.name") == "A. Photographer");
    CHECK(metadata(item, "voc:segmented") == "1");
    REQUIRE(item.annotations.size() == 4);
    const auto& person = *item.annotations[0];
    CHECK(box_of(person).left == 0);  // xmin 1 is the first pixel
    CHECK(box_of(person).top == 11);
    CHECK(box_of(person).right == 150);
    CHECK(attribute(person, "pose")->string_value == "Frontal");
    CHECK(item.annotations[1]->label == "head");
    CHECK(item.annotations[1]->parent == person.id);
    CHECK(item.annotations[2]->parent == person.id);
    const auto& chair = *item.annotations[3];
    CHECK(attribute(chair, "difficult")->bool_value);
    CHECK(attribute(chair, "truncated")->bool_value);
}

TEST_CASE("voc datasets: labelme2voc's empty <pose/>, <truncated/> and <difficult/> import") {
    const Dataset dataset = round_trip("labelme2voc", "0");
    REQUIRE(dataset.items.size() == 1);
    REQUIRE(dataset.items[0].annotations.size() == 2);
    for (const auto& object : dataset.items[0].annotations) {
        CHECK(attribute(*object, "pose")->string_value == "Unspecified");
        CHECK(attribute(*object, "truncated")->type == v1::AttributeType::Bool);
        CHECK_FALSE(attribute(*object, "truncated")->bool_value);
        CHECK_FALSE(attribute(*object, "difficult")->bool_value);
        CHECK(attribute(*object, "occluded") == nullptr);  // empty = absent
    }
    const auto& car = *dataset.items[0].annotations[0];
    CHECK(box_of(car).left == 102);  // labelme2voc writes pixel edges unshifted
    CHECK(box_of(car).right == 318);
}

TEST_CASE("voc datasets: a Roboflow file with xmin 0 reads as written, never negative") {
    const Dataset dataset = round_trip("roboflow", "0");
    const auto& dog = *dataset.items[0].annotations[0];
    CHECK(box_of(dog).left == 0);
    CHECK(box_of(dog).top == 0);
    CHECK(box_of(dog).right == 211);
    CHECK(box_of(dog).bottom == 416);
    CHECK(box_of(*dataset.items[0].annotations[1]).left == 300.5);

    // Read as the devkit's 1-based pixels, xmin 0 lies before the image: clamped, and said.
    Losses losses;
    const Dataset devkit = voc::read(kData / "roboflow", read_options(losses, "1"));
    CHECK(box_of(*devkit.items[0].annotations[0]).left == 0);
    CHECK(box_of(*devkit.items[0].annotations[0]).right == 211);
    REQUIRE(losses.all().size() == 1);
    CHECK(losses.all()[0].label == "dog");
    CHECK(losses.all()[0].what.find("--voc-origin 0") != std::string::npos);
    CHECK(losses.all()[0].examples[0].find("dog_jpg.rf.3f2a9c.xml:") != std::string::npos);

    // --strict makes it an error.
    Losses strict(true);
    CHECK_THROWS_AS(voc::read(kData / "roboflow", read_options(strict, "1")), tessera::Error);
}

TEST_CASE("voc datasets: a CVAT file keeps occluded and its <attributes> with their types") {
    const Dataset dataset = round_trip("cvat", "0");
    const auto& car = *dataset.items[0].annotations[0];
    CHECK(box_of(car).left == 100);
    CHECK(attribute(car, "occluded")->bool_value);
    CHECK(attribute(car, "color")->type == v1::AttributeType::String);
    CHECK(attribute(car, "color")->string_value == "red");
    CHECK(attribute(car, "parked")->type == v1::AttributeType::Bool);
    CHECK(attribute(car, "parked")->bool_value);
    CHECK(attribute(car, "doors")->type == v1::AttributeType::Int);
    CHECK(attribute(car, "doors")->int_value == 4);
}

TEST_CASE("voc datasets: negative coordinates are clamped and noted") {
    TempDir dir;
    put(dir / "a.xml",
        "<annotation><filename>a.jpg</filename>\n<object><name>cat</name>\n"
        "<bndbox><xmin>-3</xmin><ymin>2</ymin><xmax>10</xmax><ymax>12</ymax></bndbox>"
        "</object></annotation>\n");
    Losses losses;
    const Dataset dataset = voc::read(dir / "a.xml", read_options(losses));
    CHECK(box_of(*dataset.items[0].annotations[0]).left == 0);
    REQUIRE(losses.all().size() == 1);
    CHECK(losses.all()[0].examples[0] == (dir / "a.xml").generic_string() + ":3: object 1");
}

TEST_CASE("voc datasets: a point exports as the one pixel it lies in, never an inverted box") {
    Dataset dataset;
    tessera::formats::ImportedItem item;
    item.name = "p.jpg";
    item.media.width = 20;
    item.media.height = 20;
    auto point = std::make_unique<v1::AnnotationT>();
    point->id = 1;
    point->label = "nose";
    v1::PointT shape;
    shape.position = std::make_unique<v1::Point2>(7, 3);
    point->geometry.Set(std::move(shape));
    item.annotations.push_back(std::move(point));
    auto line = std::make_unique<v1::AnnotationT>();
    line->id = 2;
    line->label = "horizon";
    v1::PolylineT polyline;
    polyline.points = {{2, 5}, {12, 5}};
    line->geometry.Set(std::move(polyline));
    item.annotations.push_back(std::move(line));
    dataset.items.push_back(std::move(item));

    for (const std::string origin : {"0", "1"}) {
        CAPTURE(origin);
        TempDir dir;
        Losses losses;
        voc::write(tessera::test::DatasetSource(dataset), dir.path(),
                   write_options(losses, origin));
        const std::string xml = tessera::read_file(dir / "p.xml");
        if (origin == "1") {
            // Column 7 (from 0) is the devkit's pixel 8.
            CHECK(xml.find(
                      "<xmin>8</xmin>\n\t\t\t<ymin>4</ymin>\n\t\t\t<xmax>8</xmax>\n\t\t\t<ymax>4<"
                      "/ymax>") != std::string::npos);
            CHECK(
                xml.find("<xmin>3</xmin>\n\t\t\t<ymin>6</ymin>\n\t\t\t<xmax>12</xmax>\n\t\t\t<ymax>"
                         "6</ymax>") != std::string::npos);
        } else {
            CHECK(xml.find(
                      "<xmin>7</xmin>\n\t\t\t<ymin>3</ymin>\n\t\t\t<xmax>8</xmax>\n\t\t\t<ymax>4<"
                      "/ymax>") != std::string::npos);
        }
        const Dataset back = voc::read(dir.path(), read_options(losses, origin));
        REQUIRE(back.items[0].annotations.size() == 2);
        CHECK(box_of(*back.items[0].annotations[0]).left == 7);
        CHECK(box_of(*back.items[0].annotations[0]).right == 8);
        CHECK(box_of(*back.items[0].annotations[1]).top == 5);
        CHECK(box_of(*back.items[0].annotations[1]).bottom == 6);
        CHECK(
            loss_list(losses) ==
            std::vector<std::string>{
                "Point annotations written as their bounding box (VOC holds only boxes) | nose | 1",
                "Polyline annotations written as their bounding box (VOC holds only boxes) | "
                "horizon | 1"});
    }
}

TEST_CASE(
    "voc datasets: an item of unknown size gets its image's size, else no <size> and a note") {
    Dataset dataset;
    for (const char* name : {"known.png", "lost.png"}) {
        tessera::formats::ImportedItem item;
        item.name = name;
        dataset.items.push_back(std::move(item));
    }
    TempDir dir;
    // A 3 x 2 PNG header is all the size needs.
    const std::string png(
        "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x03\0\0\0\x02\x08\x02\0\0\0\0\0\0\0", 33);
    put(dir / "images/known.png", png);
    /// The media of the items are under folder `images`, as a project's are under its folder.
    struct Source : tessera::test::DatasetSource {
        Source(const Dataset& dataset, fs::path images)
            : DatasetSource(dataset), images(std::move(images)) {}
        fs::path media_file(const v1::Item& item) const override {
            return images / item.media()->uri()->str();
        }
        fs::path images;
    };
    Losses losses;
    voc::write(Source(dataset, dir / "images"), dir / "out", write_options(losses));
    const std::string known = tessera::read_file(dir / "out/known.xml");
    CHECK(known.find("<width>3</width>") != std::string::npos);
    CHECK(known.find("<height>2</height>") != std::string::npos);
    const std::string lost = tessera::read_file(dir / "out/lost.xml");
    CHECK(lost.find("<size>") == std::string::npos);
    CHECK(lost.find("<width>0</width>") == std::string::npos);
    CHECK(loss_list(losses) ==
          std::vector<std::string>{"image sizes unknown (no <size> written) |  | 1"});
}

TEST_CASE("voc datasets: export notes text, groups, 3D shapes and deep parents it cannot hold") {
    Dataset dataset;
    tessera::formats::ImportedItem item;
    item.name = "x.jpg";
    item.media.width = 10;
    item.media.height = 10;
    const auto add = [&](std::uint64_t id, std::string label) -> v1::AnnotationT& {
        auto a = std::make_unique<v1::AnnotationT>();
        a->id = id;
        a->label = std::move(label);
        v1::BoxT box;
        box.right = box.bottom = 5;
        a->geometry.Set(std::move(box));
        item.annotations.push_back(std::move(a));
        return *item.annotations.back();
    };
    add(1, "car").text = "a note";
    add(2, "car").group = 4;
    add(3, "wheel").parent = 1;
    add(4, "bolt").parent = 3;
    v1::CuboidT cuboid;
    add(5, "box").geometry.Set(std::move(cuboid));
    auto& tagged = add(6, "car");
    auto many = std::make_unique<v1::AttributeT>();
    many->key = "colours";
    many->type = v1::AttributeType::MultiEnum;
    many->strings = {"red", "blue"};
    tagged.attributes.push_back(std::move(many));
    dataset.items.push_back(std::move(item));

    TempDir dir;
    Losses losses;
    voc::write(tessera::test::DatasetSource(dataset), dir.path(), write_options(losses));
    CHECK(loss_list(losses) ==
          std::vector<std::string>{
              "parent links other than object → part (VOC has no deeper nesting) | bolt | 1",
              "Cuboid annotations (VOC holds only 2D boxes) | box | 1",
              "annotation text (VOC has no place for it) | car | 1",
              "annotation groups (VOC has none) | car | 1",
              "MultiEnum attributes (a VOC attribute holds one value) | car | 1"});
}
