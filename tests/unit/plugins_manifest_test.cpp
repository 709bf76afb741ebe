// Plugin discovery before any code runs: plugin.json is read and checked with
// positioned errors, and the search path comes in the documented order.

#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "core/error.hpp"
#include "loader/manifest.hpp"
#include "loader/search_path.hpp"
#include "support/format_helpers.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tessera;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

std::string manifest_error(std::string_view text) {
    try {
        (void)plugins::parse_manifest("plugins/foo/plugin.json", text);
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("the manifest was accepted: " << text);
    return {};
}

plugins::EnvLookup env_of(std::map<std::string, std::string, std::less<>> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

}  // namespace

TEST_CASE("plugins: a complete manifest is read field by field", "[plugins]") {
    const plugins::Manifest m = plugins::parse_manifest("plugins/rules/plugin.json", R"({
  "id": "com.example.rules",
  "name": "Example rules",
  "version": "1.2.0",
  "sdk_version": "1.0",
  "kind": "native",
  "file": "librules.so",
  "homepage": "https://example.com"
})");
    CHECK(m.id == "com.example.rules");
    CHECK(m.name == "Example rules");
    CHECK(m.version == "1.2.0");
    CHECK(m.sdk_version.major == 1);
    CHECK(m.sdk_version.minor == 0);
    CHECK(m.kind == plugins::Kind::Native);
    CHECK(m.file_path() == std::filesystem::path("plugins/rules/librules.so"));

    const plugins::Manifest lua = plugins::parse_manifest(
        "p/plugin.json",
        R"({"id": "tessera.driving", "sdk_version": "1.3", "kind": "lua", "file": "init.lua"})");
    CHECK(lua.kind == plugins::Kind::Lua);
    CHECK(lua.name == "tessera.driving");  // the id stands in for a missing name
    CHECK(lua.sdk_version.minor == 3);
}

TEST_CASE("plugins: manifest errors name the file, line and column and what was expected",
          "[plugins]") {
    CHECK_THAT(manifest_error("{\n  \"id\": \"a.b\",\n  \"kind\": \"python\",\n  \"sdk_version\": "
                              "\"1.0\", \"file\": \"x.so\"\n}"),
               Equals("plugins/foo/plugin.json:3:11: kind: expected \"native\" or \"lua\""));
    CHECK_THAT(manifest_error(R"({"kind": "native", "sdk_version": "1.0", "file": "x.so"})"),
               Contains("plugins/foo/plugin.json:1:1: expected an \"id\""));
    CHECK_THAT(
        manifest_error(
            R"({"id": "Com.Example", "kind": "native", "sdk_version": "1.0", "file": "x.so"})"),
        Contains("plugin.json:1:8: id: \"Com.Example\" is not a plugin id"));
    CHECK_THAT(
        manifest_error(R"({"id": "a", "kind": "native", "sdk_version": "one", "file": "x.so"})"),
        Contains(
            "plugin.json:1:46: sdk_version: \"one\" is not a version; expected \"MAJOR.MINOR\""));
    CHECK_THAT(manifest_error(R"({"id": "a", "kind": "native", "file": "x.so"})"),
               Contains("expected an \"sdk_version\""));
    CHECK_THAT(manifest_error(
                   R"({"id": "a", "kind": "native", "sdk_version": "1.0", "file": "../evil.so"})"),
               Contains("file: \"../evil.so\" is not a plain file name"));
    CHECK_THAT(manifest_error(R"({"id": "a", "kind": "native", "sdk_version": "1.0"})"),
               Contains("expected a \"file\""));
    CHECK_THAT(manifest_error(R"({"id": "a", "id": "b"})"), Contains("1:19: id: appears twice"));
    CHECK_THAT(manifest_error(R"(["id"])"),
               Contains("plugins/foo/plugin.json:1:1: plugin manifest: expected a JSON object"));
    CHECK_THAT(
        manifest_error(R"({"id": "a", "kind": "native", "sdk_version": "1.0", "file": "x.so"} [])"),
        Contains("plugins/foo/plugin.json:1:"));  // trailing text after the object
    CHECK_THAT(manifest_error(""), Contains("plugins/foo/plugin.json"));
}

TEST_CASE("plugins: a manifest file is read from disk and a missing one is named", "[plugins]") {
    const test::TempDir dir;
    test::put(dir / "p" / "plugin.json",
              R"({"id": "x.y", "sdk_version": "1.0", "kind": "native", "file": "x.so"})");
    CHECK(plugins::read_manifest(dir / "p" / "plugin.json").dir == dir / "p");
    CHECK_THROWS_WITH(plugins::read_manifest(dir / "q" / "plugin.json"), Contains("q/plugin.json"));
}

TEST_CASE("plugins: the search path is project, user, TESSERA_PLUGIN_PATH, built-in", "[plugins]") {
    const auto path = plugins::plugin_search_path(
        {.project_dir = "/work/proj", .builtin_dir = "/opt/tessera/share/tessera/plugins"},
        env_of({{"TESSERA_USER_PLUGIN_DIR", "/u/plugins"},
                {"XDG_DATA_HOME", "/xdg"},
                {"HOME", "/home/ann"},
                {"TESSERA_PLUGIN_PATH", "/a::/b:"}}));
    REQUIRE(path.size() == 5);
    CHECK(path[0].path == "/work/proj/plugins");
    CHECK(path[0].origin == plugins::Origin::Project);
    CHECK(path[1].path == "/u/plugins");
    CHECK(path[1].origin == plugins::Origin::User);
    CHECK(path[2].path == "/a");
    CHECK(path[3].path == "/b");
    CHECK(path[3].origin == plugins::Origin::PluginPath);
    CHECK(path[4].path == "/opt/tessera/share/tessera/plugins");
    CHECK(path[4].origin == plugins::Origin::Builtin);
}

TEST_CASE("plugins: the user folder falls back to XDG_DATA_HOME, then HOME", "[plugins]") {
    auto path =
        plugins::plugin_search_path({}, env_of({{"XDG_DATA_HOME", "/xdg"}, {"HOME", "/home/ann"}}));
    REQUIRE(path.size() == 1);
    CHECK(path[0].path == "/xdg/tessera/plugins");

    path = plugins::plugin_search_path({}, env_of({{"XDG_DATA_HOME", ""}, {"HOME", "/home/ann"}}));
    REQUIRE(path.size() == 1);
    CHECK(path[0].path == "/home/ann/.local/share/tessera/plugins");

    // No project, no HOME, nothing set: no folder at all.
    CHECK(plugins::plugin_search_path({}, env_of({})).empty());
}

TEST_CASE(
    "plugins: a plugin is a direct subfolder holding plugin.json, or the search folder itself",
    "[plugins]") {
    const test::TempDir dir;
    test::put(dir / "zeta" / "plugin.json", "{}");
    test::put(dir / "alpha" / "plugin.json", "{}");
    test::put(dir / "no-manifest" / "README", "not a plugin");
    test::put(dir / "deep" / "inner" / "plugin.json", "{}");  // two levels down: not searched
    const auto folders = plugins::plugin_folders(dir.path());
    REQUIRE(folders.size() == 2);
    CHECK(folders[0] == dir / "alpha");
    CHECK(folders[1] == dir / "zeta");
    CHECK(plugins::plugin_folders(dir / "does-not-exist").empty());

    // A search folder holding plugin.json itself is that one plugin.
    test::put(dir / "plugin.json", "{}");
    CHECK(plugins::plugin_folders(dir.path()) == std::vector<std::filesystem::path>{dir.path()});
}
