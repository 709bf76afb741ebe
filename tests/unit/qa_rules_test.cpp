// The built-in QA rules: each one fires on a case it is meant to catch and
// stays quiet on a valid one, with the message and fix an inspector reads.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "builtin_rules.hpp"
#include "core/data_api.hpp"
#include "qa/engine.hpp"

namespace {

using namespace tessera;
using Catch::Matchers::Contains;

std::unique_ptr<v1::AnnotationT> annotation(std::uint64_t id, std::string label,
                                            v1::GeometryUnion geometry = {}) {
    auto a = std::make_unique<v1::AnnotationT>();
    a->id = id;
    a->label = std::move(label);
    a->geometry = std::move(geometry);
    return a;
}

v1::GeometryUnion box(double left, double top, double right, double bottom) {
    v1::BoxT b;
    b.left = left, b.top = top, b.right = right, b.bottom = bottom;
    v1::GeometryUnion u;
    u.Set(std::move(b));
    return u;
}

v1::GeometryUnion polygon(std::vector<v1::Point2> points) {
    v1::PolygonT p;
    p.points = std::move(points);
    v1::GeometryUnion u;
    u.Set(std::move(p));
    return u;
}

v1::GeometryUnion span(double start, double end) {
    v1::TimeSpanT s;
    s.start = start, s.end = end;
    v1::GeometryUnion u;
    u.Set(std::move(s));
    return u;
}

std::unique_ptr<v1::AttributeT> attribute(std::string key, v1::AttributeType type) {
    auto a = std::make_unique<v1::AttributeT>();
    a->key = std::move(key);
    a->type = type;
    return a;
}

std::unique_ptr<v1::AttributeSpecT> spec(std::string key, v1::AttributeType type,
                                         bool required = false) {
    auto s = std::make_unique<v1::AttributeSpecT>();
    s->key = std::move(key);
    s->type = type;
    s->required = required;
    return s;
}

std::unique_ptr<v1::LabelClassT> label_class(std::string key) {
    auto c = std::make_unique<v1::LabelClassT>();
    c->key = std::move(key);
    return c;
}

/// A schema, an item and its annotations, checked by the built-in rules.
struct Case {
    v1::LabelSchemaT schema;
    v1::ItemT item;
    v1::AnnotationSetT set;
    qa::RuleSettings settings;

    Case() {
        item.id = 7;
        item.media = std::make_unique<v1::MediaT>();
        item.media->kind = v1::MediaKind::Image;
        item.media->uri = "images/a.jpg";
        item.media->width = 1920;
        item.media->height = 1080;
        set.item = 7;
    }

    v1::AnnotationT& add(std::unique_ptr<v1::AnnotationT> a) {
        set.annotations.push_back(std::move(a));
        return *set.annotations.back();
    }

    /// Findings of rule `rule` only (every built-in rule runs).
    std::vector<qa::Finding> findings(std::string_view rule) const {
        std::vector<qa::Finding> out;
        for (qa::Finding& f : all())
            if (f.rule == rule) out.push_back(std::move(f));
        return out;
    }

    std::vector<qa::Finding> all() const {
        flatbuffers::FlatBufferBuilder s, i, a;
        s.Finish(v1::LabelSchema::Pack(s, &schema), v1::LabelSchemaIdentifier());
        i.Finish(v1::Item::Pack(i, &item), v1::ItemIdentifier());
        a.Finish(v1::AnnotationSet::Pack(a, &set), v1::AnnotationSetIdentifier());
        const qa::RuleSet rules({&rules::builtin_rules()}, settings);
        qa::Checker checker(rules);
        REQUIRE(checker.setup_failures().empty());
        return checker.check(
            qa::ItemInput{{s.GetBufferPointer(), s.GetSize()},
                          {i.GetBufferPointer(), i.GetSize()},
                          {a.GetBufferPointer(), a.GetSize()},
                          *flatbuffers::GetRoot<v1::LabelSchema>(s.GetBufferPointer()),
                          *flatbuffers::GetRoot<v1::Item>(i.GetBufferPointer()),
                          *flatbuffers::GetRoot<v1::AnnotationSet>(a.GetBufferPointer())});
    }
};

}  // namespace

TEST_CASE("builtin.label-unknown: a label the schema does not declare", "[qa][rules]") {
    Case c;
    c.add(annotation(1, "car", box(10, 10, 50, 50)));
    c.add(annotation(2, "truck", box(10, 10, 50, 50)));
    SECTION("without classes in the schema nothing is judged") {
        CHECK(c.findings("builtin.label-unknown").empty());
    }
    SECTION("with classes, the unknown label is reported") {
        c.schema.classes.push_back(label_class("car"));
        const auto found = c.findings("builtin.label-unknown");
        REQUIRE(found.size() == 1);
        CHECK(found[0].item == 7);
        CHECK(found[0].annotations == std::vector<std::uint64_t>{2});
        CHECK(found[0].severity == qa::Severity::Error);
        CHECK_THAT(found[0].message, Contains("label \"truck\" is not in the label schema"));
    }
}

TEST_CASE("builtin.geometry-kind: a geometry the class does not allow", "[qa][rules]") {
    Case c;
    auto car = label_class("car");
    car->geometry = {v1::GeometryKind::Box};
    c.schema.classes.push_back(std::move(car));
    c.add(annotation(1, "car", box(10, 10, 50, 50)));
    c.add(annotation(2, "car", polygon({{1, 1}, {20, 1}, {20, 20}})));
    const auto found = c.findings("builtin.geometry-kind");
    REQUIRE(found.size() == 1);
    CHECK(found[0].annotations == std::vector<std::uint64_t>{2});
    CHECK_THAT(found[0].message, Contains("Polygon is not allowed for class car (allowed: Box)"));
}

TEST_CASE("builtin.attribute-required: a required attribute missing", "[qa][rules]") {
    Case c;
    auto light = label_class("traffic_light");
    auto state = spec("state", v1::AttributeType::Enum, true);
    for (const char* key : {"red", "yellow", "green"}) {
        auto value = std::make_unique<v1::EnumValueT>();
        value->key = key;
        state->values.push_back(std::move(value));
    }
    light->attributes.push_back(std::move(state));
    light->attributes.push_back(spec("note", v1::AttributeType::String));
    c.schema.classes.push_back(std::move(light));
    auto& with = c.add(annotation(1, "traffic_light", box(10, 10, 50, 50)));
    auto value = attribute("state", v1::AttributeType::Enum);
    value->string_value = "red";
    with.attributes.push_back(std::move(value));
    c.add(annotation(2, "traffic_light", box(100, 10, 150, 50)));
    const auto found = c.findings("builtin.attribute-required");
    REQUIRE(found.size() == 1);
    CHECK(found[0].annotations == std::vector<std::uint64_t>{2});
    CHECK_THAT(found[0].message,
               Contains("required attribute \"state\" of class traffic_light is missing"));
    CHECK(found[0].fix == "set \"state\" to one of red, yellow, green");
}

TEST_CASE("builtin.attribute-value: enum, range, pattern and type", "[qa][rules]") {
    Case c;
    auto sign = label_class("sign");
    auto kind = spec("kind", v1::AttributeType::Enum);
    auto stop = std::make_unique<v1::EnumValueT>();
    stop->key = "stop";
    kind->values.push_back(std::move(stop));
    auto height = spec("height_cm", v1::AttributeType::Float);
    height->min = 0, height->max = 500;
    auto code = spec("code", v1::AttributeType::String);
    code->pattern = "[A-Z]{2}-[0-9]+";
    sign->attributes.push_back(std::move(kind));
    sign->attributes.push_back(std::move(height));
    sign->attributes.push_back(std::move(code));
    sign->attributes.push_back(spec("lit", v1::AttributeType::Bool));
    c.schema.classes.push_back(std::move(sign));

    const auto make = [&](std::uint64_t id, std::string kind_value, double height_value,
                          std::string code_value, v1::AttributeType lit_type) {
        auto& a = c.add(annotation(id, "sign", box(10, 10, 50, 50)));
        auto k = attribute("kind", v1::AttributeType::Enum);
        k->string_value = std::move(kind_value);
        auto h = attribute("height_cm", v1::AttributeType::Float);
        h->float_value = height_value;
        auto s = attribute("code", v1::AttributeType::String);
        s->string_value = std::move(code_value);
        auto l = attribute("lit", lit_type);
        a.attributes.push_back(std::move(s));
        a.attributes.push_back(std::move(h));
        a.attributes.push_back(std::move(k));
        a.attributes.push_back(std::move(l));
    };
    make(1, "stop", 120, "CN-42", v1::AttributeType::Bool);   // valid
    make(2, "yield", 120, "CN-42", v1::AttributeType::Bool);  // not in the enum
    make(3, "stop", 600, "CN-42", v1::AttributeType::Bool);   // above the range
    make(4, "stop", 120, "cn42", v1::AttributeType::Bool);    // does not match the pattern
    make(5, "stop", 120, "CN-42", v1::AttributeType::Int);    // wrong type
    const auto found = c.findings("builtin.attribute-value");
    REQUIRE(found.size() == 4);
    CHECK(found[0].annotations == std::vector<std::uint64_t>{2});
    CHECK_THAT(found[0].message, Contains("\"kind\" is \"yield\", expected one of stop"));
    CHECK(found[1].annotations == std::vector<std::uint64_t>{3});
    CHECK_THAT(found[1].message, Contains("\"height_cm\" is 600, expected between 0 and 500"));
    CHECK(found[1].fix == "set \"height_cm\" to 500");
    CHECK(found[2].annotations == std::vector<std::uint64_t>{4});
    CHECK_THAT(found[2].message, Contains("\"code\" is \"cn42\", which does not match"));
    CHECK(found[3].annotations == std::vector<std::uint64_t>{5});
    CHECK_THAT(found[3].message, Contains("\"lit\" is an integer, expected a boolean"));
}

TEST_CASE("builtin.outside-image: geometry beyond the image's border", "[qa][rules]") {
    Case c;
    c.add(annotation(1, "car", box(1800, 10, 1920.4, 50)));  // within the 0.5 px tolerance
    c.add(annotation(2, "car", box(1800, -20, 1930, 50)));
    c.add(annotation(3, "car", polygon({{10, 10}, {30, 10}, {30, 1200}})));
    SECTION("reported with a clamped box as the fix") {
        const auto found = c.findings("builtin.outside-image");
        REQUIRE(found.size() == 2);
        CHECK(found[0].annotations == std::vector<std::uint64_t>{2});
        CHECK_THAT(found[0].message, Contains("extends outside the 1920 x 1080 image"));
        CHECK(found[0].fix == "clamp the box to (1800, 0, 1920, 50)");
        CHECK(found[1].annotations == std::vector<std::uint64_t>{3});
        CHECK_THAT(found[1].message, Contains("polygon point 2 (30, 1200) lies outside"));
    }
    SECTION("a larger tolerance from the project lets the box pass") {
        c.settings["builtin.outside-image"].params["tolerance"] = "25";
        CHECK(c.findings("builtin.outside-image").size() == 1);
    }
    SECTION("an item of unknown size has no outside") {
        c.item.media->width = 0;
        c.item.media->height = 0;
        CHECK(c.findings("builtin.outside-image").empty());
    }
}

TEST_CASE("builtin.degenerate-geometry: empty boxes, thin and crossed polygons", "[qa][rules]") {
    Case c;
    c.add(annotation(1, "car", box(10, 10, 50, 50)));
    c.add(annotation(2, "car", box(10, 10, 10, 50)));
    c.add(annotation(3, "car", polygon({{0, 0}, {10, 0}, {10, 10}, {0, 10}})));  // a square
    c.add(annotation(4, "car", polygon({{0, 0}, {10, 0}})));
    c.add(annotation(5, "car", polygon({{0, 0}, {10, 10}, {10, 0}, {0, 10}})));  // a bow tie
    c.add(annotation(6, "car", box(50, 10, 10, 50)));                            // inverted
    const auto found = c.findings("builtin.degenerate-geometry");
    REQUIRE(found.size() == 4);
    CHECK(found[0].annotations == std::vector<std::uint64_t>{2});
    CHECK_THAT(found[0].message, Contains("has zero area (0 x 40 px)"));
    CHECK(found[1].annotations == std::vector<std::uint64_t>{4});
    CHECK_THAT(found[1].message, Contains("ring 0 has 2 points, expected at least 3"));
    CHECK(found[2].annotations == std::vector<std::uint64_t>{5});
    CHECK_THAT(found[2].message, Contains("crosses itself"));
    CHECK(found[3].annotations == std::vector<std::uint64_t>{6});
    CHECK(found[3].fix == "swap the inverted edges, or delete the box");
}

TEST_CASE("builtin.box-min-size: a box below the class's minimum", "[qa][rules]") {
    Case c;
    auto person = label_class("person");
    person->min_width = 10, person->min_height = 20;
    c.schema.classes.push_back(std::move(person));
    c.schema.classes.push_back(label_class("car"));
    c.add(annotation(1, "person", box(0, 0, 12, 25)));
    c.add(annotation(2, "person", box(0, 0, 12, 19)));
    c.add(annotation(3, "car", box(0, 0, 2, 2)));  // car has no minimum
    const auto found = c.findings("builtin.box-min-size");
    REQUIRE(found.size() == 1);
    CHECK(found[0].annotations == std::vector<std::uint64_t>{2});
    CHECK(found[0].severity == qa::Severity::Warning);
    CHECK_THAT(found[0].message, Contains("box is 12 x 19 px, below the minimum 10 x 20 px"));
}

TEST_CASE("builtin.near-duplicate: two boxes of one label on the same object", "[qa][rules]") {
    Case c;
    c.add(annotation(1, "car", box(100, 100, 200, 200)));
    c.add(annotation(2, "car", box(300, 100, 400, 200)));
    c.add(annotation(3, "car", box(101, 100, 200, 200)));    // IoU 0.99 with 1
    c.add(annotation(4, "truck", box(100, 100, 200, 200)));  // another label
    c.add(annotation(5, "car", box(305, 100, 400, 200)));    // IoU 0.95 with 2
    SECTION("with the default threshold 0.95") {
        const auto found = c.findings("builtin.near-duplicate");
        REQUIRE(found.size() == 2);
        CHECK(found[0].annotations == std::vector<std::uint64_t>{1, 3});
        CHECK_THAT(found[0].message, Contains("IoU 0.990"));
        CHECK(found[1].annotations == std::vector<std::uint64_t>{2, 5});
    }
    SECTION("with a stricter threshold from the project") {
        c.settings["builtin.near-duplicate"].params["iou"] = "0.98";
        const auto found = c.findings("builtin.near-duplicate");
        REQUIRE(found.size() == 1);
        CHECK(found[0].annotations == std::vector<std::uint64_t>{1, 3});
    }
}

TEST_CASE("builtin.text-unicode-range: text outside the tier's orthography", "[qa][rules]") {
    Case c;
    auto yi = std::make_unique<v1::TierT>();
    yi->key = "yi";
    yi->unicode_ranges = {v1::UnicodeRange(0xA000, 0xA48F)};
    c.schema.tiers.push_back(std::move(yi));
    auto speaker = label_class("speech");
    auto name = spec("name", v1::AttributeType::String);
    name->unicode_ranges = {v1::UnicodeRange('a', 'z')};
    speaker->attributes.push_back(std::move(name));
    c.schema.classes.push_back(std::move(speaker));

    auto& good = c.add(annotation(1, "", span(0, 1)));
    good.tier = "yi", good.text = "ꀀ ꀁ";
    auto& bad = c.add(annotation(2, "", span(1, 2)));
    bad.tier = "yi", bad.text = "ꀀa";
    auto& named = c.add(annotation(3, "speech"));
    auto value = attribute("name", v1::AttributeType::String);
    value->string_value = "Ayi";
    named.attributes.push_back(std::move(value));
    const auto found = c.findings("builtin.text-unicode-range");
    REQUIRE(found.size() == 2);
    CHECK(found[0].annotations == std::vector<std::uint64_t>{2});
    CHECK_THAT(found[0].message, Contains("text has U+0061 \"a\" at code point 1"));
    CHECK_THAT(found[0].message, Contains("tier yi allows (U+A000–U+A48F)"));
    CHECK(found[1].annotations == std::vector<std::uint64_t>{3});
    CHECK_THAT(found[1].message, Contains("attribute \"name\" has U+0041"));
    CHECK(c.findings("builtin.label-unknown").empty());  // tier text needs no label
}

TEST_CASE("builtin.text-nfc: any string of an annotation not in NFC is a warning", "[qa][rules]") {
    Case c;
    c.add(annotation(1, "note")).text = "caf\xC3\xA9";   // é precomposed: NFC
    c.add(annotation(2, "note")).text = "cafe\xCC\x81";  // e + combining acute: NFD
    c.add(annotation(3, "cafe\xCC\x81"));                // a label, not declared anywhere
    c.add(annotation(4, "note")).attributes.push_back(attribute("name", v1::AttributeType::String));
    c.set.annotations.back()->attributes.back()->string_value = "Lo\xCC\x81pez";
    c.add(annotation(5, "note")).text = "caf\xFF";  // not UTF-8: builtin.text-damaged's
    const auto found = c.findings("builtin.text-nfc");
    REQUIRE(found.size() == 3);
    CHECK(found[0].annotations == std::vector<std::uint64_t>{2});
    CHECK(found[0].message == "text is not in Unicode NFC");
    CHECK(found[0].fix == "replace it with its NFC form \"caf\xC3\xA9\"");
    CHECK(found[0].severity == qa::Severity::Warning);
    CHECK(found[1].annotations == std::vector<std::uint64_t>{3});
    CHECK(found[1].message == "label is not in Unicode NFC");
    CHECK(found[2].annotations == std::vector<std::uint64_t>{4});
    CHECK(found[2].message == "attribute \"name\" is not in Unicode NFC");
    CHECK(found[2].fix == "replace it with its NFC form \"L\xC3\xB3pez\"");
}

TEST_CASE("builtin.text-damaged: U+FFFD, NUL bytes and invalid UTF-8 in any string are errors",
          "[qa][rules]") {
    using namespace std::string_literals;
    // Pollard Miao above U+FFFF, and what a UI with 16-bit wide characters stored for it.
    const std::string miao = "\xF0\x96\xBC\x80\xF0\x96\xBC\x81\xF0\x96\xBC\x82 A-Hmao";
    const std::string damaged = "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD A-Hmao!\0\0\0"s;
    Case c;
    const auto named = [&](std::uint64_t id, std::string name) -> v1::AnnotationT& {
        auto& a = c.add(annotation(id, "speaker"));
        a.attributes.push_back(attribute("name", v1::AttributeType::String));
        a.attributes.back()->string_value = std::move(name);
        return a;
    };
    named(1, miao).text = miao;
    named(2, damaged);
    named(3, "Ma").text = "caf\xFF";
    named(4, "Ma").relations.push_back(std::make_unique<v1::RelationT>());
    c.set.annotations.back()->relations.back()->kind = "\xEF\xBF\xBD";
    const auto found = c.findings("builtin.text-damaged");
    REQUIRE(found.size() == 4);
    CHECK(found[0].annotations == std::vector<std::uint64_t>{2});
    CHECK(found[0].message == "attribute \"name\" has 3 NUL bytes, the first at byte 18");
    CHECK_THAT(found[0].fix, Contains("delete the NUL bytes"));
    CHECK(found[0].severity == qa::Severity::Error);
    CHECK(found[1].annotations == std::vector<std::uint64_t>{2});
    CHECK(found[1].message ==
          "attribute \"name\" has 3 U+FFFD replacement characters, the first at byte 1");
    CHECK_THAT(found[1].fix, Contains("type the text again from its source"));
    CHECK(found[2].annotations == std::vector<std::uint64_t>{3});
    CHECK(found[2].message == "text is not valid UTF-8 at byte 4");
    CHECK(found[3].annotations == std::vector<std::uint64_t>{4});
    CHECK(found[3].message == "relation 1 kind has a U+FFFD replacement character at byte 1");
    CHECK(c.findings("builtin.text-nfc").empty());
}

TEST_CASE("builtin.tier-overlap: overlapping spans in an exclusive tier", "[qa][rules]") {
    Case c;
    for (const auto& [key, exclusive] : {std::pair{"words", true}, std::pair{"notes", false}}) {
        auto tier = std::make_unique<v1::TierT>();
        tier->key = key;
        tier->exclusive = exclusive;
        c.schema.tiers.push_back(std::move(tier));
    }
    const auto add = [&](std::uint64_t id, const char* tier, double start, double end) {
        c.add(annotation(id, "", span(start, end))).tier = tier;
    };
    add(1, "words", 0, 1);
    add(2, "words", 1, 2);  // touching is fine
    add(3, "words", 1.5, 3);
    add(4, "notes", 0, 5);  // not exclusive
    add(5, "notes", 1, 2);
    const auto found = c.findings("builtin.tier-overlap");
    REQUIRE(found.size() == 1);
    CHECK(found[0].annotations == std::vector<std::uint64_t>{2, 3});
    CHECK_THAT(found[0].message, Contains("overlap in exclusive tier words"));
    CHECK(found[0].fix == "move the start of span 3 to 2 s");
}

TEST_CASE("built-in rules: a valid item has no findings at all", "[qa][rules]") {
    Case c;
    auto car = label_class("car");
    car->geometry = {v1::GeometryKind::Box};
    car->attributes.push_back(spec("occluded", v1::AttributeType::Bool, true));
    c.schema.classes.push_back(std::move(car));
    for (std::uint64_t id = 1; id <= 10; ++id) {
        const double x = static_cast<double>(id) * 150;
        auto& a = c.add(annotation(id, "car", box(x, 100, x + 100, 200)));
        a.attributes.push_back(attribute("occluded", v1::AttributeType::Bool));
    }
    CHECK(c.all().empty());
}

TEST_CASE("builtin.attribute-value: a value too long to match against the pattern", "[qa][rules]") {
    Case c;
    auto sign = label_class("sign");
    auto code = spec("code", v1::AttributeType::String);
    code->pattern = "[A-Z]+";
    sign->attributes.push_back(std::move(code));
    c.schema.classes.push_back(std::move(sign));
    const auto make = [&](std::uint64_t id, std::string value) {
        auto s = attribute("code", v1::AttributeType::String);
        s->string_value = std::move(value);
        c.add(annotation(id, "sign", box(10, 10, 50, 50))).attributes.push_back(std::move(s));
    };
    make(1, std::string(4096, 'A'));     // at the limit: matched
    make(2, std::string(200'000, 'A'));  // would overflow the matcher's recursion
    const auto found = c.findings("builtin.attribute-value");
    REQUIRE(found.size() == 1);
    CHECK(found[0].annotations == std::vector<std::uint64_t>{2});
    CHECK_THAT(found[0].message, Contains("\"code\" is 200000 bytes long, too long to check "
                                          "against the pattern /[A-Z]+/ (limit 4096 bytes)"));
}

TEST_CASE("builtin.attribute-value: patterns too big to compile are refused", "[qa][rules]") {
    const auto run = [](std::string pattern, std::string value) {
        Case c;
        auto sign = label_class("sign");
        auto code = spec("code", v1::AttributeType::String);
        code->pattern = std::move(pattern);
        sign->attributes.push_back(std::move(code));
        c.schema.classes.push_back(std::move(sign));
        auto s = attribute("code", v1::AttributeType::String);
        s->string_value = std::move(value);
        c.add(annotation(1, "sign", box(10, 10, 50, 50))).attributes.push_back(std::move(s));
        return c.findings("builtin.attribute-value");
    };
    SECTION("a huge repetition count") {
        const auto found = run("(a{100000}){100000}", "a");
        REQUIRE(found.size() == 1);
        CHECK(found[0].annotations.empty());
        CHECK_THAT(found[0].message, Contains("pattern of attribute \"code\" of class sign is "
                                              "refused: its repetition {100000} asks for more "
                                              "than 1000 repeats"));
    }
    SECTION("a huge upper bound, or an overflowing count") {
        CHECK_THAT(run("x{2,1001}", "xx").at(0).message, Contains("repetition {2,1001}"));
        CHECK_THAT(run("x{99999999999999999999999}", "x").at(0).message, Contains("is refused"));
    }
    SECTION("a pattern above 512 bytes") {
        const auto found = run(std::string(513, 'a'), "a");
        REQUIRE(found.size() == 1);
        CHECK_THAT(found[0].message, Contains("513 bytes long, above the limit of 512 bytes"));
    }
    SECTION("within the limits the pattern is compiled and matched") {
        CHECK(run("x{2,1000}", "xxx").empty());
        CHECK(run("[{]{3}\\{1001\\}", "{{{{1001}").empty());  // braces in a class or escaped
        CHECK(run(std::string(512, 'a'), std::string(512, 'a')).empty());
    }
}

namespace {

/// The builtin.attribute-value findings for one annotation whose String
/// attribute "code" (of class sign, with `pattern`) holds each of `values`.
std::vector<qa::Finding> pattern_findings(std::string pattern, std::vector<std::string> values) {
    Case c;
    auto sign = label_class("sign");
    auto code = spec("code", v1::AttributeType::String);
    code->pattern = std::move(pattern);
    sign->attributes.push_back(std::move(code));
    c.schema.classes.push_back(std::move(sign));
    std::uint64_t id = 0;
    for (std::string& value : values) {
        auto s = attribute("code", v1::AttributeType::String);
        s->string_value = std::move(value);
        c.add(annotation(++id, "sign", box(10, 10, 50, 50))).attributes.push_back(std::move(s));
    }
    return c.findings("builtin.attribute-value");
}

}  // namespace

TEST_CASE("builtin.attribute-value: a stored pattern is matched in linear time", "[qa][rules]") {
    // (a|aa)+ backtracks exponentially in a backtracking matcher: a value of
    // 4,000 a's then a b (within the 4096-byte limit) never finished before.
    const auto start = std::chrono::steady_clock::now();
    const auto found = pattern_findings(
        "(a|aa)+",
        {std::string(4000, 'a') + "b", std::string(4096, 'a'), std::string(100'000, 'a')});
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500));
    REQUIRE(found.size() == 2);
    CHECK(found[0].annotations == std::vector<std::uint64_t>{1});
    CHECK_THAT(found[0].message, Contains("which does not match /(a|aa)+/"));
    // Longer than the per-value limit: reported as too long, as before.
    CHECK(found[1].annotations == std::vector<std::uint64_t>{3});
    CHECK_THAT(found[1].message, Contains("is 100000 bytes long, too long to check"));
}

TEST_CASE("builtin.attribute-value: a stored pattern the tables refuse fails the rule",
          "[qa][rules]") {
    const auto refused = [](std::string pattern, const std::string& expected) {
        INFO(pattern.substr(0, 40));
        const auto start = std::chrono::steady_clock::now();
        const auto found = pattern_findings(std::move(pattern), {"a"});
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
        REQUIRE(found.size() == 1);
        CHECK(found[0].annotations.empty());  // rule_failed: about the rule, not an annotation
        CHECK_THAT(found[0].message,
                   Contains("pattern of attribute \"code\" of class sign is refused: " + expected));
    };
    refused(std::string(100'000, '(') + "a" + std::string(100'000, ')'),
            "it is 200001 bytes long, above the limit of 512 bytes");
    refused(std::string(101, '(') + "a" + std::string(101, ')'),
            "its groups are nested more than 100 deep");
    refused("(a)\\1", "back-references (\\1) are not supported");
    refused("(?<!b)a", "lookbehind (?<!) is not supported");
    refused("a**", "not RE2 syntax (bad repetition operator: **)");
}

TEST_CASE("builtin.attribute-value: patterns match whole values, by code point", "[qa][rules]") {
    CHECK(pattern_findings(R"(^[A-Z]{2}-\d{4}$)", {"AB-1234"}).empty());
    CHECK(pattern_findings(R"([A-Z]{2}-\d{4})", {"xAB-1234", "AB-12345"}).size() == 2);
    CHECK(pattern_findings(R"(\p{Han}+)", {"漢字", "汉字"}).empty());
    const auto found = pattern_findings(R"(\p{Han}+)", {"漢a"});
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Contains("\"code\" is \"漢a\", which does not match"));
    // Yi syllables are three bytes each: "." is one character, not one byte.
    CHECK(pattern_findings("^.{3}$", {"ꆈꌠꁱ"}).empty());
    CHECK(pattern_findings("[ꀀ-ꒌ]+", {"ꆈꌠꁱ"}).empty());
    CHECK(pattern_findings("[ꀀ-ꒌ]+", {"ꆈꌠx"}).size() == 1);
}

TEST_CASE("builtin.degenerate-geometry: non-finite polygon points are reported, not sorted",
          "[qa][rules]") {
    Case c;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<std::uint64_t> expected;
    for (std::uint64_t id = 1; id <= 300; ++id) {
        // A convex 48-gon: enough segments that std::sort leaves insertion sort.
        std::vector<v1::Point2> points;
        for (int i = 0; i < 48; ++i) {
            const double angle = i * 2 * 3.141592653589793 / 48;
            points.emplace_back(500 + 100 * std::cos(angle), 500 + 100 * std::sin(angle));
        }
        if (id % 2 == 0) {
            for (std::size_t i = id % 5; i < points.size(); i += 3)
                points[i] = v1::Point2(id % 4 == 0 ? nan : -inf, points[i].y());
            expected.push_back(id);
        }
        c.add(annotation(id, "car", polygon(std::move(points))));
    }
    const auto found = c.findings("builtin.degenerate-geometry");
    REQUIRE(found.size() == expected.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
        CHECK(found[i].annotations == std::vector<std::uint64_t>{expected[i]});
        CHECK_THAT(found[i].message, Contains("has a non-finite coordinate"));
    }
}

TEST_CASE("builtin.degenerate-geometry: non-finite polyline, keypoints, circle, point",
          "[qa][rules]") {
    Case c;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    v1::PolylineT line;
    line.points = {{0, 0}, {nan, 5}, {10, 10}};
    v1::KeypointsT keypoints;
    keypoints.points = {{1, 1}, {nan, nan}, {2, std::numeric_limits<double>::infinity()}};
    keypoints.visibility = {v1::Visibility::Visible, v1::Visibility::NotLabeled,
                            v1::Visibility::Visible};
    v1::KeypointsT unlabelled;
    unlabelled.points = {{1, 1}, {nan, nan}};
    unlabelled.visibility = {v1::Visibility::Visible, v1::Visibility::NotLabeled};
    v1::CircleT circle;
    circle.center = std::make_unique<v1::Point2>(nan, 3);
    circle.radius = 4;
    v1::PointT point;
    point.position = std::make_unique<v1::Point2>(1, nan);
    const auto add = [&](std::uint64_t id, auto geometry) {
        v1::GeometryUnion u;
        u.Set(std::move(geometry));
        c.add(annotation(id, "car", std::move(u)));
    };
    add(1, std::move(line));
    add(2, std::move(keypoints));
    add(3, std::move(unlabelled));  // NaN of an unlabelled keypoint means nothing
    add(4, std::move(circle));
    add(5, std::move(point));
    const auto found = c.findings("builtin.degenerate-geometry");
    REQUIRE(found.size() == 4);
    CHECK(found[0].annotations == std::vector<std::uint64_t>{1});
    CHECK_THAT(found[0].message, Contains("polyline point 1 (nan, 5) has a non-finite coordinate"));
    CHECK(found[1].annotations == std::vector<std::uint64_t>{2});
    CHECK_THAT(found[1].message, Contains("keypoints point 2 (2, inf) has a non-finite"));
    CHECK(found[2].annotations == std::vector<std::uint64_t>{4});
    CHECK_THAT(found[2].message, Contains("circle has a non-finite coordinate"));
    CHECK(found[3].annotations == std::vector<std::uint64_t>{5});
    CHECK_THAT(found[3].message, Contains("point (1, nan) has a non-finite coordinate"));
}

TEST_CASE("builtin.degenerate-geometry: a ring too big to check for crossings is reported",
          "[qa][rules]") {
    Case c;
    // A star of 4000 spikes: simple, but most of its 8000 segments meet in x and y.
    std::vector<v1::Point2> points;
    for (int i = 0; i < 8000; ++i) {
        const double angle = i * 2 * 3.141592653589793 / 8000, r = i % 2 ? 1000 : 10;
        points.emplace_back(1000 + r * std::cos(angle), 1000 + r * std::sin(angle));
    }
    c.add(annotation(1, "car", polygon(std::move(points))));
    const auto found = c.findings("builtin.degenerate-geometry");
    REQUIRE(found.size() == 1);
    CHECK_THAT(found[0].message, Contains("polygon ring 0 has 8000 segments, too many to check "
                                          "for self-intersection"));
}

TEST_CASE("builtin.tier-overlap: non-finite spans are reported, not sorted", "[qa][rules]") {
    Case c;
    auto tier = std::make_unique<v1::TierT>();
    tier->key = "words";
    tier->exclusive = true;
    c.schema.tiers.push_back(std::move(tier));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<std::uint64_t> expected;
    for (std::uint64_t id = 1; id <= 300; ++id) {
        const double at = static_cast<double>(id);
        double start = at, end = at + 1;  // touching spans: no overlap
        if (id % 3 == 0) start = nan, expected.push_back(id);
        if (id % 7 == 0) end = id % 2 ? inf : nan, expected.push_back(id);
        c.add(annotation(id, "", span(start, end))).tier = "words";
    }
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    CHECK(c.findings("builtin.tier-overlap").empty());
    const auto found = c.findings("builtin.degenerate-geometry");
    REQUIRE(found.size() == expected.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
        CHECK(found[i].annotations == std::vector<std::uint64_t>{expected[i]});
        CHECK_THAT(found[i].message, Contains("has a non-finite coordinate"));
    }
}
