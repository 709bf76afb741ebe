#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "cvat/cvat.hpp"
#include "support/dataset_source.hpp"
#include "support/format_helpers.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
namespace cvat = tessera::formats::cvat;
namespace v1 = tessera::v1;
using tessera::formats::Dataset;
using tessera::formats::ImportedItem;
using tessera::formats::Losses;
using tessera::test::attribute;
using tessera::test::put;
using tessera::test::TempDir;

namespace {

const fs::path kTask = fs::path(TESSERA_SOURCE_DIR) / "tests/data/cvat/task/annotations.xml";

std::string metadata(const std::vector<std::unique_ptr<v1::KeyValueT>>& list,
                     std::string_view key) {
    for (const auto& kv : list)
        if (kv->key == key) return kv->value;
    return "<none>";
}

const v1::LabelClassT* find_class(const Dataset& dataset, std::string_view key) {
    for (const auto& c : dataset.schema.classes)
        if (c->key == key) return c.get();
    return nullptr;
}

const v1::AttributeSpecT* find_spec(const v1::LabelClassT& label, std::string_view key) {
    for (const auto& spec : label.attributes)
        if (spec->key == key) return spec.get();
    return nullptr;
}

/// What dataset_differences does not compare: items' subsets, sizes and metadata,
/// annotation groups and metadata, and the schema's classes and skeletons.
std::vector<std::string> cvat_differences(const Dataset& a, const Dataset& b) {
    std::vector<std::string> out = tessera::test::dataset_differences(a, b);
    for (std::size_t i = 0; i < a.items.size() && i < b.items.size(); ++i) {
        const ImportedItem &x = a.items[i], &y = b.items[i];
        const std::string where = x.name;
        if (x.subset != y.subset) out.push_back(where + ": subset " + y.subset);
        if (x.media.width != y.media.width || x.media.height != y.media.height)
            out.push_back(where + ": size differs");
        if (x.metadata.size() != y.metadata.size()) out.push_back(where + ": metadata count");
        for (const auto& kv : x.metadata)
            if (metadata(y.metadata, kv->key) != kv->value) out.push_back(where + ": " + kv->key);
        for (std::size_t n = 0; n < x.annotations.size() && n < y.annotations.size(); ++n) {
            const v1::AnnotationT &p = *x.annotations[n], &q = *y.annotations[n];
            if ((p.group == 0) != (q.group == 0)) out.push_back(where + ": group differs");
            if (p.metadata.size() != q.metadata.size())
                out.push_back(where + ": annotation metadata");
            for (const auto& kv : p.metadata)
                if (metadata(q.metadata, kv->key) != kv->value)
                    out.push_back(where + ": annotation " + kv->key);
        }
    }
    if (a.schema.classes.size() != b.schema.classes.size()) out.push_back("class count differs");
    for (const auto& c : a.schema.classes) {
        const v1::LabelClassT* d = find_class(b, c->key);
        if (d == nullptr) {
            out.push_back("class " + c->key + " missing");
            continue;
        }
        if (c->color != d->color) out.push_back("class " + c->key + " colour");
        if (c->skeleton != d->skeleton) out.push_back("class " + c->key + " skeleton");
        for (const auto& kv : c->metadata)
            if (metadata(d->metadata, kv->key) != kv->value)
                out.push_back("class " + c->key + " " + kv->key);
        if (c->attributes.size() != d->attributes.size())
            out.push_back("class " + c->key + " attribute count");
        for (const auto& spec : c->attributes) {
            const v1::AttributeSpecT* other = find_spec(*d, spec->key);
            if (other == nullptr || other->type != spec->type || other->min != spec->min ||
                other->max != spec->max || other->default_value != spec->default_value ||
                other->values.size() != spec->values.size())
                out.push_back("class " + c->key + " attribute " + spec->key);
            else
                for (std::size_t v = 0; v < spec->values.size(); ++v)
                    if (spec->values[v]->key != other->values[v]->key)
                        out.push_back("class " + c->key + " attribute " + spec->key + " values");
        }
    }
    if (a.schema.skeletons.size() != b.schema.skeletons.size()) out.push_back("skeletons differ");
    for (std::size_t s = 0; s < a.schema.skeletons.size() && s < b.schema.skeletons.size(); ++s)
        if (a.schema.skeletons[s]->points != b.schema.skeletons[s]->points)
            out.push_back("skeleton points differ");
    return out;
}

tessera::formats::ReadOptions reading(Losses& losses) {
    tessera::formats::ReadOptions options;
    options.losses = &losses;
    return options;
}

tessera::formats::WriteOptions writing(Losses& losses, bool copy_media = false) {
    tessera::formats::WriteOptions options;
    options.losses = &losses;
    options.copy_media = copy_media;
    return options;
}

/// The error reading `text` as file "a.xml" gives; "" when it reads.
std::string error_of(std::string_view text) {
    return tessera::test::error_message([&] { (void)cvat::read_document("a.xml", text, {}); });
}

constexpr std::string_view kHead = R"(<annotations><version>1.1</version><meta><task><labels>
<label><name>car</name><attributes><attribute><name>speed</name><input_type>number</input_type>
<values>0
10
1</values></attribute></attributes></label></labels></task></meta>
)";

}  // namespace

TEST_CASE("cvat: a task export imports every shape with attributes typed by input_type") {
    Losses losses;
    const Dataset data = cvat::read(kTask.parent_path(), reading(losses));
    CHECK(losses.empty());
    REQUIRE(data.items.size() == 3);
    const ImportedItem& street = data.items[0];
    CHECK(street.name == "street/0001.png");
    CHECK(street.subset == "train");
    CHECK(street.media.width == 64);
    CHECK(street.media.height == 48);
    CHECK(metadata(street.metadata, "cvat:task_id") == "7");
    CHECK(data.items[1].subset == "val");
    CHECK(data.items[2].subset.empty());
    CHECK(data.items[2].annotations.empty());
    CHECK(metadata(data.schema.metadata, "cvat:name") == "street scenes");

    // Labels with their attributes by input_type.
    const v1::LabelClassT* car = find_class(data, "car");
    REQUIRE(car != nullptr);
    CHECK(car->color == 0xfa3253ffu);
    CHECK(metadata(car->metadata, "cvat:type") == "rectangle");
    REQUIRE(car->attributes.size() == 5);
    CHECK(find_spec(*car, "model")->type == v1::AttributeType::Enum);
    CHECK(find_spec(*car, "model")->values.size() == 3);
    CHECK(find_spec(*car, "model")->values[2]->key == "pickup truck");
    CHECK(find_spec(*car, "model")->default_value == "sedan");
    CHECK(find_spec(*car, "parked")->type == v1::AttributeType::Bool);
    CHECK(metadata(car->metadata, "cvat:attribute:parked:mutable") == "true");
    CHECK(find_spec(*car, "speed")->type == v1::AttributeType::Int);
    CHECK(find_spec(*car, "speed")->max == 200);
    CHECK(find_spec(*car, "plate")->type == v1::AttributeType::String);
    CHECK(find_spec(*car, "tone")->type == v1::AttributeType::Enum);
    CHECK(metadata(car->metadata, "cvat:attribute:tone:input_type") == "radio");
    CHECK(find_spec(*find_class(data, "person"), "height")->type == v1::AttributeType::Float);
    CHECK(find_class(data, "wrist") == nullptr);  // a skeleton point, not a class
    REQUIRE(data.schema.skeletons.size() == 1);
    CHECK(data.schema.skeletons[0]->points == std::vector<std::string>{"wrist", "thumb", "index"});
    CHECK(find_class(data, "hand")->skeleton == "hand");

    // Shapes of the first image.
    REQUIRE(street.annotations.size() == 7);
    const v1::AnnotationT& box = *street.annotations[0];
    REQUIRE(box.geometry.AsBox() != nullptr);
    CHECK(box.geometry.AsBox()->left == 10.5);
    CHECK(box.geometry.AsBox()->bottom == 28);
    CHECK(attribute(box, "occluded")->bool_value);
    CHECK(attribute(box, "model")->type == v1::AttributeType::Enum);
    CHECK(attribute(box, "model")->string_value == "pickup truck");
    CHECK(attribute(box, "parked")->bool_value);
    CHECK(attribute(box, "speed")->type == v1::AttributeType::Int);
    CHECK(attribute(box, "speed")->int_value == 42);
    CHECK(attribute(box, "plate")->string_value == "京A·12345");
    CHECK(box.group == 1);
    CHECK(metadata(box.metadata, "cvat:z_order") == "1");
    CHECK(metadata(box.metadata, "cvat:source") == "manual");

    const v1::RotatedBoxT* rotated = street.annotations[1]->geometry.AsRotatedBox();
    REQUIRE(rotated != nullptr);
    CHECK(rotated->center->x() == 50);
    CHECK(rotated->width == 20);
    CHECK(rotated->angle == Approx(30.5 * M_PI / 180));
    CHECK(metadata(street.annotations[1]->metadata, "cvat:source") == "auto");

    REQUIRE(street.annotations[2]->geometry.AsPolygon() != nullptr);
    CHECK(street.annotations[2]->geometry.AsPolygon()->points.size() == 4);
    CHECK(street.annotations[2]->group == 1);
    CHECK(metadata(street.annotations[2]->metadata, "cvat:z_order") == "-1");
    REQUIRE(street.annotations[3]->geometry.AsPolyline() != nullptr);
    REQUIRE(street.annotations[4]->geometry.AsPoint() != nullptr);
    CHECK(street.annotations[4]->geometry.AsPoint()->position->x() == 5);
    REQUIRE(street.annotations[5]->geometry.AsKeypoints() != nullptr);
    CHECK(street.annotations[5]->geometry.AsKeypoints()->points[2].y() == 6.25);
    const v1::AnnotationT& tag = *street.annotations[6];
    CHECK(tag.geometry.type == v1::Geometry::NONE);
    CHECK(tag.label == "weather");
    CHECK(attribute(tag, "sky")->string_value == "rainy");
    CHECK(attribute(tag, "occluded") == nullptr);

    // The second image: mask, circle, skeleton, float attribute.
    const ImportedItem& small = data.items[1];
    REQUIRE(small.annotations.size() == 4);
    const v1::MaskT* mask = small.annotations[0]->geometry.AsMask();
    REQUIRE(mask != nullptr);
    CHECK(mask->width == 8);
    CHECK(mask->height == 6);
    CHECK(mask->counts == std::vector<std::uint32_t>{14, 1, 4, 2, 4, 1, 22});
    REQUIRE(small.annotations[1]->geometry.AsCircle() != nullptr);
    CHECK(small.annotations[1]->geometry.AsCircle()->radius == 1.5);
    const v1::KeypointsT* hand = small.annotations[2]->geometry.AsKeypoints();
    REQUIRE(hand != nullptr);
    CHECK(hand->skeleton == "hand");
    CHECK(hand->visibility == std::vector<v1::Visibility>{v1::Visibility::Visible,
                                                          v1::Visibility::Occluded,
                                                          v1::Visibility::NotLabeled});
    CHECK(hand->points[1].x() == 2);
    CHECK(attribute(*small.annotations[3], "height")->type == v1::AttributeType::Float);
    CHECK(attribute(*small.annotations[3], "height")->float_value == 1.85);
}

TEST_CASE("cvat: read, write and read again gives the same dataset") {
    TempDir dir;
    const Dataset first = cvat::read(kTask, {});
    Losses losses;
    cvat::write(tessera::test::DatasetSource(first), dir / "out/annotations.xml", writing(losses));
    CHECK(losses.empty());
    const std::string written = tessera::read_file(dir / "out/annotations.xml");
    CHECK(
        written.find(
            R"(<image id="0" name="street/0001.png" width="64" height="48" subset="train" task_id="7">)") !=
        std::string::npos);
    CHECK(written.find(R"(rle="1, 4, 1" left="2" top="1" width="3" height="2")") !=
          std::string::npos);
    CHECK(written.find(R"(rotation="30.5")") != std::string::npos);
    CHECK(written.find("<input_type>radio</input_type>") != std::string::npos);
    CHECK(written.find("<values>0\n200\n1</values>") != std::string::npos);

    const Dataset second = cvat::read(dir / "out", {});
    const std::vector<std::string> differences = cvat_differences(first, second);
    for (const std::string& d : differences) UNSCOPED_INFO(d);
    CHECK(differences.empty());

    // And the file written from the second reading is the same text.
    cvat::write(tessera::test::DatasetSource(second), dir / "again/annotations.xml", {});
    CHECK(tessera::read_file(dir / "again/annotations.xml") == written);
}

TEST_CASE("cvat: masks go between CVAT's box RLE and the image RLE unchanged") {
    // A 3 x 2 box at (2, 1), row-major: 0 1 1 / 1 1 0.
    const cvat::BoxMask box{.runs = {1, 4, 1}, .left = 2, .top = 1, .width = 3, .height = 2};
    v1::MaskT mask;
    bool clipped = true;
    REQUIRE(cvat::to_image_mask(box, 8, 6, mask, clipped).empty());
    CHECK_FALSE(clipped);
    CHECK(mask.counts == std::vector<std::uint32_t>{14, 1, 4, 2, 4, 1, 22});

    flatbuffers::FlatBufferBuilder fbb;
    fbb.Finish(v1::Mask::Pack(fbb, &mask));
    const auto back = cvat::to_box_mask(*flatbuffers::GetRoot<v1::Mask>(fbb.GetBufferPointer()));
    REQUIRE(back.has_value());
    CHECK(back->runs == box.runs);
    CHECK(back->left == 2);
    CHECK(back->top == 1);
    CHECK(back->width == 3);
    CHECK(back->height == 2);

    // A box reaching past the image keeps the pixels inside and says so.
    const cvat::BoxMask wide{.runs = {0, 4}, .left = 6, .top = 5, .width = 4, .height = 1};
    REQUIRE(cvat::to_image_mask(wide, 8, 6, mask, clipped).empty());
    CHECK(clipped);
    CHECK(mask.counts == std::vector<std::uint32_t>{41, 1, 5, 1});
    CHECK(cvat::to_image_mask({.runs = {1, 2}, .width = 2, .height = 2}, 8, 6, mask, clipped) ==
          "the runs of rle add up to 3 pixels, expected width 2 x height 2 = 4");
}

TEST_CASE("cvat: export notes what CVAT for images cannot hold") {
    Dataset data;
    ImportedItem item;
    item.name = "a.png";
    item.media.width = 10;
    item.media.height = 10;
    const auto add = [&](std::string label, auto geometry) {
        auto a = std::make_unique<v1::AnnotationT>();
        a->id = item.annotations.size() + 1;
        a->label = std::move(label);
        a->geometry.Set(std::move(geometry));
        item.annotations.push_back(std::move(a));
        return item.annotations.back().get();
    };
    v1::CuboidT cuboid;
    add("truck", cuboid);
    v1::PolygonT holed;
    holed.points = {{0, 0}, {9, 0}, {9, 9}, {2, 2}, {3, 2}, {3, 3}};
    holed.ring_ends = {3, 6};
    add("field", holed);
    v1::MultiPolygonT parts;
    for (double x : {0.0, 5.0}) {
        auto part = std::make_unique<v1::PolygonT>();
        part->points = {{x, 0}, {x + 2, 0}, {x + 2, 2}};
        parts.polygons.push_back(std::move(part));
    }
    add("rock", std::move(parts));
    v1::BoxT box;
    box.right = box.bottom = 1;
    v1::AnnotationT* labelled = add("car", box);
    labelled->text = "a note";
    auto colours = std::make_unique<v1::AttributeT>();
    colours->key = "colours";
    colours->type = v1::AttributeType::MultiEnum;
    colours->strings = {"red", "blue"};
    labelled->attributes.push_back(std::move(colours));
    data.items.push_back(std::move(item));

    TempDir dir;
    Losses losses;
    cvat::write(tessera::test::DatasetSource(data), dir / "annotations.xml", writing(losses));
    std::vector<std::string> what;
    for (const auto& loss : losses.all()) what.push_back(loss.what + " / " + loss.label);
    CHECK(what == std::vector<std::string>{
                      "Cuboid annotations (CVAT for images has no such shape) / truck",
                      "polygon holes (CVAT polygons have none; dropped) / field",
                      "multi-part polygons without a group (written as polygons sharing a new "
                      "group_id) / rock",
                      "annotation text (CVAT shapes have no text) / car",
                      "multi-value attributes (CVAT attributes hold one value) / car"});

    // The parts of the multipolygon come back as two polygons of one group; labels
    // used without a declaration are declared.
    const Dataset back = cvat::read(dir / "annotations.xml", {});
    REQUIRE(back.items.size() == 1);
    const auto& annotations = back.items[0].annotations;
    REQUIRE(annotations.size() == 4);
    CHECK(annotations[0]->geometry.AsPolygon()->points.size() == 3);
    CHECK(annotations[1]->group != 0);
    CHECK(annotations[1]->group == annotations[2]->group);
    CHECK(find_class(back, "truck") != nullptr);

    Losses strict(true);
    CHECK_THROWS_AS(
        cvat::write(tessera::test::DatasetSource(data), dir / "strict.xml", writing(strict)),
        tessera::Error);
    CHECK_FALSE(fs::exists(dir / "strict.xml"));
}

TEST_CASE("cvat: tracks, cuboids and malformed files are refused or noted by name and position") {
    const fs::path video = fs::path(TESSERA_SOURCE_DIR) / "tests/data/cvat/video/annotations.xml";
    try {
        (void)cvat::read(video, {});
        FAIL("a CVAT for video file was read");
    } catch (const tessera::Error& e) {
        CHECK(std::string(e.what()) ==
              video.string() +
                  ":20:4: this is a CVAT for video 1.1 file (<track>), which "
                  "Tessera does not read; export the task as CVAT for images 1.1");
    }
    CHECK(error_of("<annotation><filename>a.jpg</filename></annotation>") ==
          "a.xml:1:2: expected <annotations> as the root element of a CVAT for images 1.1 file, "
          "found <annotation>");
    CHECK(error_of("<annotations><image name=\"a.jpg\">").rfind("a.xml:1:", 0) == 0);
    CHECK(error_of(std::string(kHead) +
                   "<image id=\"0\" name=\"a.jpg\" width=\"4\" height=\"4\">\n"
                   "  <box label=\"car\" occluded=\"0\" xtl=\"1\" ytl=\"x\" xbr=\"2\" ybr=\"3\"/>"
                   "</image></annotations>") ==
          "a.xml:7:46: image 1 (a.jpg) shape 1: ytl: expected a number, found \"x\"");
    CHECK(error_of(std::string(kHead) +
                   "<image id=\"0\" name=\"a.jpg\" width=\"4\" height=\"4\">\n"
                   "<box label=\"car\" xtl=\"1\" ytl=\"1\" xbr=\"2\" ybr=\"3\">\n"
                   "<attribute name=\"speed\">fast</attribute></box></image></annotations>") ==
          "a.xml:8:2: image 1 (a.jpg) shape 1: attribute \"speed\": expected a whole number as "
          "label \"car\" declares, found \"fast\"");
    CHECK(error_of(std::string(kHead) +
                   "<image id=\"0\" name=\"a.jpg\" width=\"4\" height=\"4\">\n"
                   "<mask label=\"car\" rle=\"1, 2\" left=\"0\" top=\"0\" width=\"2\" "
                   "height=\"2\"/></image></annotations>") ==
          "a.xml:7:24: image 1 (a.jpg) shape 1: the runs of rle add up to 3 pixels, expected "
          "width 2 x height 2 = 4");
    CHECK(error_of("<annotations><version>2.0</version></annotations>") ==
          "a.xml:1:15: this is CVAT XML version \"2.0\"; Tessera reads CVAT for images 1.1");

    Losses losses;
    const Dataset data = cvat::read_document(
        "a.xml",
        std::string(kHead) +
            "<image id=\"0\" name=\"a.jpg\" width=\"4\" height=\"4\">\n"
            "<cuboid label=\"car\" xtl1=\"0\" ytl1=\"0\"/><hexagon label=\"car\"/>"
            "<box label=\"car\" xtl=\"0\" ytl=\"0\" xbr=\"1\" ybr=\"1\"/></image></annotations>",
        reading(losses));
    REQUIRE(data.items.size() == 1);
    CHECK(data.items[0].annotations.size() == 1);
    REQUIRE(losses.all().size() == 2);
    CHECK(losses.all()[0].what == "CVAT cuboids (Tessera has no 2D pseudo-3D shape; not read)");
    CHECK(losses.all()[1].what == "unknown CVAT shape elements (not read)");
}

TEST_CASE("cvat: --copy-media writes the images beside annotations.xml, where reading finds them") {
    TempDir dir;
    put(dir / "in/images/street/0001.png", "png bytes");
    put(dir / "in/annotations.xml",
        R"(<annotations><version>1.1</version>
<image id="0" name="street/0001.png" width="2" height="2"><tag label="day"/></image>
</annotations>)");
    const Dataset first = cvat::read(dir / "in", {});
    REQUIRE(first.items.size() == 1);
    CHECK(first.items[0].media_path == (dir / "in/images/street/0001.png").lexically_normal());

    // The media of an item is found as a project finds it: its folder joined with the URI.
    struct ProjectSource : tessera::test::DatasetSource {
        using DatasetSource::DatasetSource;
        fs::path folder;
        fs::path media_file(const v1::Item& item) const override {
            return folder / item.media()->uri()->str();
        }
    } source(first);
    source.folder = dir / "in/images";
    Losses losses;
    cvat::write(source, dir / "out/annotations.xml", writing(losses, true));
    CHECK(losses.empty());
    CHECK(tessera::read_file(dir / "out/images/street/0001.png") == "png bytes");
}
