#include <catch2/catch.hpp>

#include <fstream>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "support/dataset_source.hpp"
#include "support/format_helpers.hpp"
#include "support/temp_dir.hpp"
#include "voc/voc.hpp"

namespace fs = std::filesystem;
namespace voc = tessera::formats::voc;
namespace v1 = tessera::v1;
using tessera::formats::Dataset;
using tessera::test::TempDir;

using tessera::test::attribute;
using tessera::test::put;

namespace {

std::string metadata(const tessera::formats::ImportedItem& item, std::string_view key) {
    for (const auto& kv : item.metadata)
        if (kv->key == key) return kv->value;
    return "<none>";
}

constexpr std::string_view kPerson = R"(<annotation>
	<folder>VOC2007</folder>
	<filename>a.jpg</filename>
	<size>
		<width>353</width>
		<height>500</height>
		<depth>3</depth>
	</size>
	<segmented>0</segmented>
	<object>
		<name>行人</name>
		<pose>Left</pose>
		<truncated>1</truncated>
		<difficult>0</difficult>
		<bndbox>
			<xmin>1</xmin>
			<ymin>1</ymin>
			<xmax>50</xmax>
			<ymax>80</ymax>
		</bndbox>
		<part>
			<name>head</name>
			<bndbox><xmin>10</xmin><ymin>2</ymin><xmax>20</xmax><ymax>12</ymax></bndbox>
		</part>
	</object>
	<object>
		<name>ꆈꌠ</name>
		<occluded>1</occluded>
		<bndbox>
			<xmin>10.5</xmin>
			<ymin>20.25</ymin>
			<xmax>100.5</xmax>
			<ymax>200</ymax>
		</bndbox>
	</object>
</annotation>
)";

constexpr std::string_view kUyghur = R"(<?xml version="1.0" encoding="utf-8"?>
<annotation>
	<filename>b.png</filename>
	<path>/data/b.png</path>
	<object>
		<name>ئۇيغۇر</name>
		<difficult>true</difficult>
		<bndbox><xmin>5</xmin><ymin>6</ymin><xmax>7</xmax><ymax>8</ymax></bndbox>
	</object>
</annotation>
)";

/// The error reading `text` as file "a.xml" gives; "" when it reads.
std::string error_of(std::string_view text) {
    return tessera::test::error_reading("a.xml", text,
                                        [](const fs::path& path) { (void)voc::read(path, {}); });
}

}  // namespace

TEST_CASE("voc: objects import with --voc-origin 1 pixels converted and their attributes") {
    TempDir dir;
    put(dir / "Annotations/a.xml", kPerson);
    put(dir / "JPEGImages/a.jpg", "image bytes");
    put(dir / "Annotations/more/b.xml", kUyghur);
    put(dir / "Annotations/more/b.png", "image bytes");
    tessera::formats::ReadOptions devkit;
    devkit.settings["voc-origin"] = "1";
    const Dataset dataset = voc::read(dir / "Annotations", devkit);

    REQUIRE(dataset.items.size() == 2);
    const auto& a = dataset.items[0];
    CHECK(a.name == "a.jpg");
    CHECK(a.media_path == dir / "JPEGImages/a.jpg");
    CHECK(a.media.width == 353);
    CHECK(a.media.height == 500);
    CHECK(metadata(a, "voc:folder") == "VOC2007");
    CHECK(metadata(a, "voc:depth") == "3");
    REQUIRE(a.annotations.size() == 3);

    const v1::AnnotationT& person = *a.annotations[0];
    CHECK(person.id == 1);
    CHECK(person.label == "行人");
    CHECK(!person.provenance);  // the importer marks it imported
    const auto* box = person.geometry.AsBox();
    REQUIRE(box != nullptr);
    // xmin = 1 is the first pixel column: left edge 0; xmax = 50 includes column 49: right edge 50.
    CHECK(box->left == 0);
    CHECK(box->top == 0);
    CHECK(box->right == 50);
    CHECK(box->bottom == 80);
    REQUIRE(attribute(person, "pose") != nullptr);
    CHECK(attribute(person, "pose")->type == v1::AttributeType::String);
    CHECK(attribute(person, "pose")->string_value == "Left");
    CHECK(attribute(person, "truncated")->bool_value);
    CHECK(attribute(person, "difficult")->type == v1::AttributeType::Bool);
    CHECK_FALSE(attribute(person, "difficult")->bool_value);
    CHECK(attribute(person, "occluded") == nullptr);

    const v1::AnnotationT& head = *a.annotations[1];
    CHECK(head.label == "head");
    CHECK(head.parent == person.id);
    CHECK(head.geometry.AsBox()->left == 9);
    CHECK(head.geometry.AsBox()->bottom == 12);

    const v1::AnnotationT& yi = *a.annotations[2];
    CHECK(yi.label == "ꆈꌠ");
    CHECK(yi.geometry.AsBox()->left == 9.5);
    CHECK(yi.geometry.AsBox()->top == 19.25);
    CHECK(yi.geometry.AsBox()->right == 100.5);
    CHECK(attribute(yi, "occluded")->bool_value);

    const auto& b = dataset.items[1];
    CHECK(b.name == "b.png");
    CHECK(b.media_path == dir / "Annotations/more/b.png");
    CHECK(metadata(b, "voc:path") == "/data/b.png");
    REQUIRE(b.annotations.size() == 1);
    CHECK(b.annotations[0]->id == 4);
    CHECK(b.annotations[0]->label == "ئۇيغۇر");
    CHECK(attribute(*b.annotations[0], "difficult")->bool_value);

    REQUIRE(dataset.schema.classes.size() == 4);
    CHECK(dataset.schema.classes[0]->key == "行人");
    CHECK(dataset.schema.classes[1]->key == "head");
    CHECK(dataset.schema.classes[3]->key == "ئۇيغۇر");
}

TEST_CASE("voc: read, write and read again gives the same annotations") {
    TempDir dir;
    put(dir / "in/a.xml", kPerson);
    put(dir / "in/b.xml", kUyghur);
    const Dataset first = voc::read(dir / "in", {});
    std::uint64_t reported = 0;
    voc::write(tessera::test::DatasetSource(first), dir / "out",
               {.progress = [&](std::uint64_t done, std::uint64_t) { reported = done; }});
    CHECK(reported == 2);

    const std::string written = tessera::read_file(dir / "out/a.xml");
    CHECK(written.find("<xmin>1</xmin>") != std::string::npos);
    CHECK(written.find("<xmin>10.5</xmin>") != std::string::npos);
    CHECK(written.find("<part>") != std::string::npos);
    CHECK(written.find("<folder>VOC2007</folder>") != std::string::npos);

    const Dataset second = voc::read(dir / "out", {});
    CHECK(tessera::test::dataset_differences(first, second).empty());
    REQUIRE(second.items.size() == 2);
    CHECK(metadata(second.items[1], "voc:path") == "/data/b.png");
    CHECK(second.items[0].annotations[1]->parent == second.items[0].annotations[0]->id);
}

TEST_CASE("voc: export writes other shapes by their bounds and escapes labels") {
    Dataset dataset;
    tessera::formats::ImportedItem item;
    item.name = "photos/x.jpg";
    item.media.width = 100;
    item.media.height = 50;
    auto polygon = std::make_unique<v1::AnnotationT>();
    polygon->id = 1;
    polygon->label = "a<b & c";
    v1::PolygonT shape;
    shape.points = {{10, 10}, {30, 20}, {15, 40}};
    polygon->geometry.Set(std::move(shape));
    item.annotations.push_back(std::move(polygon));
    dataset.items.push_back(std::move(item));

    TempDir dir;
    voc::write(tessera::test::DatasetSource(dataset), dir.path(), {});
    const Dataset back = voc::read(dir / "photos/x.xml", {});
    REQUIRE(back.items.size() == 1);
    CHECK(back.items[0].name == "x.jpg");
    CHECK(metadata(back.items[0], "voc:folder") == "photos");
    REQUIRE(back.items[0].annotations.size() == 1);
    CHECK(back.items[0].annotations[0]->label == "a<b & c");
    const auto* box = back.items[0].annotations[0]->geometry.AsBox();
    CHECK(box->left == 10);
    CHECK(box->top == 10);
    CHECK(box->right == 30);
    CHECK(box->bottom == 40);
}

TEST_CASE("voc: a carriage return in a label survives export and import") {
    // An XML parser turns a raw CR in element text into LF: it is written as &#13;.
    Dataset dataset;
    tessera::formats::ImportedItem item;
    item.name = "x.jpg";
    item.media.width = 100;
    item.media.height = 50;
    auto box = std::make_unique<v1::AnnotationT>();
    box->id = 1;
    box->label = "two\rlines\r\nhere";
    v1::BoxT shape;
    shape.left = 1;
    shape.top = 2;
    shape.right = 3;
    shape.bottom = 4;
    box->geometry.Set(std::move(shape));
    item.annotations.push_back(std::move(box));
    dataset.items.push_back(std::move(item));

    TempDir dir;
    voc::write(tessera::test::DatasetSource(dataset), dir.path(), {});
    const Dataset back = voc::read(dir / "x.xml", {});
    REQUIRE(back.items.size() == 1);
    REQUIRE(back.items[0].annotations.size() == 1);
    CHECK(back.items[0].annotations[0]->label == "two\rlines\r\nhere");
}

TEST_CASE("voc: malformed files name the file, line and column and return nothing") {
    CHECK(error_of("<annotation>\n  <filename>a.jpg</filename>\n") ==
          "a.xml:2:29: expected well-formed XML (Start-end tags mismatch)");
    CHECK(error_of("<?xml version=\"1.0\"?>\n<voc/>\n") ==
          "a.xml:2:2: expected <annotation> as the root element, found <voc>");
    CHECK(error_of("<annotation>\n  <size><width>5</width></size>\n</annotation>\n") ==
          "a.xml:1:2: expected <filename> naming the image");
    CHECK(error_of("<annotation><filename>a.jpg</filename>\n"
                   "  "
                   "<object><name>a</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</"
                   "xmax><ymax>2</ymax></bndbox></object>\n"
                   "  <object>\n"
                   "    <name>b</name>\n"
                   "    <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax></bndbox>\n"
                   "  </object>\n"
                   "</annotation>\n") == "a.xml:5:6: object 2: bndbox has no ymax");
    CHECK(error_of(
              "<annotation><filename>a.jpg</filename>\n"
              "  <object><name>a</name>\n"
              "    <bndbox><xmin>abc</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox>\n"
              "  </object>\n"
              "</annotation>\n") == "a.xml:3:19: object 1: xmin: expected a number, found \"abc\"");
    CHECK(error_of("<annotation><filename>a.jpg</filename>\n"
                   "  <object><name>a</name><difficult>maybe</difficult>\n"
                   "    <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox>\n"
                   "  </object>\n"
                   "</annotation>\n") ==
          "a.xml:2:36: object 1: difficult: expected 0 or 1, found \"maybe\"");
    CHECK(error_of("<annotation><filename>a.jpg</filename>\n"
                   "  <object>\n"
                   "    <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox>\n"
                   "  </object>\n"
                   "</annotation>\n") == "a.xml:2:4: object 1: expected <name>");
    CHECK(
        error_of("<annotation><filename>a.jpg</filename>\n"
                 "  <object><name>a</name>\n"
                 "    <bndbox><xmin>10</xmin><ymin>1</ymin><xmax>5</xmax><ymax>2</ymax></bndbox>\n"
                 "  </object>\n"
                 "</annotation>\n") == "a.xml:3:6: object 1: bndbox xmax 5 is less than xmin 10");
    CHECK(error_of("<annotation><filename>a.jpg</filename>\n"
                   "  <size><width>-3</width><height>2</height></size>\n"
                   "</annotation>\n") ==
          "a.xml:2:16: size: width: expected a whole number of pixels, found \"-3\"");
    CHECK(error_of("<annotation><filename>a.jpg</filename>\n"
                   "  <object><name>a</name></object>\n"
                   "</annotation>\n") == "a.xml:2:4: object 1: expected <bndbox>");

    TempDir dir;
    CHECK_THROWS_WITH(voc::read(dir.path(), {}),
                      dir.path().generic_string() +
                          ": expected Pascal VOC .xml files in this folder, found none");
}
