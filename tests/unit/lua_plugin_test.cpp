// Lua plugins (lua/lua_plugin.hpp): label schemas written in Lua become the
// data API's LabelSchema, QA rules written in Lua report findings, and a
// rule that fails, loops or eats memory becomes a finding about itself while
// the run goes on.

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/data_api.hpp"
#include "core/error.hpp"
#include "lua/lua_plugin.hpp"
#include "support/format_helpers.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tessera;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using Bytes = std::vector<std::uint8_t>;

struct Config : qa::RunConfig {
    std::set<std::string, std::less<>> disabled;
    std::map<std::string, std::string, std::less<>> params;  // of every rule
    bool enabled(std::string_view rule) const override { return disabled.count(rule) == 0; }
    std::optional<std::string_view> param(std::string_view, std::string_view key) const override {
        const auto found = params.find(key);
        if (found == params.end()) return std::nullopt;
        return found->second;
    }
};

struct Finding {
    std::string rule;
    std::vector<std::uint64_t> annotations;
    std::string message;
    std::string fix;
};

struct Recorder : qa::FindingSink {
    std::vector<Finding> findings;
    std::vector<std::pair<std::string, std::string>> failures;  // rule, message
    void report(std::string_view rule, std::span<const std::uint64_t> annotations,
                std::string_view message, std::string_view fix) override {
        findings.push_back({std::string(rule),
                            {annotations.begin(), annotations.end()},
                            std::string(message),
                            std::string(fix)});
    }
    void rule_failed(std::string_view rule, std::string_view message) override {
        failures.emplace_back(rule, message);
    }
};

/// Item 5 with a car (1), a pedestrian (2) and a unicorn (3), boxes 10 px apart.
struct Sample {
    flatbuffers::FlatBufferBuilder schema_builder, item_builder, set_builder;
    Sample() {
        v1::FinishLabelSchemaBuffer(schema_builder, v1::CreateLabelSchema(schema_builder));
        v1::FinishItemBuffer(item_builder, v1::CreateItem(item_builder, 5));
        std::vector<flatbuffers::Offset<v1::Annotation>> annotations;
        std::uint64_t id = 0;
        for (const char* label : {"car", "pedestrian", "unicorn"}) {
            const double x = 10.0 * static_cast<double>(id++);
            const auto box = v1::CreateBox(set_builder, x, 0, x + 8, 8);
            annotations.push_back(v1::CreateAnnotation(
                set_builder, id, set_builder.CreateString(label), v1::Geometry::Box, box.Union()));
        }
        v1::FinishAnnotationSetBuffer(
            set_builder,
            v1::CreateAnnotationSet(set_builder, 5, 1, set_builder.CreateVector(annotations)));
    }
    [[nodiscard]] qa::ItemInput input() const {
        return {{schema_builder.GetBufferPointer(), schema_builder.GetSize()},
                {item_builder.GetBufferPointer(), item_builder.GetSize()},
                {set_builder.GetBufferPointer(), set_builder.GetSize()},
                *flatbuffers::GetRoot<v1::LabelSchema>(schema_builder.GetBufferPointer()),
                *flatbuffers::GetRoot<v1::Item>(item_builder.GetBufferPointer()),
                *flatbuffers::GetRoot<v1::AnnotationSet>(set_builder.GetBufferPointer())};
    }
};

/// A plugin folder holding `code` as init.lua.
struct Plugin {
    test::TempDir dir;
    explicit Plugin(std::string_view code) { test::put(dir / "init.lua", code); }
    [[nodiscard]] std::string file() const { return (dir / "init.lua").generic_string(); }
    [[nodiscard]] std::unique_ptr<lua::LuaPlugin> load(lua::Limits limits = {}) const {
        return lua::load_lua_plugin(dir.path(), "tessera.test", "init.lua", limits);
    }
};

/// init.lua of plugin tessera.test with `rules` as its qa_rules.
std::string with_rules(std::string_view rules) {
    return "return { api = 1, id = 'tessera.test', qa_rules = {\n" + std::string(rules) + "\n} }\n";
}

/// The findings of `plugin`'s rules on the sample item.
Recorder check_sample(const Plugin& plugin, const Config& config = {}) {
    const Sample sample;
    Recorder recorder;
    plugin.load()->make_checker(config)->check(sample.input(), recorder);
    return recorder;
}

std::string names(const std::vector<std::unique_ptr<v1::LocalizedTextT>>& texts) {
    std::string joined;
    for (const auto& text : texts) joined += text->lang + "=" + text->text + ";";
    return joined;
}

}  // namespace

TEST_CASE("lua plugin: a schema with Chinese names becomes a LabelSchema, every field", "[lua]") {
    const Plugin plugin(R"(
local function n(zh, en) return { ["zh-CN"] = zh, en = en } end
return {
  api = 1, id = "tessera.test", views = { "tessera.view.image" },
  label_schemas = { {
    id = "tessera.test", version = "1.2.3", names = n("自动驾驶", "Driving"),
    metadata = { owner = "路测组" },
    skeletons = { { key = "person", points = { "head", "neck", "hip" }, edges = { { 0, 1 }, { 1, 2 } } } },
    classes = {
      { key = "vehicle", names = n("车辆", "Vehicle"), color = "#FF8000", hotkey = "1",
        geometry = { "box", "polygon" }, min_width = 4, min_height = 2.5,
        metadata = { ["coco:category_id"] = "3" },
        attributes = {
          { key = "occlusion", names = n("遮挡", "Occlusion"), type = "enum", required = true,
            default = "none",
            values = { { key = "none", names = n("无", "None") }, { key = "heavy", names = n("严重", "Heavy") } } },
          { key = "height_cm", names = n("高度", "Height"), type = "int", min = 0, max = 100, unit = "cm", default = 15 },
          { key = "speed", type = "float", min = -1.5, default = 2.25 },
          { key = "parked", type = "bool", default = false },
          { key = "plate", type = "string", pattern = "^[A-Z]{2}$", unicode_ranges = { { 0x41, 0x5A }, { 0x4E00, 0x9FFF } } },
          { key = "damage", type = "multi_enum", default = { "dent", "scratch" },
            values = { { key = "dent" }, { key = "scratch" }, { key = "rust" } } },
        } },
      { key = "car", names = n("小汽车", "Car"), color = "#11223344", parent = "vehicle" },
      { key = "person", skeleton = "person", geometry = { "keypoints" } },
    },
    tiers = {
      { key = "yi", names = n("彝文", "Yi"), exclusive = true, lang = "ii",
        unicode_ranges = { { 0xA000, 0xA48F } },
        attributes = { { key = "speaker", type = "string", required = true } } },
      { key = "yi_zh", names = n("汉译", "Chinese"), parent = "yi", constraint = "symbolic_association", lang = "zh-CN" },
    },
    defects = { { key = "loose-box", names = n("框不紧", "Loose box"), descriptions = n("框与目标之间留有空隙", "Gap around the object") } },
    item_attributes = { { key = "weather", type = "enum", values = { { key = "sunny", names = n("晴", "Sunny") } } } },
  } },
})");
    const auto loaded = plugin.load();
    const lua::LuaPluginInfo& info = loaded->info();
    CHECK(info.id == "tessera.test");
    CHECK(info.views == std::vector<std::string>{"tessera.view.image"});
    REQUIRE(info.label_schemas.size() == 1);
    v1::LabelSchemaT schema;
    flatbuffers::GetRoot<v1::LabelSchema>(info.label_schemas[0].data())->UnPackTo(&schema);
    CHECK(flatbuffers::BufferHasIdentifier(info.label_schemas[0].data(),
                                           v1::LabelSchemaIdentifier()));

    CHECK(schema.id == "tessera.test");
    CHECK(schema.version == "1.2.3");
    CHECK(names(schema.names) == "en=Driving;zh-CN=自动驾驶;");
    REQUIRE(schema.metadata.size() == 1);
    CHECK(schema.metadata[0]->key == "owner");
    CHECK(schema.metadata[0]->value == "路测组");

    REQUIRE(schema.skeletons.size() == 1);
    CHECK(schema.skeletons[0]->key == "person");
    CHECK(schema.skeletons[0]->points == std::vector<std::string>{"head", "neck", "hip"});
    REQUIRE(schema.skeletons[0]->edges.size() == 2);
    CHECK(schema.skeletons[0]->edges[1].from() == 1);
    CHECK(schema.skeletons[0]->edges[1].to() == 2);

    REQUIRE(schema.classes.size() == 3);
    const v1::LabelClassT& vehicle = *schema.classes[0];
    CHECK(vehicle.key == "vehicle");
    CHECK(names(vehicle.names) == "en=Vehicle;zh-CN=车辆;");
    CHECK(vehicle.color == 0xFF8000FFu);
    CHECK(vehicle.hotkey == "1");
    CHECK(vehicle.parent.empty());
    CHECK(vehicle.geometry ==
          std::vector<v1::GeometryKind>{v1::GeometryKind::Box, v1::GeometryKind::Polygon});
    CHECK(vehicle.min_width == 4);
    CHECK(vehicle.min_height == 2.5);
    CHECK(vehicle.skeleton.empty());
    REQUIRE(vehicle.metadata.size() == 1);
    CHECK(vehicle.metadata[0]->key == "coco:category_id");
    REQUIRE(vehicle.attributes.size() == 6);
    const v1::AttributeSpecT& occlusion = *vehicle.attributes[0];
    CHECK(occlusion.key == "occlusion");
    CHECK(names(occlusion.names) == "en=Occlusion;zh-CN=遮挡;");
    CHECK(occlusion.type == v1::AttributeType::Enum);
    CHECK(occlusion.required);
    CHECK(occlusion.default_value == "none");
    REQUIRE(occlusion.values.size() == 2);
    CHECK(occlusion.values[1]->key == "heavy");
    CHECK(names(occlusion.values[1]->names) == "en=Heavy;zh-CN=严重;");
    CHECK(std::isinf(occlusion.min));
    const v1::AttributeSpecT& height = *vehicle.attributes[1];
    CHECK(height.type == v1::AttributeType::Int);
    CHECK(height.min == 0);
    CHECK(height.max == 100);
    CHECK(height.unit == "cm");
    CHECK_FALSE(height.required);
    CHECK(height.default_value == "15");
    CHECK(vehicle.attributes[2]->type == v1::AttributeType::Float);
    CHECK(vehicle.attributes[2]->min == -1.5);
    CHECK(vehicle.attributes[2]->max == std::numeric_limits<double>::infinity());
    CHECK(vehicle.attributes[2]->default_value == "2.25");
    CHECK(vehicle.attributes[3]->type == v1::AttributeType::Bool);
    CHECK(vehicle.attributes[3]->default_value == "false");
    const v1::AttributeSpecT& plate = *vehicle.attributes[4];
    CHECK(plate.type == v1::AttributeType::String);
    CHECK(plate.pattern == "^[A-Z]{2}$");
    REQUIRE(plate.unicode_ranges.size() == 2);
    CHECK(plate.unicode_ranges[1].first() == 0x4E00);
    CHECK(plate.unicode_ranges[1].last() == 0x9FFF);
    CHECK(plate.default_value.empty());
    CHECK(vehicle.attributes[5]->type == v1::AttributeType::MultiEnum);
    CHECK(vehicle.attributes[5]->default_value == "dent,scratch");

    const v1::LabelClassT& car = *schema.classes[1];
    CHECK(car.parent == "vehicle");
    CHECK(car.color == 0x11223344u);
    CHECK(car.geometry.empty());
    CHECK(schema.classes[2]->color == 0xFF8000FFu);
    CHECK(schema.classes[2]->skeleton == "person");

    REQUIRE(schema.tiers.size() == 2);
    const v1::TierT& yi = *schema.tiers[0];
    CHECK(yi.key == "yi");
    CHECK(names(yi.names) == "en=Yi;zh-CN=彝文;");
    CHECK(yi.exclusive);
    CHECK(yi.lang == "ii");
    CHECK(yi.constraint == v1::TierConstraint::None);
    REQUIRE(yi.unicode_ranges.size() == 1);
    CHECK(yi.unicode_ranges[0].first() == 0xA000);
    CHECK(yi.unicode_ranges[0].last() == 0xA48F);
    REQUIRE(yi.attributes.size() == 1);
    CHECK(yi.attributes[0]->required);
    CHECK(schema.tiers[1]->parent == "yi");
    CHECK(schema.tiers[1]->constraint == v1::TierConstraint::SymbolicAssociation);
    CHECK_FALSE(schema.tiers[1]->exclusive);

    REQUIRE(schema.defects.size() == 1);
    CHECK(schema.defects[0]->key == "loose-box");
    CHECK(names(schema.defects[0]->names) == "en=Loose box;zh-CN=框不紧;");
    CHECK(names(schema.defects[0]->descriptions) ==
          "en=Gap around the object;zh-CN=框与目标之间留有空隙;");
    REQUIRE(schema.item_attributes.size() == 1);
    CHECK(schema.item_attributes[0]->key == "weather");
}

TEST_CASE("lua plugin: a bad declaration is refused naming the file and the path", "[lua]") {
    const std::string schema_head =
        "return { api = 1, id = 'tessera.test', label_schemas = { { id = 's', version = '1.0.0', "
        "classes = {\n";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {schema_head + "{ key = 'a' }, { key = 'b' }, { key = 'c', attributes = { { key = 'x', "
                       "type = 'bool' },"
                       " { key = 'y', type = 'text' } } } } } } }",
         "label_schemas[1].classes[3].attributes[2].type: expected one of bool, int, float, "
         "string, enum, "
         "multi_enum, got \"text\""},
        {"return { api = 2, id = 'tessera.test' }",
         "api: this host reads Lua API 1, the plugin is written for 2"},
        {"return { api = 1, id = 'tessera.other' }",
         "id: \"tessera.other\" differs from plugin.json's id \"tessera.test\""},
        {"return { api = 1, id = 'tessera.test', rules = {} }",
         "unknown field \"rules\" (expected api, id, label_schemas, qa_rules, views)"},
        {schema_head + "{ key = 'a', color = 'orange' } } } } }",
         "label_schemas[1].classes[1].color: expected \"#RRGGBB\" or \"#RRGGBBAA\", got "
         "\"orange\""},
        {schema_head + "{ key = 'a', colour = '#FFFFFF' } } } } }",
         "label_schemas[1].classes[1]: unknown field \"colour\""},
        {schema_head + "{ key = 'a', attributes = { { key = 'k', type = 'enum' } } } } } } }",
         "label_schemas[1].classes[1].attributes[1].values: required for enum and multi_enum "
         "attributes"},
        {schema_head + "{ key = 'a', attributes = { { key = 'k', type = 'enum', default = 'z', "
                       "values = { { key = 'v' } } } } } } } } }",
         "label_schemas[1].classes[1].attributes[1].default: \"z\" is not one of the attribute's "
         "values"},
        {schema_head + "{ key = 'a', parent = 'b' }, { key = 'b' } } } } }",
         "label_schemas[1].classes[1].parent: \"b\" is not a class declared before this one"},
        {schema_head + "{ key = 'a' }, { key = 'a' } } } } }",
         "label_schemas[1].classes[2].key: \"a\" is declared twice"},
        {schema_head + "{ key = 'a', geometry = { 'box', 'square' } } } } } }",
         "label_schemas[1].classes[1].geometry[2]: expected one of box, rotated_box"},
        {schema_head + "{ key = 'a', attributes = { { key = 'k', type = 'string', pattern = '[' } "
                       "} } } } } }",
         "label_schemas[1].classes[1].attributes[1].pattern: refused: not RE2 syntax (missing ]: "
         "[)"},
        {schema_head + "{ key = 'a', attributes = { { key = 'k', type = 'string', unicode_ranges = "
                       "{ { 0x9FFF, 0x4E00 } } } } } } } } }",
         "unicode_ranges[1]: first code point is greater than the last"},
        {schema_head +
             "{ key = 'a', attributes = { { key = 'k', type = 'bool', min = 1 } } } } } } }",
         "attributes[1].min: only for int and float attributes"},
        {"return { api = 1, id = 'tessera.test', label_schemas = { { id = 's', version = '1.0' } } "
         "}",
         "label_schemas[1].version: expected MAJOR.MINOR.PATCH, got \"1.0\""},
        {"return { api = 1, id = 'tessera.test', label_schemas = { { id = 's', version = '1.0.0', "
         "skeletons = { { key = 'p', points = { 'a' }, edges = { { 0, 1 } } } } } } }",
         "label_schemas[1].skeletons[1].edges[1][2]: expected a 0-based point index below 1"},
        {"return { api = 1, id = 'tessera.test', label_schemas = { [1] = {}, [3] = {} } }",
         "label_schemas: expected a list"},
        {with_rules("{ id = 'r' }"), "qa_rules[1].check: expected a function(item, ctx), got nil"},
        {with_rules("{ id = 'r', severity = 'fatal', check = print }"),
         "qa_rules[1].severity: expected one of error, warning, info, got \"fatal\""},
        {with_rules("{ id = 'r', check = print }, { id = 'r', check = print }"),
         "qa_rules[2].id: \"r\" is declared twice"},
        {"return 42", "must return the plugin table { api = 1, id = ..., ... }, got number"},
    };
    for (const auto& [code, expected] : cases) {
        INFO(code);
        const Plugin plugin(code);
        CHECK_THROWS_WITH(plugin.load(), StartsWith(plugin.file() + ": ") && Contains(expected));
    }
}

TEST_CASE("lua plugin: a schema pattern is compiled with limits, in RE2 syntax", "[lua]") {
    // The pattern is a Lua expression, so that huge ones are made by string.rep.
    const auto plugin_with = [](std::string_view pattern) {
        return "return { api = 1, id = 'tessera.test', label_schemas = { { id = 's', "
               "version = '1.0.0', classes = { { key = 'a', attributes = { { key = 'code', "
               "type = 'string', pattern = " +
               std::string(pattern) + " } } } } } } }";
    };
    const std::string at = "label_schemas[1].classes[1].attributes[1].pattern: refused: ";
    const auto refused = [&](std::string_view pattern, const std::string& expected) {
        INFO(pattern);
        const Plugin plugin(plugin_with(pattern));
        const auto start = std::chrono::steady_clock::now();
        CHECK_THROWS_WITH(plugin.load(),
                          StartsWith(plugin.file() + ": " + at) && Contains(expected));
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    };
    SECTION("100,000 nested groups, refused before any parser sees them") {
        refused("string.rep('(', 100000) .. 'a' .. string.rep(')', 100000)",
                "it is 200001 bytes long, above the limit of 512 bytes");
    }
    SECTION("groups nested more than 100 deep within 512 bytes") {
        refused("string.rep('(', 150) .. 'a' .. string.rep(')', 150)",
                "its groups are nested more than 100 deep");
        // A parenthesis in a class is a character: it closes no group.
        refused("string.rep('([)]', 101) .. string.rep(')', 101)",
                "its groups are nested more than 100 deep");
    }
    SECTION("a huge repetition count") {
        refused("'(a{1000}){1001}'", "its repetition {1001} asks for more than 1000 repeats");
    }
    SECTION("what RE2 cannot do is named") {
        refused(R"('(a)\\1')", "back-references (\\1) are not supported");
        refused("'(?=a)a'", "lookahead (?=) is not supported");
        refused("'(?!b)a'", "lookahead (?!) is not supported");
        refused("'(?<=a)a'", "lookbehind (?<=) is not supported");
        refused(R"('\\u4E00')", "\\u escapes are not supported, write \\x{4E00}");
        refused("'(?<y>a)'", "named groups are written (?P<name>...)");
        refused("'['", "not RE2 syntax (missing ]: [)");
    }
    SECTION("a pattern whose program is too big for the memory limit") {
        refused(R"('\\pL{1000}')", "compiles to more than");
    }
    SECTION("ordinary patterns load as written") {
        for (const char* pattern :
             {R"('^[A-Z]{2}-\\d{4}$')", R"('\\p{Han}+')", "'(?P<y>a)|[[:alpha:]]+'",
              R"('\\pL{1,50}')", "string.rep('(', 100) .. 'a' .. string.rep(')', 100)",
              "'[(]' .. string.rep('(', 100) .. 'a' .. string.rep(')', 100)"}) {
            INFO(pattern);
            const Plugin plugin(plugin_with(pattern));
            CHECK_NOTHROW(plugin.load());
        }
    }
}

TEST_CASE("lua plugin: init.lua failing, looping or not Lua source is refused", "[lua]") {
    const Plugin failing("local t = nil\nreturn t.x");
    CHECK_THROWS_WITH(failing.load(),
                      StartsWith(failing.file() + ":2: attempt to index a nil value"));
    const Plugin looping("while true do end");
    CHECK_THROWS_WITH(looping.load(lua::Limits{.instructions = 100'000}),
                      looping.file() + ": instruction budget of 100000 exceeded");
    const Plugin hungry("local s = string.rep('x', 1 << 30)");
    CHECK_THROWS_WITH(hungry.load(), hungry.file() + ": out of memory (limit 64 MiB)");
    const Plugin binary(std::string("\x1bLuaT\x00\x19\x93\r\n\x1a\n", 12));
    CHECK_THROWS_WITH(binary.load(), Contains("binary (precompiled) chunks are not accepted"));
    const test::TempDir empty;
    CHECK_THROWS_AS(lua::load_lua_plugin(empty.path(), "tessera.test"), Error);
}

TEST_CASE("lua plugin: rules are listed with their descriptions and severities", "[lua]") {
    const Plugin plugin(with_rules(R"(
        { id = "test.a", description = "first", check = function() end },
        { id = "test.b", severity = "warning", check = function() end },
        { id = "test.c", severity = "info", check = function() end })"));
    const auto loaded = plugin.load();
    CHECK(loaded->plugin_id() == "tessera.test");
    REQUIRE(loaded->rules().size() == 3);
    CHECK(loaded->rules()[0].id == "test.a");
    CHECK(loaded->rules()[0].description == "first");
    CHECK(loaded->rules()[0].default_severity == qa::Severity::Error);
    CHECK(loaded->rules()[1].default_severity == qa::Severity::Warning);
    CHECK(loaded->rules()[2].default_severity == qa::Severity::Info);
}

TEST_CASE("lua plugin: findings carry annotation ids, messages and fixes", "[lua]") {
    const Plugin plugin(with_rules(R"(
        { id = "test.label", check = function(item, ctx)
            local allowed = { car = true, pedestrian = true }
            for a in item:annotations() do
              if not allowed[a.label] then
                ctx:report(a, "label " .. a.label .. " is not in the schema", "relabel it")
              end
            end
          end },
        { id = "test.pair", check = function(item, ctx)
            ctx:report({ item:annotation(1), item:annotation(2) }, "too close")
          end },
        { id = "test.item", check = function(item, ctx)
            if #item < 5 then ctx:report(nil, "item " .. item.id .. " has only " .. #item .. " annotations") end
          end })"));
    const Recorder recorder = check_sample(plugin);
    CHECK(recorder.failures.empty());
    REQUIRE(recorder.findings.size() == 3);
    CHECK(recorder.findings[0].rule == "test.label");
    CHECK(recorder.findings[0].annotations == std::vector<std::uint64_t>{3});
    CHECK(recorder.findings[0].message == "label unicorn is not in the schema");
    CHECK(recorder.findings[0].fix == "relabel it");
    CHECK(recorder.findings[1].rule == "test.pair");
    CHECK(recorder.findings[1].annotations == std::vector<std::uint64_t>{1, 2});
    CHECK(recorder.findings[1].fix.empty());
    CHECK(recorder.findings[2].rule == "test.item");
    CHECK(recorder.findings[2].annotations.empty());
    CHECK(recorder.findings[2].message == "item 5 has only 3 annotations");
}

TEST_CASE("lua plugin: ctx:param reads the project's parameters", "[lua]") {
    const Plugin plugin(with_rules(R"(
        { id = "test.param", check = function(item, ctx)
            ctx:report(nil, table.concat({ math.type(ctx:param("limit")), ctx:param("limit"),
              math.type(ctx:param("ratio")), ctx:param("unit"), ctx:param("missing", 7),
              tostring(ctx:param("missing")), type(ctx:param("code")) }, " "))
          end })"));
    Config config;
    config.params = {{"limit", "3"}, {"ratio", "0.5"}, {"unit", "mm"}, {"code", "12ab"}};
    const Recorder recorder = check_sample(plugin, config);
    REQUIRE(recorder.findings.size() == 1);
    CHECK(recorder.findings[0].message == "integer 3 float mm 7 nil string");
}

TEST_CASE("lua plugin: disabled rules do not run", "[lua]") {
    const Plugin plugin(with_rules(R"(
        { id = "test.on", check = function(item, ctx) ctx:report(nil, "on") end },
        { id = "test.off", check = function(item, ctx) ctx:report(nil, "off") end })"));
    Config config;
    config.disabled = {"test.off"};
    const Recorder recorder = check_sample(plugin, config);
    REQUIRE(recorder.findings.size() == 1);
    CHECK(recorder.findings[0].rule == "test.on");
}

TEST_CASE("lua plugin: a failing rule becomes a finding about itself and the next rule runs",
          "[lua]") {
    const Plugin plugin(with_rules(R"(
        { id = "test.error", check = function(item, ctx) local t = nil; return t.x end },
        { id = "test.loop", check = function(item, ctx) while true do end end },
        { id = "test.huge", check = function(item, ctx) local s = string.rep("x", 1 << 30) end },
        { id = "test.good", check = function(item, ctx) ctx:report(item:annotation(2), "still here") end })"));
    const auto loaded = plugin.load();
    Config config;
    const Sample sample;
    const auto checker = loaded->make_checker(config);
    for (int round = 0; round < 2; ++round) {
        INFO("item " << round + 1);
        Recorder recorder;
        checker->check(sample.input(), recorder);
        REQUIRE(recorder.findings.size() == 1);
        CHECK(recorder.findings[0].message == "still here");
        CHECK(recorder.findings[0].annotations == std::vector<std::uint64_t>{2});
        REQUIRE(recorder.failures.size() == 3);
        CHECK(recorder.failures[0].first == "test.error");
        CHECK_THAT(recorder.failures[0].second,
                   StartsWith(plugin.file() + ":3: attempt to index a nil value (local 't')"));
        CHECK(recorder.failures[1] == std::pair<std::string, std::string>(
                                          "test.loop", "instruction budget of 10000000 exceeded"));
        CHECK(recorder.failures[2] ==
              std::pair<std::string, std::string>("test.huge", "out of memory (limit 64 MiB)"));
    }
}

TEST_CASE("lua plugin: a view or ctx kept for the next item fails that rule only", "[lua]") {
    const Plugin plugin(with_rules(R"(
        { id = "test.keep", check = function(item, ctx)
            if kept then ctx:report(kept, "old") end
            kept = item:annotation(1)
          end },
        { id = "test.old-ctx", check = function(item, ctx)
            if kept_ctx then kept_ctx:report(nil, "old ctx") end
            kept_ctx = ctx
          end },
        { id = "test.good", check = function(item, ctx) ctx:report(nil, "still here") end })"));
    const auto loaded = plugin.load();
    Config config;
    const Sample sample;
    const auto checker = loaded->make_checker(config);
    Recorder first, second;
    checker->check(sample.input(), first);
    CHECK(first.failures.empty());
    checker->check(sample.input(), second);
    REQUIRE(second.failures.size() == 2);
    CHECK(second.failures[0].first == "test.keep");
    CHECK_THAT(second.failures[0].second,
               Contains("annotation handle used after its item is gone"));
    CHECK(second.failures[1].first == "test.old-ctx");
    CHECK_THAT(second.failures[1].second, Contains("ctx used after its check call returned"));
    REQUIRE(second.findings.size() == 1);
    CHECK(second.findings[0].message == "still here");
}

TEST_CASE("lua plugin: a rule that fills its memory gets a fresh state on the next item", "[lua]") {
    const Plugin plugin(with_rules(R"(
        { id = "test.hoard", check = function(item, ctx)
            ctx:report(nil, hoard and "hoard survived" or "fresh state")
            hoard = hoard or {}
            for i = 1, 1e9 do hoard[#hoard + 1] = ("x"):rep(1000) .. i end
          end })"));
    const auto loaded = plugin.load(lua::Limits{.memory = 8u << 20});
    Config config;
    const Sample sample;
    const auto checker = loaded->make_checker(config);
    for (int round = 0; round < 2; ++round) {
        Recorder recorder;
        checker->check(sample.input(), recorder);
        REQUIRE(recorder.findings.size() == 1);
        CHECK(recorder.findings[0].message == "fresh state");
        REQUIRE(recorder.failures.size() == 1);
        CHECK(recorder.failures[0].second == "out of memory (limit 8 MiB)");
    }
}

TEST_CASE("lua plugin: each checker has a state of its own, safe on its own thread", "[lua]") {
    const Plugin plugin(with_rules(R"(
        { id = "test.count", check = function(item, ctx)
            seen = (seen or 0) + 1
            ctx:report(nil, tostring(seen))
          end })"));
    const auto loaded = plugin.load();
    Config config;
    const Sample sample;
    std::vector<std::string> last(2);
    std::vector<std::thread> workers;
    for (std::size_t worker = 0; worker < 2; ++worker)
        workers.emplace_back([&, worker] {
            const auto checker = loaded->make_checker(config);
            for (std::size_t i = 0; i < 100 + worker * 50; ++i) {
                Recorder recorder;
                checker->check(sample.input(), recorder);
                last[worker] = recorder.findings.at(0).message;
            }
        });
    for (std::thread& worker : workers) worker.join();
    CHECK(last == std::vector<std::string>{"100", "150"});
}

TEST_CASE("lua plugin: findings count against the host-side byte limit", "[lua]") {
    const Plugin plugin(with_rules(R"(
        { id = "test.long", check = function(item, ctx) ctx:report(nil, ("x"):rep(8 << 20)) end },
        { id = "test.many", check = function(item, ctx)
            for i = 1, 1e9 do ctx:report(nil, ("y"):rep(60000)) end
          end },
        { id = "test.good", check = function(item, ctx) ctx:report(nil, "still here") end })"));
    const auto loaded = plugin.load(lua::Limits{.host_bytes = 1u << 20});
    Config config;
    const Sample sample;
    const auto checker = loaded->make_checker(config);
    Recorder recorder;
    checker->check(sample.input(), recorder);
    REQUIRE(recorder.failures.size() == 2);
    CHECK(recorder.failures[0].first == "test.long");
    CHECK_THAT(recorder.failures[0].second,
               Contains("a message of 8 MiB is longer than the limit of 64.0 KiB"));
    CHECK(recorder.failures[1].first == "test.many");
    CHECK_THAT(recorder.failures[1].second,
               Contains("would take the host past its limit of 1 MiB (host_bytes)"));
    // What test.many reported before the limit stays; the next rule still reports.
    CHECK(recorder.findings.size() == 18);
    CHECK(recorder.findings.back().message == "still here");
}

TEST_CASE("lua plugin: a rule failing on its limits three times is not run again", "[lua]") {
    const Plugin plugin(with_rules(R"(
        { id = "test.slow", check = function(item, ctx) while true do end end },
        { id = "test.good", check = function(item, ctx) ctx:report(nil, "still here") end })"));
    const auto loaded = plugin.load(lua::Limits{.instructions = 100'000});
    Config config;
    const Sample sample;
    const auto checker = loaded->make_checker(config);
    std::vector<std::string> failures;
    for (int round = 0; round < 5; ++round) {
        Recorder recorder;
        checker->check(sample.input(), recorder);
        for (const auto& failure : recorder.failures) failures.push_back(failure.second);
        REQUIRE(recorder.findings.size() == 1);
    }
    REQUIRE(failures.size() == 3);
    CHECK(failures[0] == "instruction budget of 100000 exceeded");
    CHECK_THAT(failures[2], Contains("after 3 failures on its limits the rule is not run on the "
                                     "remaining items of this run"));
}

TEST_CASE("lua plugin: strings of the declaration count against the host-side byte limit",
          "[lua]") {
    // A 16 MiB description, or one long name shared by many classes: the host
    // would copy it once per use.
    const Plugin described(with_rules(R"(
        { id = "test.big", description = ("d"):rep(16 << 20), check = function() end })"));
    CHECK_THROWS_WITH(
        described.load(lua::Limits{.host_bytes = 4u << 20}),
        Contains("qa_rules[1].description") && Contains("past its limit of 4 MiB (host_bytes)"));
    const Plugin classes(R"(
        local name = ("n"):rep(1 << 20)
        local classes = {}
        for i = 1, 300 do classes[i] = { key = "c" .. i, names = { en = name } } end
        return { api = 1, id = 'tessera.test', label_schemas = { {
          id = "test.schema", version = "1.0.0", names = { en = "x" }, classes = classes } } })");
    CHECK_THROWS_WITH(classes.load(lua::Limits{.host_bytes = 16u << 20}),
                      Contains("names") && Contains("past its limit of 16 MiB (host_bytes)"));
}

TEST_CASE("lua plugin: an annotation of another item cannot steer item:annotations()", "[lua]") {
    const Plugin plugin(with_rules(R"(
        { id = "test.steer", check = function(item, ctx)
            if kept then
              local next_of = item:annotations()
              local a = next_of(item, kept)
              ctx:report(nil, "got " .. tostring(a))
            end
            kept = item:annotation(1)
          end })"));
    const auto loaded = plugin.load();
    Config config;
    const Sample sample;
    const auto checker = loaded->make_checker(config);
    Recorder first, second;
    checker->check(sample.input(), first);
    checker->check(sample.input(), second);
    CHECK(second.findings.empty());
    REQUIRE(second.failures.size() == 1);
    CHECK_THAT(second.failures[0].second,
               Contains("annotation handle used after its item is gone"));
}

TEST_CASE("lua plugin: init.lua may leave its id to plugin.json, and one it gives must agree",
          "[lua]") {
    const Plugin without_id(
        "return { api = 1, qa_rules = { { id = 'test.a', check = function() "
        "end } } }");
    const auto loaded = without_id.load();
    CHECK(loaded->info().id == "tessera.test");
    CHECK(loaded->plugin_id() == "tessera.test");
    REQUIRE(loaded->rules().size() == 1);
    CHECK(loaded->rules()[0].id == "test.a");

    const Plugin same_id("return { api = 1, id = 'tessera.test' }");
    CHECK(same_id.load()->info().id == "tessera.test");

    const Plugin other_id("return { api = 1, id = 'tessera.other' }");
    CHECK_THROWS_WITH(other_id.load(),
                      StartsWith(other_id.file() + ": ") &&
                          Contains("id: \"tessera.other\" differs from plugin.json's id "
                                   "\"tessera.test\""));
    const Plugin number_id("return { api = 1, id = 7 }");
    CHECK_THROWS_WITH(number_id.load(), StartsWith(number_id.file() + ": ") &&
                                            Contains("id: expected a string, got"));
}

TEST_CASE("lua plugin: a schema built with tessera.schema holds what it would written by hand",
          "[lua][tessera.schema]") {
    const std::string classes_by_hand = R"(
      { key = "light", names = { ["zh-CN"] = "信号灯", en = "Light" },
        attributes = {
          { key = "state", names = { ["zh-CN"] = "灯色", en = "State" }, type = "enum",
            required = true,
            values = { { key = "red", names = { ["zh-CN"] = "红灯", en = "Red" } },
                       { key = "green", names = { ["zh-CN"] = "绿灯", en = "Green" } } } },
          { key = "arrow", names = { ["zh-CN"] = "箭头", en = "Arrow" }, type = "multi_enum",
            values = { { key = "left", names = { ["zh-CN"] = "左", en = "Left" } } } },
          { key = "side", names = { ["zh-CN"] = "侧别", en = "Side" }, type = "enum",
            values = { { key = "near", names = { ["zh-CN"] = "近", en = "Near" } } } },
        } } },
    defects = { { key = "loose-box", names = { ["zh-CN"] = "框不紧", en = "Loose box" },
                  descriptions = { ["zh-CN"] = "留有空隙", en = "Gap around the object" } } },
  } } })";
    const std::string with_module = R"(
local s = require("tessera.schema")
local n = s.names
return { api = 1, label_schemas = { {
    id = "tessera.test", version = "1.0.0", names = n("测试", "Test"),
    classes = {
      { key = "light", names = n("信号灯", "Light"),
        attributes = {
          s.enum("state", "灯色", "State", { { "red", "红灯", "Red" }, { "green", "绿灯", "Green" } },
                 true),
          { key = "arrow", names = n("箭头", "Arrow"), type = "multi_enum",
            values = s.enum_values { { "left", "左", "Left" } } },
          s.enum("side", "侧别", "Side", { { "near", "近", "Near" } }),
        } } },
    defects = { s.defect("loose-box", "框不紧", "Loose box", "留有空隙", "Gap around the object") },
  } } })";
    const std::string by_hand = R"(
return { api = 1, label_schemas = { {
    id = "tessera.test", version = "1.0.0", names = { ["zh-CN"] = "测试", en = "Test" },
    classes = {)" + classes_by_hand;
    const Plugin built(with_module), written(by_hand);
    const auto from_module = built.load();
    const auto from_hand = written.load();
    REQUIRE(from_module->info().label_schemas.size() == 1);
    CHECK(from_module->info().label_schemas == from_hand->info().label_schemas);

    v1::LabelSchemaT schema;
    flatbuffers::GetRoot<v1::LabelSchema>(from_module->info().label_schemas[0].data())
        ->UnPackTo(&schema);
    CHECK(names(schema.names) == "en=Test;zh-CN=测试;");
    REQUIRE(schema.classes.size() == 1);
    const auto& attributes = schema.classes[0]->attributes;
    REQUIRE(attributes.size() == 3);
    CHECK(attributes[0]->key == "state");
    CHECK(names(attributes[0]->names) == "en=State;zh-CN=灯色;");
    CHECK(attributes[0]->type == v1::AttributeType::Enum);
    CHECK(attributes[0]->required);
    REQUIRE(attributes[0]->values.size() == 2);
    CHECK(attributes[0]->values[1]->key == "green");
    CHECK(names(attributes[0]->values[1]->names) == "en=Green;zh-CN=绿灯;");
    CHECK(attributes[1]->type == v1::AttributeType::MultiEnum);
    CHECK(attributes[1]->values.size() == 1);
    CHECK_FALSE(attributes[2]->required);
    REQUIRE(schema.defects.size() == 1);
    CHECK(schema.defects[0]->key == "loose-box");
    CHECK(names(schema.defects[0]->names) == "en=Loose box;zh-CN=框不紧;");
    CHECK(names(schema.defects[0]->descriptions) == "en=Gap around the object;zh-CN=留有空隙;");
}

TEST_CASE(
    "lua plugin: tessera.schema's annotation_rule reads its params per item and sees "
    "every annotation",
    "[lua][tessera.schema]") {
    const Plugin plugin(R"(
local s = require("tessera.schema")
return { api = 1, qa_rules = {
  s.annotation_rule {
    id = "test.wide", description = "boxes are at least min_x", severity = "warning",
    params = { { "min_x", 5 }, { "unit", "px" } },
    each = function(a, ctx, p, item)
      local x0 = a:bounds()
      if x0 < p.min_x then
        ctx:report(a, string.format("%s of item %d starts at %g %s, before %s", a.label, item.id,
                                    x0, p.unit, p.min_x))
      end
    end,
  },
  s.annotation_rule { id = "test.every", each = function(a, ctx) ctx:report(a, a.label) end },
} })");
    const auto loaded = plugin.load();
    REQUIRE(loaded->rules().size() == 2);
    CHECK(loaded->rules()[0].id == "test.wide");
    CHECK(loaded->rules()[0].description == "boxes are at least min_x");
    CHECK(loaded->rules()[0].default_severity == qa::Severity::Warning);
    CHECK(loaded->rules()[1].default_severity == qa::Severity::Error);

    // Defaults: only the car (x 0) starts before 5.
    Recorder recorder = check_sample(plugin);
    CHECK(recorder.failures.empty());
    REQUIRE(recorder.findings.size() == 4);
    CHECK(recorder.findings[0].rule == "test.wide");
    CHECK(recorder.findings[0].annotations == std::vector<std::uint64_t>{1});
    CHECK(recorder.findings[0].message == "car of item 5 starts at 0 px, before 5");
    for (std::size_t i = 1; i < 4; ++i) {
        CHECK(recorder.findings[i].rule == "test.every");
        CHECK(recorder.findings[i].annotations == std::vector<std::uint64_t>{i});
    }
    CHECK(recorder.findings[3].message == "unicorn");

    // The project's values: the pedestrian (x 10) starts before 15 too.
    Config config;
    config.params = {{"min_x", "15"}, {"unit", "mm"}};
    recorder = check_sample(plugin, config);
    REQUIRE(recorder.findings.size() == 5);
    CHECK(recorder.findings[1].message == "pedestrian of item 5 starts at 10 mm, before 15");
}

TEST_CASE("lua plugin: an annotation_rule without each is refused at the line that builds it",
          "[lua][tessera.schema]") {
    const Plugin plugin(
        "local s = require('tessera.schema')\n"
        "return { api = 1, qa_rules = {\n"
        "  s.annotation_rule { id = 'test.none' } } }\n");
    CHECK_THROWS_WITH(plugin.load(),
                      Contains("init.lua:3:") && Contains("annotation_rule test.none: each must be "
                                                          "a function(a, ctx, params, item)"));
}
