// Item and annotation handles (lua/handles.hpp): every field of the Lua API
// reference (plugins/lua/README.md) over real FlatBuffers, and the ways a
// plugin might try to misuse a handle.

#include <catch2/catch.hpp>

#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "core/data_api.hpp"
#include "core/verify.hpp"
#include "lua/handles.hpp"
#include "lua/sandbox.hpp"

namespace {

using namespace tessera;
using namespace tessera::lua;
using Catch::Matchers::Contains;
using Bytes = std::vector<std::uint8_t>;

template <class T>
std::unique_ptr<v1::AnnotationT> shape(std::uint64_t id, std::string label, T geometry) {
    auto a = std::make_unique<v1::AnnotationT>();
    a->id = id;
    a->label = std::move(label);
    a->geometry.Set(std::move(geometry));
    return a;
}

std::unique_ptr<v1::AttributeT> attribute(std::string key, v1::AttributeType type) {
    auto attribute = std::make_unique<v1::AttributeT>();
    attribute->key = std::move(key);
    attribute->type = type;
    return attribute;
}

std::unique_ptr<v1::KeyValueT> key_value(std::string key, std::string value) {
    auto entry = std::make_unique<v1::KeyValueT>();
    entry->key = std::move(key);
    entry->value = std::move(value);
    return entry;
}

Bytes item_bytes() {
    v1::ItemT item;
    item.id = 7;
    item.media = std::make_unique<v1::MediaT>();
    item.media->kind = v1::MediaKind::Image;
    item.media->uri = "images/0001.jpg";
    item.media->width = 1920;
    item.media->height = 1080;
    item.metadata.push_back(key_value("camera", "front"));
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishItemBuffer(builder, v1::Item::Pack(builder, &item));
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

// One annotation of every geometry kind, in id order 11 .. 23.
Bytes annotation_bytes() {
    v1::AnnotationSetT set;
    set.item = 7;

    v1::BoxT box;
    box.left = 10, box.top = 20, box.right = 30, box.bottom = 60;
    auto light = shape(11, "traffic_light", box);
    light->group = 3, light->track = 9, light->frame = 4;
    light->attributes.push_back(attribute("motif", v1::AttributeType::MultiEnum));
    light->attributes.back()->strings = {"dragon", "fish"};
    light->attributes.push_back(attribute("occluded", v1::AttributeType::Bool));
    light->attributes.back()->bool_value = true;
    light->attributes.push_back(attribute("plate", v1::AttributeType::String));
    light->attributes.back()->string_value = "京A12345";
    light->attributes.push_back(attribute("score", v1::AttributeType::Float));
    light->attributes.back()->float_value = 0.5;
    light->attributes.push_back(attribute("state", v1::AttributeType::Enum));
    light->attributes.back()->string_value = "red";
    light->attributes.push_back(attribute("truncation", v1::AttributeType::Int));
    light->attributes.back()->int_value = 15;
    light->metadata.push_back(key_value("coco:area", "800"));
    set.annotations.push_back(std::move(light));

    v1::RotatedBoxT rotated;
    rotated.center = std::make_unique<v1::Point2>(10, 10);
    rotated.width = 4, rotated.height = 2, rotated.angle = std::numbers::pi / 2;
    set.annotations.push_back(shape(12, "car", rotated));

    v1::PolygonT polygon;
    polygon.points = {{0, 0}, {10, 0}, {10, 5}, {0, 5}, {2, 1}, {3, 1}, {3, 2}};
    polygon.ring_ends = {4, 7};
    set.annotations.push_back(shape(13, "road", polygon));

    v1::MultiPolygonT parts;
    for (double x : {0.0, 20.0}) {
        parts.polygons.push_back(std::make_unique<v1::PolygonT>());
        parts.polygons.back()->points = {{x, 0}, {x + 5, 0}, {x + 5, 5}};
    }
    set.annotations.push_back(shape(14, "car", parts));

    v1::PolylineT line;
    line.points = {{1, 1}, {5, 9}};
    set.annotations.push_back(shape(15, "lane_line", line));

    v1::KeypointsT keypoints;
    keypoints.points = {{1, 2}, {100, 200}, {3, 4}};
    keypoints.visibility = {v1::Visibility::Visible, v1::Visibility::NotLabeled,
                            v1::Visibility::Occluded};
    set.annotations.push_back(shape(16, "person", keypoints));

    v1::PointT point;
    point.position = std::make_unique<v1::Point2>(5, 6);
    set.annotations.push_back(shape(17, "lamp", point));

    v1::CircleT circle;
    circle.center = std::make_unique<v1::Point2>(10, 10);
    circle.radius = 2;
    set.annotations.push_back(shape(18, "wheel", circle));

    // 4 x 3 pixels, column-major: 4 background, 2 foreground (column 1, rows 1-2), 6 background.
    v1::MaskT mask;
    mask.width = 4, mask.height = 3, mask.counts = {4, 2, 6};
    set.annotations.push_back(shape(19, "stain", mask));

    v1::CuboidT cuboid;
    cuboid.center = std::make_unique<v1::Point3>(1, 2, 3);
    cuboid.size = std::make_unique<v1::Point3>(4, 2, 1.5);
    set.annotations.push_back(shape(20, "car", cuboid));

    v1::TimeSpanT span;
    span.start = 1.5, span.end = 3.25;
    auto utterance = shape(21, "utterance", span);
    utterance->text = "ꀀꀁ";
    utterance->tier = "yi";
    utterance->parent = 11;
    set.annotations.push_back(std::move(utterance));

    v1::TextSpanT text_span;
    text_span.start = 0, text_span.end = 4;
    set.annotations.push_back(shape(22, "entity", text_span));

    auto scene = std::make_unique<v1::AnnotationT>();
    scene->id = 23;
    scene->label = "scene";
    set.annotations.push_back(std::move(scene));

    flatbuffers::FlatBufferBuilder builder;
    v1::FinishAnnotationSetBuffer(builder, v1::AnnotationSet::Pack(builder, &set));
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

/// A sandbox with views over the sample item, which is begun.
struct Fixture {
    Bytes item_buffer = item_bytes();
    Bytes annotation_buffer = annotation_bytes();
    const v1::Item& item = *verified_root<v1::Item>(item_buffer, v1::ItemIdentifier(), "item");
    const v1::AnnotationSet& annotations = *verified_root<v1::AnnotationSet>(
        annotation_buffer, v1::AnnotationSetIdentifier(), "annotations");
    Sandbox sandbox{"tessera.test"};
    Handles handles{sandbox};

    Fixture() { handles.begin_item(item, annotations); }

    /// Runs `body` as function(item); its one result as tostring() gives, or the error.
    std::string run(const std::string& body) {
        sandbox.load("local item = ...\n" + body, "view.lua");
        {
            Sandbox::HostScope host(sandbox);
            handles.push_item(sandbox.state());
        }
        const CallResult result = sandbox.try_call(1, 1);
        if (!result.ok()) return "error: " + result.message;
        std::string value = luaL_tolstring(sandbox.state(), -1, nullptr);
        lua_pop(sandbox.state(), 2);
        return value;
    }
};

}  // namespace

TEST_CASE("lua views: the item's fields", "[lua]") {
    Fixture f;
    CHECK(f.run("return table.concat({ item.id, item.uri, item.kind, item.width, item.height, "
                "item.duration, item:meta('camera'), tostring(item:meta('lens')), #item, "
                "item:count() }, '|')") == "7|images/0001.jpg|image|1920|1080|0.0|front|nil|13|13");
    CHECK(f.run("return math.type(item.id) .. ' ' .. math.type(item.width)") == "integer integer");
}

TEST_CASE("lua views: annotations iterate in stored order and are found by id", "[lua]") {
    Fixture f;
    CHECK(f.run("local ids = {} for a in item:annotations() do ids[#ids + 1] = a.id end "
                "return table.concat(ids, ',')") == "11,12,13,14,15,16,17,18,19,20,21,22,23");
    CHECK(f.run("return item:annotation(16).label") == "person");
    CHECK(f.run("return item:annotation(999)") == "nil");
    CHECK(f.run("local first for a in item:annotations() do first = first or a end "
                "return first == item:annotation(11) and first ~= item:annotation(12)") == "true");
    CHECK(f.run("return tostring(item:annotation(21)) .. ' ' .. tostring(item)") ==
          "annotation 21 item 7");
}

TEST_CASE("lua views: an annotation's fields and typed attributes", "[lua]") {
    Fixture f;
    CHECK(
        f.run("local a = item:annotation(11) return table.concat({ a.id, a.label, a.kind, "
              "tostring(a.text), tostring(a.tier), a.parent, a.group, a.track, a.frame }, '|')") ==
        "11|traffic_light|box|nil|nil|0|3|9|4");
    CHECK(
        f.run(
            "local a = item:annotation(11) return table.concat({ a:attr('state'), "
            "tostring(a:attr('occluded')), math.type(a:attr('truncation')), a:attr('truncation'), "
            "a:attr('score'), a:attr('plate'), table.concat(a:attr('motif'), '+'), "
            "tostring(a:attr('colour')) }, '|')") ==
        "red|true|integer|15|0.5|京A12345|dragon+fish|nil");
    CHECK(f.run("local a = item:annotation(11) return a:meta('coco:area') .. ' ' .. "
                "tostring(a:meta('x'))") == "800 nil");
    CHECK(f.run("local a = item:annotation(21) return table.concat({ a.text, a.tier, a.parent, "
                "a.frame }, '|')") == "ꀀꀁ|yi|11|-1");
}

TEST_CASE("lua views: geometry kinds, bounds, spans and point counts", "[lua]") {
    Fixture f;
    CHECK(
        f.run("local out = {} for a in item:annotations() do out[#out + 1] = a.kind or 'none' end "
              "return table.concat(out, ' ')") ==
        "box rotated_box polygon multi_polygon polyline keypoints point circle mask cuboid "
        "time_span text_span none");
    CHECK(f.run(R"(
        local out = {}
        for a in item:annotations() do
          local x0, y0, x1, y1 = a:bounds()
          out[#out + 1] = x0 and string.format('%g,%g,%g,%g', x0, y0, x1, y1) or 'nil'
        end
        return table.concat(out, ' '))") ==
          "10,20,30,60 9,8,11,12 0,0,10,5 0,0,25,5 1,1,5,9 1,2,3,4 5,6,5,6 8,8,12,12 1,1,2,3 "
          "nil nil nil nil");
    CHECK(f.run(R"(
        local out = {}
        for a in item:annotations() do
          local s, e = a:span()
          out[#out + 1] = (a:points() or '-') .. '/' .. (s and (s .. '-' .. e) or '-')
        end
        return table.concat(out, ' '))") ==
          "-/- -/- 7/- 6/- 2/- 3/- -/- -/- -/- -/- -/1.5-3.25 -/- -/-");
}

TEST_CASE("lua views: views are read-only and their metatables out of reach", "[lua]") {
    Fixture f;
    CHECK_THAT(f.run("item:annotation(11).label = 'car'"),
               Contains("annotation views are read-only"));
    CHECK_THAT(f.run("item.id = 1"), Contains("item views are read-only"));
    CHECK(f.run("return getmetatable(item:annotation(11))") == "protected");
    CHECK(f.run("return getmetatable(item)") == "protected");
    CHECK_THAT(f.run("getmetatable(item).__index = function() return 'forged' end"),
               Contains("attempt to index a string value"));
    CHECK_THAT(f.run("setmetatable(item, {})"), Contains("table expected, got tessera.item"));
    CHECK_THAT(f.run("rawset(item:annotation(11), 'label', 'car')"), Contains("table expected"));
    CHECK_THAT(f.run("return rawlen(item)"), Contains("table or string expected"));
    // Fields keep their values after every attempt.
    CHECK(f.run("return item:annotation(11).label .. item.id") == "traffic_light7");
}

TEST_CASE("lua views: a method given the wrong kind of value is refused", "[lua]") {
    Fixture f;
    CHECK_THAT(
        f.run("local a = item:annotation(11) return a.attr(item, 'state')"),
        Contains("bad argument #1") && Contains("tessera.annotation expected, got tessera.item"));
    CHECK_THAT(f.run("return item.annotations(item:annotation(11))"),
               Contains("tessera.item expected, got tessera.annotation"));
    CHECK_THAT(f.run("return item:annotation(11).bounds({})"),
               Contains("tessera.annotation expected, got table"));
    CHECK_THAT(f.run("return item.meta('camera')"), Contains("tessera.item expected, got string"));
    CHECK_THAT(f.run("return item:annotation(11).lable"),
               Contains("annotation view has no field 'lable'"));
    CHECK_THAT(f.run("return item[1]"), Contains("item view has no field of type number"));
}

TEST_CASE("lua views: a handle kept past its item raises instead of reading freed data", "[lua]") {
    Fixture f;
    REQUIRE(f.run("kept_item = item kept = item:annotation(11) return kept.label") ==
            "traffic_light");
    f.handles.end_item();
    CHECK_THAT(f.run("return kept.label"),
               Contains("annotation handle used after its item is gone"));

    // The same buffers begun again are a new item: old handles stay dead.
    f.handles.begin_item(f.item, f.annotations);
    CHECK_THAT(f.run("return kept.label"),
               Contains("annotation handle used after its item is gone"));
    CHECK_THAT(f.run("return kept:attr('state')"),
               Contains("annotation handle used after its item is gone"));
    CHECK_THAT(f.run("return kept_item.id"), Contains("item handle used after its item is gone"));
    CHECK_THAT(f.run("for a in kept_item:annotations() do end"),
               Contains("item handle used after its item is gone"));
    CHECK(f.run("return tostring(kept)") == "annotation (gone)");
    CHECK(f.run("return item:annotation(11).label") == "traffic_light");
}

TEST_CASE("lua views: an item without annotations", "[lua]") {
    Fixture f;
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishAnnotationSetBuffer(builder, v1::CreateAnnotationSet(builder, 7));
    const auto* empty = flatbuffers::GetRoot<v1::AnnotationSet>(builder.GetBufferPointer());
    f.handles.end_item();
    f.handles.begin_item(f.item, *empty);
    CHECK(
        f.run(
            "local n = 0 for a in item:annotations() do n = n + 1 end return n .. ' ' .. #item") ==
        "0 0");
    CHECK(f.run("return item:annotation(11)") == "nil");
}
