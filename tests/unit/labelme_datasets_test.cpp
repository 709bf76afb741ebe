// labelme files as labelme 5.x writes them (tests/data/labelme/<variant>/):
// group ids including 0, mask and ai_polygon shapes, image flags; each imports,
// exports and reads back the same, and what labelme cannot hold is noted.

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "formats/losses.hpp"
#include "labelme/labelme.hpp"
#include "support/dataset_source.hpp"
#include "support/format_helpers.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
namespace labelme = tessera::formats::labelme;
namespace v1 = tessera::v1;
using tessera::formats::Dataset;
using tessera::formats::Losses;
using tessera::test::attribute;
using tessera::test::TempDir;

namespace {

const fs::path kData = fs::path(TESSERA_SOURCE_DIR) / "tests/data/labelme";

template <class T>
std::string metadata(const T& holder, std::string_view key) {
    for (const auto& kv : holder.metadata)
        if (kv->key == key) return kv->value;
    return "<none>";
}

std::vector<std::string> loss_list(const Losses& losses) {
    std::vector<std::string> out;
    for (const auto& loss : losses.all())
        out.push_back(loss.what + " | " + loss.label + " | " + std::to_string(loss.count));
    return out;
}

/// Import → export → import of `variant`: annotations, groups, metadata and sizes equal.
Dataset round_trip(const std::string& variant, Losses& losses, TempDir& dir) {
    tessera::formats::ReadOptions read;
    read.losses = &losses;
    Dataset first = labelme::read(kData / variant, read);
    tessera::formats::WriteOptions write;
    write.losses = &losses;
    labelme::write(tessera::test::DatasetSource(first), dir / "out", write);
    const Dataset second = labelme::read(dir / "out", read);
    CHECK(tessera::test::dataset_differences(first, second).empty());
    REQUIRE(first.items.size() == second.items.size());
    for (std::size_t i = 0; i < first.items.size(); ++i) {
        const auto &a = first.items[i], &b = second.items[i];
        CHECK(a.media.width == b.media.width);
        CHECK(a.media.height == b.media.height);
        for (const auto& kv : a.metadata) CHECK(metadata(b, kv->key) == kv->value);
        REQUIRE(a.annotations.size() == b.annotations.size());
        for (std::size_t j = 0; j < a.annotations.size(); ++j) {
            CAPTURE(j);
            CHECK(a.annotations[j]->group == b.annotations[j]->group);
            for (const auto& kv : a.annotations[j]->metadata)
                CHECK(metadata(*b.annotations[j], kv->key) == kv->value);
        }
    }
    return first;
}

}  // namespace

TEST_CASE(
    "labelme datasets: a 5.x file keeps group 0, masks and ai_polygons through a round trip") {
    TempDir dir;
    Losses losses;
    const Dataset dataset = round_trip("v5", losses, dir);
    REQUIRE(dataset.items.size() == 1);
    const auto& shapes = dataset.items[0].annotations;
    REQUIRE(shapes.size() == 7);
    // group_id 0 is a group: its two shapes share a group that no other uses.
    CHECK(shapes[0]->group != 0);
    CHECK(shapes[0]->group == shapes[1]->group);
    CHECK(shapes[2]->group == 2);
    CHECK(shapes[3]->group == 2);
    CHECK(shapes[0]->group != 2);
    CHECK(shapes[4]->group == 0);
    CHECK(shapes[1]->text == "held by the person");
    CHECK(attribute(*shapes[1], "occluded")->bool_value);

    // The mask shape is kept (as its box, its bitmap for labelme) rather than refusing the file.
    const auto* mask_box = shapes[4]->geometry.AsBox();
    REQUIRE(mask_box != nullptr);
    CHECK(mask_box->left == 10);
    CHECK(mask_box->right == 13);
    CHECK(metadata(*shapes[4], "labelme:shape_type") == "mask");
    CHECK(metadata(*shapes[4], "labelme:mask").starts_with("\"iVBORw0KGgo"));
    CHECK(shapes[5]->geometry.AsPolygon() != nullptr);
    CHECK(metadata(*shapes[5], "labelme:shape_type") == "ai_polygon");

    const std::string written = tessera::read_file(dir / "out/street_0007.json");
    CHECK(written.find("\"group_id\": 0,") != std::string::npos);
    CHECK(written.find("\"shape_type\": \"mask\"") != std::string::npos);
    CHECK(written.find("\"shape_type\": \"ai_polygon\"") != std::string::npos);
    CHECK(written.find("\"imagePath\": \"street_0007.jpg\"") != std::string::npos);
    CHECK(written.find("\"imageData\": null") != std::string::npos);
    // Read twice (import, then read back): the mask is noted each time, nothing else.
    CHECK(loss_list(losses) ==
          std::vector<std::string>{"labelme mask shapes, kept as their box (the bitmap goes "
                                   "back only to labelme) | puddle | 2"});
}

TEST_CASE("labelme datasets: image flags of a classification file round-trip") {
    TempDir dir;
    Losses losses;
    const Dataset dataset = round_trip("classification", losses, dir);
    CHECK(metadata(dataset.items[0], "labelme:flags").find("\"cat\": true") != std::string::npos);
    CHECK(loss_list(losses).empty());
}

TEST_CASE("labelme datasets: a multi-polygon exports as polygons sharing a fresh group") {
    Dataset dataset;
    tessera::formats::ImportedItem item;
    item.name = "m.jpg";
    auto grouped = std::make_unique<v1::AnnotationT>();
    grouped->id = 1;
    grouped->label = "tree";
    grouped->group = 5;
    v1::BoxT box;
    box.right = box.bottom = 3;
    grouped->geometry.Set(box);
    item.annotations.push_back(std::move(grouped));
    auto parts = std::make_unique<v1::AnnotationT>();
    parts->id = 2;
    parts->label = "car";
    v1::MultiPolygonT multi;
    for (double x : {0.0, 20.0}) {
        auto polygon = std::make_unique<v1::PolygonT>();
        polygon->points = {{x, 0}, {x + 5, 0}, {x + 5, 5}};
        multi.polygons.push_back(std::move(polygon));
    }
    parts->geometry.Set(std::move(multi));
    item.annotations.push_back(std::move(parts));
    dataset.items.push_back(std::move(item));

    TempDir dir;
    labelme::write(tessera::test::DatasetSource(dataset), dir.path(), {});
    const Dataset back = labelme::read(dir / "m.json", {});
    REQUIRE(back.items[0].annotations.size() == 3);
    CHECK(back.items[0].annotations[0]->group == 5);
    CHECK(back.items[0].annotations[1]->group == 6);  // fresh: after every group in use
    CHECK(back.items[0].annotations[2]->group == 6);
}

TEST_CASE("labelme datasets: export notes what labelme cannot hold") {
    Dataset dataset;
    tessera::formats::ImportedItem item;
    item.name = "n.jpg";
    const auto add = [&](std::string label) -> v1::AnnotationT& {
        auto a = std::make_unique<v1::AnnotationT>();
        a->id = item.annotations.size() + 1;
        a->label = std::move(label);
        item.annotations.push_back(std::move(a));
        return *item.annotations.back();
    };
    v1::BoxT box;
    box.right = box.bottom = 2;
    auto& scored = add("car");
    scored.geometry.Set(box);
    auto score = std::make_unique<v1::AttributeT>();
    score->key = "score";
    score->type = v1::AttributeType::Float;
    score->float_value = 0.5;
    scored.attributes.push_back(std::move(score));
    v1::MaskT mask;
    mask.width = 2;
    mask.height = 2;
    mask.counts = {1, 2, 1};
    add("road").geometry.Set(std::move(mask));
    v1::CuboidT cuboid;
    add("crate").geometry.Set(std::move(cuboid));
    v1::RotatedBoxT rotated;
    rotated.width = rotated.height = 2;
    add("plate").geometry.Set(std::move(rotated));
    dataset.items.push_back(std::move(item));

    TempDir dir;
    Losses losses;
    tessera::formats::WriteOptions options;
    options.losses = &losses;
    labelme::write(tessera::test::DatasetSource(dataset), dir.path(), options);
    CHECK(loss_list(losses) ==
          std::vector<std::string>{
              "attributes other than true/false (labelme flags hold only those) | car | 1",
              "Mask annotations written as rectangles (labelme has no such shape) | road | 1",
              "Cuboid annotations (labelme holds 2D shapes only) | crate | 1",
              "RotatedBox annotations written as polygons | plate | 1"});
}
