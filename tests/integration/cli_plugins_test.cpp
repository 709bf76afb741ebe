// Drives `tessera plugins`, `schema`, `init --schema` and `qa` on real
// projects, with the bundled Lua plugins and plugins in a project's folder.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include <simdjson.h>

#include "core/file_io.hpp"
#include "store/project.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

using tessera::test::run_cli;
using tessera::test::TempDir;

namespace {

const std::string kStreet = std::string(TESSERA_SOURCE_DIR) + "/samples/projects/street";

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& text) {
    return parser.parse(text);
}

/// A driving project with the street sample's images and its driving-schema labels.
std::filesystem::path driving_project(const TempDir& tmp) {
    const auto dir = tmp / "street";
    REQUIRE(run_cli({"init", dir.string(), "--schema", "tessera.driving"}).exit_code == 0);
    REQUIRE(run_cli({"add", dir.string(), kStreet + "/images"}).exit_code == 0);
    const auto imported = run_cli(
        {"import", dir.string(), "--format", "coco", kStreet + "/annotations/driving.json"});
    REQUIRE(imported.exit_code == 0);
    return dir;
}

void write(const std::filesystem::path& path, std::string_view text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("plugins list shows built-in and bundled Lua plugins as loaded", "[cli][plugins]") {
    const auto result = run_cli({"plugins", "list", "--json"});
    REQUIRE(result.exit_code == 0);
    simdjson::dom::parser parser;
    std::map<std::string, std::pair<std::string, std::string>> seen;  // id -> kind, state
    for (simdjson::dom::element p : parse(parser, result.out).get_array())
        seen[std::string(p["id"].get_string().value())] = {
            std::string(p["kind"].get_string().value()),
            std::string(p["state"].get_string().value())};
    CHECK(seen["tessera.format.coco"] == std::pair<std::string, std::string>{"builtin", "loaded"});
    CHECK(seen["tessera.builtin"] == std::pair<std::string, std::string>{"builtin", "loaded"});
    for (const char* id :
         {"tessera.driving", "tessera.speech", "tessera.heritage", "tessera.medical"})
        CHECK(seen[id] == std::pair<std::string, std::string>{"lua", "loaded"});
}

TEST_CASE("a broken plugin in a project's folder is refused with its reason; the rest loads",
          "[cli][plugins]") {
    TempDir tmp;
    const auto dir = tmp / "p";
    REQUIRE(run_cli({"init", dir.string()}).exit_code == 0);
    write(
        dir / "plugins/broken/plugin.json",
        R"({"id": "com.example.broken", "name": "Broken", "version": "1.0.0", "sdk_version": "1.0",
              "kind": "lua", "file": "init.lua"})");
    write(dir / "plugins/broken/init.lua",
          "return { api = 1, id = 'com.example.broken', qa_rules = {\n");
    write(dir / "plugins/newer/plugin.json",
          R"({"id": "com.example.newer", "name": "Newer", "version": "1.0.0", "sdk_version": "1.9",
              "kind": "native", "file": "newer.so"})");

    // The native one is checked for its version once the user allows the project's native plugins.
    ::setenv("TESSERA_ALLOW_PROJECT_NATIVE_PLUGINS", "1", 1);
    const auto result = run_cli({"plugins", "list", "--project", dir.string()});
    ::unsetenv("TESSERA_ALLOW_PROJECT_NATIVE_PLUGINS");
    REQUIRE(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("com.example.broken") && Catch::Contains("init.lua:2"));
    CHECK_THAT(result.out, Catch::Contains("com.example.newer") && Catch::Contains("1.9"));
    CHECK_THAT(result.out, Catch::Contains("tessera.driving") && Catch::Contains("loaded"));

    // Other commands go on and say what was refused; qa does not run without the
    // project's own plugins, and says which failed and why.
    const auto qa = run_cli({"qa", dir.string()});
    CHECK(qa.exit_code == 1);
    CHECK_THAT(qa.err, Catch::Contains("com.example.broken") && Catch::Contains("refused"));
    CHECK_THAT(qa.err, Catch::Contains("tessera qa: the project's plugin com.example.broken in ") &&
                           Catch::Contains("plugins/broken failed to load: ") &&
                           Catch::Contains("init.lua:2"));
    CHECK(qa.out.empty());
    // Export and import need only the format they name: they go on, with the warning.
    const auto exported =
        run_cli({"export", dir.string(), "--format", "coco", "--out", (tmp / "out.json").string()});
    CHECK(exported.exit_code == 0);
    CHECK_THAT(exported.err, Catch::Contains("com.example.broken") && Catch::Contains("refused"));
}

TEST_CASE("schema list and show describe the bundled schemas", "[cli][schema]") {
    const auto list = run_cli({"schema", "list"});
    REQUIRE(list.exit_code == 0);
    for (const char* id :
         {"tessera.driving", "tessera.speech", "tessera.heritage", "tessera.medical"})
        CHECK_THAT(list.out, Catch::Contains(id));

    const auto text = run_cli({"schema", "show", "tessera.driving"});
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("traffic_light") && Catch::Contains("交通信号灯"));

    const auto json = run_cli({"schema", "show", "tessera.driving", "--json"});
    REQUIRE(json.exit_code == 0);
    simdjson::dom::parser parser;
    bool state_required = false;
    for (simdjson::dom::element c : parse(parser, json.out)["classes"].get_array()) {
        if (c["key"].get_string().value() != "traffic_light") continue;
        for (simdjson::dom::element a : c["attributes"].get_array())
            if (a["key"].get_string().value() == "state")
                state_required =
                    a["required"].get_bool().value() && a["type"].get_string().value() == "enum";
    }
    CHECK(state_required);

    const auto missing = run_cli({"schema", "show", "com.example.nothing"});
    CHECK(missing.exit_code == 1);
    CHECK_THAT(missing.err,
               Catch::Contains("com.example.nothing") && Catch::Contains("tessera.driving"));
}

TEST_CASE("init --schema stores the plugin's schema and records its id", "[cli][schema]") {
    TempDir tmp;
    const auto dir = tmp / "p";
    const auto result = run_cli({"init", dir.string(), "--schema", "tessera.medical"});
    REQUIRE(result.exit_code == 0);
    const auto project = tessera::store::Project::open(dir);
    const auto bytes = project.label_schema();
    const auto* schema = flatbuffers::GetRoot<tessera::v1::LabelSchema>(bytes.data());
    REQUIRE(schema->id() != nullptr);
    CHECK(schema->id()->str() == "tessera.medical");
    bool has_nodule = false;
    for (const auto* c : *schema->classes()) has_nodule |= c->key()->str() == "nodule";
    CHECK(has_nodule);
    CHECK_THAT(tessera::read_file(dir / "tessera-project.json"),
               Catch::Contains("\"schema\": \"tessera.medical\""));

    const auto unknown = run_cli({"init", (tmp / "q").string(), "--schema", "com.example.none"});
    CHECK(unknown.exit_code == 1);
    CHECK_FALSE(std::filesystem::exists(tmp / "q"));
}

TEST_CASE("qa finds the traffic light without a state, exits 1, and passes once it is fixed",
          "[cli][qa]") {
    TempDir tmp;
    const auto dir = driving_project(tmp);

    const auto text = run_cli({"qa", dir.string()});
    CHECK(text.exit_code == 1);
    CHECK_THAT(text.out, Catch::Contains("crossing-002.png: annotation") &&
                             Catch::Contains("driving.light-state"));
    CHECK_THAT(text.out, Catch::Contains("2 errors"));

    const auto json1 = run_cli({"qa", dir.string(), "--json", "--threads", "1"});
    const auto json2 = run_cli({"qa", dir.string(), "--json", "--threads", "2"});
    REQUIRE(json1.exit_code == 1);
    simdjson::dom::parser p1, p2;
    const auto r1 = parse(p1, json1.out), r2 = parse(p2, json2.out);
    CHECK(r1["items_checked"].get_uint64().value() == 3);
    CHECK(r1["annotations_checked"].get_uint64().value() == 7);
    std::set<std::string> rules;
    for (simdjson::dom::element f : r1["findings"].get_array()) {
        rules.insert(std::string(f["rule"].get_string().value()));
        CHECK(f["severity"].get_string().value() == "error");
        CHECK(f["uri"].get_string().value().ends_with("crossing-002.png"));
    }
    CHECK(rules == std::set<std::string>{"builtin.attribute-required", "driving.light-state"});
    CHECK(simdjson::minify(r1["findings"]) == simdjson::minify(r2["findings"]));

    // --rules runs exactly the rules named.
    const auto only =
        run_cli({"qa", dir.string(), "--rules", "builtin.near-duplicate,builtin.outside-image"});
    CHECK(only.exit_code == 0);
    CHECK_THAT(only.out, Catch::Contains("with 2 rules: 0 errors"));
    CHECK(run_cli({"qa", dir.string(), "--rules", "no.such-rule"}).exit_code == 1);

    // The fix: give the light a state and import again.
    std::string fixed = tessera::read_file(kStreet + "/annotations/driving.json");
    const std::string missing = R"("attributes": {"occlusion": "none"}})";
    REQUIRE(fixed.find(missing) != std::string::npos);
    fixed.replace(fixed.find(missing), missing.size(),
                  R"("attributes": {"occlusion": "none", "state": "green"}})");
    write(tmp / "fixed.json", fixed);
    REQUIRE(run_cli({"import", dir.string(), "--format", "coco", (tmp / "fixed.json").string()})
                .exit_code == 0);
    const auto after = run_cli({"qa", dir.string()});
    CHECK(after.exit_code == 0);
    CHECK_THAT(after.out, Catch::Contains("0 errors"));
}

TEST_CASE("the project file's qa.rules change severities and parameters", "[cli][qa]") {
    TempDir tmp;
    const auto dir = driving_project(tmp);
    const auto file = dir / "tessera-project.json";
    std::string settings = tessera::read_file(file);
    const std::size_t end = settings.rfind('}');
    settings.insert(end, R"(, "qa": { "rules": {
        "driving.light-state": { "severity": "warning" },
        "builtin.attribute-required": { "enabled": false },
        "builtin.box-min-size": { "params": { "nothing": 1 } } } })");
    write(file, settings);
    const auto result = run_cli({"qa", dir.string()});
    CHECK(result.exit_code == 0);  // only a warning is left
    CHECK_THAT(result.out, Catch::Contains("warning: driving.light-state"));
    CHECK_THAT(result.out, !Catch::Contains("builtin.attribute-required"));

    // A typo in the project file is named with its position.
    write(
        file,
        R"({"tessera_project": 1, "name": "p", "qa": {"rules": {"driving.light-state": {"severity": "fatal"}}}})");
    const auto bad = run_cli({"qa", dir.string()});
    CHECK(bad.exit_code == 1);
    CHECK_THAT(bad.err, Catch::Contains("tessera-project.json:1:") && Catch::Contains("severity"));
}

TEST_CASE(
    "a Lua rule in a project's plugins folder runs, and one that loops forever becomes a finding",
    "[cli][qa][lua]") {
    TempDir tmp;
    const auto dir = driving_project(tmp);
    write(
        dir / "plugins/local/plugin.json",
        R"({"id": "com.example.local", "name": "Local rules", "version": "1.0.0", "sdk_version": "1.0",
              "kind": "lua", "file": "init.lua"})");
    write(dir / "plugins/local/init.lua", R"(
return {
  api = 1, id = "com.example.local",
  qa_rules = {
    { id = "local.no-cars", description = "no cars allowed", severity = "warning",
      check = function(item, ctx)
        for a in item:annotations() do
          if a.label == "car" then ctx:report(a, "a car", "remove it") end
        end
      end },
    { id = "local.forever", description = "never ends", severity = "info",
      check = function(item, ctx) while true do end end },
  },
})");
    const auto result = run_cli({"qa", dir.string(), "--json"});
    REQUIRE(result.exit_code == 1);  // the looping rule's failure is an error finding
    simdjson::dom::parser parser;
    std::size_t cars = 0, budget = 0;
    for (simdjson::dom::element f : parse(parser, result.out)["findings"].get_array()) {
        const std::string_view rule = f["rule"].get_string().value();
        const std::string_view message = f["message"].get_string().value();
        if (rule == "local.no-cars") ++cars;
        if (rule == "local.forever" &&
            message.find("instruction budget") != std::string_view::npos) {
            CHECK(f["severity"].get_string().value() == "error");
            ++budget;
        }
    }
    CHECK(cars == 4);
    CHECK(budget == 3);  // once per item
}
