// What a project's own plugins/ folder can do to the person running `tessera`
// on it, through the real CLI: a plugin file that is a FIFO does not block,
// finding text cannot forge lines or reach the terminal raw, a plugin that
// fails to load stops `qa`, and native code loads only when the user allows it.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <simdjson.h>

#include "support/run.hpp"
#include "support/temp_dir.hpp"

using tessera::test::run;
using tessera::test::run_cli;
using tessera::test::TempDir;

namespace {

const std::string kStreet = std::string(TESSERA_SOURCE_DIR) + "/samples/projects/street";
const std::filesystem::path kTestPlugins = TESSERA_TEST_PLUGIN_DIR;

void write(const std::filesystem::path& path, std::string_view text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

/// The CLI, killed after 20 s: a command that blocks fails the test instead of hanging it.
tessera::test::RunResult run_cli_briefly(std::vector<std::string> args) {
    args.insert(args.begin(), {"20", TESSERA_CLI});
    return run("/usr/bin/timeout", args);
}

/// A project with the street sample's images (3 items), no schema.
std::filesystem::path project(const TempDir& tmp) {
    const auto dir = tmp / "p";
    REQUIRE(run_cli({"init", dir.string()}).exit_code == 0);
    REQUIRE(run_cli({"add", dir.string(), kStreet + "/images"}).exit_code == 0);
    return dir;
}

void write_lua_manifest(const std::filesystem::path& folder, std::string_view id) {
    write(folder / "plugin.json",
          R"({"id": ")" + std::string(id) +
              R"(", "name": "Local", "version": "1.0.0", "sdk_version": "1.0",
              "kind": "lua", "file": "init.lua"})");
}

/// Sets an environment variable for one scope (the CLI inherits it).
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
    ~ScopedEnv() { ::unsetenv(name_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
};

std::size_t count_lines(std::string_view text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("an init.lua that is a FIFO is refused at once by plugins list, and qa exits 1",
          "[cli][plugins][trust]") {
    TempDir tmp;
    const auto dir = project(tmp);
    write_lua_manifest(dir / "plugins/fifo", "com.example.fifo");
    REQUIRE(::mkfifo((dir / "plugins/fifo/init.lua").c_str(), 0644) == 0);

    const auto listed = run_cli_briefly({"plugins", "list", "--project", dir.string()});
    REQUIRE(listed.exit_code == 0);
    CHECK_THAT(listed.out, Catch::Contains("com.example.fifo") &&
                               Catch::Contains("init.lua: is a FIFO, not a regular file"));

    const auto qa = run_cli_briefly({"qa", dir.string()});
    CHECK(qa.exit_code == 1);
    CHECK_THAT(qa.err, Catch::Contains("the project's plugin com.example.fifo") &&
                           Catch::Contains("is a FIFO, not a regular file"));
}

TEST_CASE("a plugin.json that is a FIFO is refused at once, naming it", "[cli][plugins][trust]") {
    TempDir tmp;
    const auto dir = project(tmp);
    std::filesystem::create_directories(dir / "plugins/fifo");
    REQUIRE(::mkfifo((dir / "plugins/fifo/plugin.json").c_str(), 0644) == 0);

    const auto listed = run_cli_briefly({"plugins", "list", "--project", dir.string()});
    REQUIRE(listed.exit_code == 0);
    CHECK_THAT(listed.out, Catch::Contains("plugin.json: is a FIFO, not a regular file"));
    CHECK(run_cli_briefly({"qa", dir.string()}).exit_code == 1);
}

TEST_CASE("a Lua rule's message cannot forge finding lines or reach the terminal raw",
          "[cli][qa][trust]") {
    TempDir tmp;
    const auto dir = project(tmp);
    write_lua_manifest(dir / "plugins/noisy", "com.example.noisy");
    write(dir / "plugins/noisy/init.lua", R"(
return {
  api = 1, id = "com.example.noisy",
  qa_rules = {
    { id = "noisy.text\nforged: error: x", description = "clears\x1b[2J the screen\n", severity = "warning",
      check = function(item, ctx)
        ctx:report(nil, "ok\nitem 99: forged")
        ctx:report(nil, "\x1b[2J")
        ctx:report(nil, "\xff\xfe", "fix\r\n\u{202E}reversed")
      end },
  },
})");

    const auto text = run_cli({"qa", dir.string()});
    REQUIRE(text.exit_code == 0);  // warnings only
    // 3 items x 3 findings, one of them with a fix line, then the summary.
    CHECK(count_lines(text.out) == 3 * 4 + 1);
    CHECK(text.out.find('\x1b') == std::string::npos);
    CHECK(text.out.find('\r') == std::string::npos);
    CHECK(text.out.find("\xe2\x80\xae") == std::string::npos);  // U+202E itself
    CHECK(text.out.find("item 99") == text.out.find("ok\\nitem 99: forged") + 4);
    CHECK_THAT(text.out, Catch::Contains("noisy.text\\nforged: error: x: \\x1b[2J") &&
                             Catch::Contains(": \\xff\\xfe\n") &&
                             Catch::Contains("    fix: fix\\r\\n\\u202ereversed\n"));

    const auto listed = run_cli({"qa", dir.string(), "--list"});
    REQUIRE(listed.exit_code == 0);
    CHECK(listed.out.find('\x1b') == std::string::npos);
    CHECK_THAT(listed.out, Catch::Contains("clears\\x1b[2J the screen\\n"));

    const auto json = run_cli({"qa", dir.string(), "--json"});
    REQUIRE(json.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    // simdjson validates UTF-8: an invalid byte fails the parse.
    REQUIRE(parser.parse(json.out).get(root) == simdjson::SUCCESS);
    std::vector<std::string> messages;
    for (simdjson::dom::element f : root["findings"].get_array())
        messages.emplace_back(f["message"].get_string().value());
    REQUIRE(messages.size() == 9);
    CHECK(std::count(messages.begin(), messages.end(), "ok\nitem 99: forged") == 3);
    CHECK(std::count(messages.begin(), messages.end(), "\x1b[2J") == 3);
    CHECK(std::count(messages.begin(), messages.end(), "\xef\xbf\xbd\xef\xbf\xbd") ==
          3);  // U+FFFD twice
    CHECK(json.out.find('\x1b') == std::string::npos);
}

TEST_CASE("plugins list shows a plugin's refusal reason on one line", "[cli][plugins][trust]") {
    TempDir tmp;
    const auto dir = project(tmp);
    write_lua_manifest(dir / "plugins/broken", "com.example.broken");
    write(dir / "plugins/broken/init.lua", "error('line one\\nforged line\\x1b[31m')\n");

    const auto listed = run_cli({"plugins", "list", "--project", dir.string()});
    REQUIRE(listed.exit_code == 0);
    CHECK(listed.out.find('\x1b') == std::string::npos);
    CHECK_THAT(listed.out, Catch::Contains("line one\\nforged line\\x1b[31m"));
    CHECK_THAT(listed.out, !Catch::Contains("\nforged line"));
}

TEST_CASE("a native plugin in a project's folder runs no code unless the user allows it",
          "[cli][plugins][trust]") {
    TempDir tmp;
    const auto dir = project(tmp);
    std::filesystem::create_directories(dir / "plugins");
    std::filesystem::copy(kTestPlugins / "marker", dir / "plugins/marker",
                          std::filesystem::copy_options::recursive);
    const auto marker = tmp / "constructor-ran";
    const ScopedEnv marker_env("TESSERA_TEST_PLUGIN_MARKER", marker.c_str());

    const auto listed = run_cli({"plugins", "list", "--project", dir.string()});
    REQUIRE(listed.exit_code == 0);
    CHECK_THAT(listed.out, Catch::Contains("test.marker") && Catch::Contains("refused") &&
                               Catch::Contains("set TESSERA_ALLOW_PROJECT_NATIVE_PLUGINS=1"));
    const auto qa = run_cli({"qa", dir.string()});
    CHECK(qa.exit_code == 1);
    CHECK_THAT(qa.err, Catch::Contains("the project's plugin test.marker") &&
                           Catch::Contains("TESSERA_ALLOW_PROJECT_NATIVE_PLUGINS=1"));
    CHECK_FALSE(std::filesystem::exists(marker));

    {  // Any other value is not a permission.
        const ScopedEnv allow("TESSERA_ALLOW_PROJECT_NATIVE_PLUGINS", "yes");
        CHECK(run_cli({"qa", dir.string()}).exit_code == 1);
        CHECK_FALSE(std::filesystem::exists(marker));
    }

    const ScopedEnv allow("TESSERA_ALLOW_PROJECT_NATIVE_PLUGINS", "1");
    const auto allowed = run_cli({"plugins", "list", "--project", dir.string(), "--json"});
    REQUIRE(allowed.exit_code == 0);
    CHECK(std::filesystem::exists(marker));
    simdjson::dom::parser parser;
    std::string state;
    for (simdjson::dom::element p : parser.parse(allowed.out).get_array())
        if (p["id"].get_string().value() == "test.marker") state = p["state"].get_string().value();
    CHECK(state == "loaded");
}

TEST_CASE("a native plugin on the user's own plugin path loads without the permission",
          "[cli][plugins][trust]") {
    TempDir tmp;
    const auto dir = project(tmp);
    std::filesystem::create_directories(tmp / "mine");
    std::filesystem::copy(kTestPlugins / "marker", tmp / "mine/marker",
                          std::filesystem::copy_options::recursive);
    const auto marker = tmp / "constructor-ran";
    const ScopedEnv marker_env("TESSERA_TEST_PLUGIN_MARKER", marker.c_str());
    const ScopedEnv path("TESSERA_PLUGIN_PATH", (tmp / "mine").c_str());

    const auto listed = run_cli({"plugins", "list", "--project", dir.string(), "--json"});
    REQUIRE(listed.exit_code == 0);
    CHECK(std::filesystem::exists(marker));
    CHECK_THAT(listed.out, Catch::Contains(R"("id":"test.marker","name":"Marker test plugin")") &&
                               Catch::Contains(R"("state":"loaded")"));
}
