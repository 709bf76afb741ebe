// Loading native plugins: the version rule, every misbehaviour refused with a
// message naming the plugin while the host goes on, duplicates, the search
// path's precedence, built-in plugins, and a loaded plugin's schema, rules and
// format working through the host's own interfaces.

#include <catch2/catch.hpp>

#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "formats/format.hpp"
#include "loader/loader.hpp"
#include "support/dataset_source.hpp"
#include "support/format_helpers.hpp"
#include "support/plugin_log.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tessera;
using Catch::Matchers::Contains;
using plugins::PluginHost;
using plugins::PluginRecord;
using plugins::State;

const std::filesystem::path kPlugins = TESSERA_TEST_PLUGIN_DIR;

using Log = tessera::test::PluginLog;

void copy_plugin(const std::string& name, const std::filesystem::path& into) {
    std::filesystem::create_directories(into);
    std::filesystem::copy(kPlugins / name, into / name, std::filesystem::copy_options::recursive);
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("plugins: a good native plugin provides its schema, rules and format", "[plugins]") {
    Log log;
    PluginHost host;
    host.set_log(log.fn());
    const PluginRecord& record = host.load_folder(kPlugins / "good");
    INFO(record.reason);
    REQUIRE(record.state == State::Loaded);
    CHECK(record.id == "test.good");
    CHECK(record.name == "Good test plugin");
    CHECK(record.version == "0.3.1");
    CHECK(record.kind == plugins::Kind::Native);
    CHECK(record.folder == kPlugins / "good");
    CHECK(record.extensions == std::vector<std::string>{"tessera.label-schema/1",
                                                        "tessera.qa-rules/1", "tessera.format/1"});
    // The plugin logged through tessera.host.log/1 during init, attributed to it.
    CHECK(log.has("[test.good] hello from test.good"));

    REQUIRE(host.schemas().size() == 1);
    const plugins::SchemaRecord* schema = host.find_schema("test.schema");
    REQUIRE(schema != nullptr);
    CHECK(schema->version == "1.2.0");
    CHECK(schema->plugin_id == "test.good");
    REQUIRE(schema->root().classes() != nullptr);
    CHECK(schema->root().classes()->Get(0)->key()->str() == "cat");

    const auto providers = host.rule_providers();
    REQUIRE(providers.size() == 1);
    CHECK(providers[0]->plugin_id() == "test.good");
    REQUIRE(providers[0]->rules().size() == 1);
    CHECK(providers[0]->rules()[0].id == "test.good.check");
    CHECK(providers[0]->rules()[0].default_severity == qa::Severity::Warning);

    REQUIRE(host.formats().find("testfmt") != nullptr);
}

TEST_CASE("plugins: a plugin's format reads into a Dataset and writes a project", "[plugins]") {
    const test::TempDir dir;
    formats::Format format;
    {
        PluginHost host;
        host.set_log([](auto, auto, auto) {});
        REQUIRE(host.load_folder(kPlugins / "good").state == State::Loaded);
        format = *host.formats().find("testfmt");
    }
    // The copy keeps the plugin loaded after its host is gone.
    CHECK(format.name == "testfmt");
    test::put(dir / "in.testfmt", "testfmt\nphotos/cat.jpg\n");
    std::vector<std::uint64_t> progress;
    const formats::Dataset dataset = format.read(
        dir / "in.testfmt", {[&](std::uint64_t done, std::uint64_t) { progress.push_back(done); }});
    REQUIRE(dataset.items.size() == 1);
    const formats::ImportedItem& item = dataset.items[0];
    CHECK(item.name == "photos/cat.jpg");
    CHECK(item.media.kind == v1::MediaKind::Image);
    CHECK(item.media.width == 640);
    CHECK(item.media.uri.empty());  // the importer chooses the URI
    REQUIRE(item.annotations.size() == 2);
    CHECK(item.annotations[0]->label == "cat");
    REQUIRE(item.annotations[0]->geometry.AsBox() != nullptr);
    CHECK(item.annotations[0]->geometry.AsBox()->right == 40.0);
    // "dog" is used but not declared by the file's schema: it becomes a class.
    REQUIRE(dataset.schema.classes.size() == 2);
    CHECK(dataset.schema.classes[1]->key == "dog");
    CHECK(progress == std::vector<std::uint64_t>{1});

    test::put(dir / "bad.testfmt", "COCO\n");
    CHECK_THROWS_WITH(format.read(dir / "bad.testfmt", {}),
                      Contains("bad.testfmt:1:1: expected \"testfmt\" on the first line"));

    format.write(test::DatasetSource(dataset), dir / "out.testfmt", {});
    CHECK(read_text(dir / "out.testfmt") == "testfmt\nitems: 1 of 1\n");
    CHECK_THROWS_WITH(
        format.write(test::DatasetSource(dataset), dir / "no" / "such" / "dir" / "x", {}),
        Contains("failed to write it: "));
}

TEST_CASE("plugins: a plugin built for a newer SDK minor is refused, an older one loads",
          "[plugins]") {
    Log log;
    {
        PluginHost host;
        host.set_log(log.fn());
        const PluginRecord& newer = host.load_folder(kPlugins / "newer-minor");
        CHECK(newer.state == State::Refused);
        CHECK_THAT(newer.reason, Contains("built for SDK 1.1, this host has 1.0"));
        CHECK(log.has("plugin test.newer-minor"));
        // The manifest says 1.0 but the library was built for 1.1: the entry decides.
        const PluginRecord& lying = host.load_folder(kPlugins / "newer-minor-lib");
        CHECK(lying.state == State::Refused);
        CHECK_THAT(lying.reason,
                   Contains("newer-minor-lib.so was built for SDK 1.1, this host has 1.0"));
        CHECK(host.rule_providers().empty());
    }
    {
        // A host at SDK 1.2 loads plugins built for 1.0 and 1.1 (the revision is ignored).
        PluginHost host({.sdk_version = {1, 2, 0}});
        host.set_log(log.fn());
        CHECK(host.load_folder(kPlugins / "older-minor").state == State::Loaded);
        CHECK(host.load_folder(kPlugins / "newer-minor").state == State::Loaded);
    }
    {
        PluginHost host({.sdk_version = {2, 0, 0}});  // another major: nothing of 1.x loads
        host.set_log(log.fn());
        CHECK_THAT(host.load_folder(kPlugins / "older-minor").reason,
                   Contains("built for SDK 1.0, this host has 2.0"));
    }
}

TEST_CASE("plugins: each misbehaving plugin is refused with a reason and the host goes on",
          "[plugins]") {
    const test::TempDir dir;
    // Plugins that cannot be built: a missing library, a file that is no library, a bad manifest.
    test::put(
        dir / "missing-file" / "plugin.json",
        R"({"id": "test.missing-file", "sdk_version": "1.0", "kind": "native", "file": "gone.so"})");
    test::put(
        dir / "not-a-library" / "plugin.json",
        R"({"id": "test.not-a-library", "sdk_version": "1.0", "kind": "native", "file": "x.so"})");
    test::put(dir / "not-a-library" / "x.so", "this is text, not an ELF file");
    test::put(dir / "bad-manifest" / "plugin.json", "{\n  \"id\": 42\n}");

    struct Case {
        std::filesystem::path folder;
        std::string id;
        std::string reason;
    };
    const std::vector<Case> cases = {
        {kPlugins / "init-fails", "test.init-fails",
         "plugin init() failed: the licence file is missing"},
        {kPlugins / "entry-init-fails", "test.entry-init-fails", "entry init() failed"},
        {kPlugins / "throws", "test.throws", "plugin init() threw an exception: out of licences"},
        {kPlugins / "missing-callback", "test.missing-callback",
         "tessera.qa-rules/1 check_item is NULL; it is required"},
        {kPlugins / "bad-schema", "test.bad-schema",
         "label schema 0: buffer fails FlatBuffers verification"},
        {kPlugins / "no-entry", "test.no-entry", "does not export the symbol tessera_plugin_entry"},
        {kPlugins / "wrong-id", "test.wrong-id",
         "the library provides no plugin \"test.wrong-id\" (plugin.json's id); it provides "
         "\"test.other\""},
        {dir / "missing-file", "test.missing-file", "gone.so: library not found"},
        {dir / "not-a-library", "test.not-a-library", "cannot load "},
        {dir / "bad-manifest", "bad-manifest",
         "bad-manifest/plugin.json:2:9: id: expected a string"},
    };
    Log log;
    PluginHost host;
    host.set_log(log.fn());
    for (const Case& c : cases) {
        const PluginRecord& record = host.load_folder(c.folder);
        INFO(c.id << ": " << record.reason);
        CHECK(record.id == c.id);
        CHECK(record.state == State::Refused);
        CHECK_THAT(record.reason, Contains(c.reason));
        CHECK(record.extensions.empty());
        CHECK(log.has("plugin " + c.id + " (from "));
    }
    CHECK(host.schemas().empty());
    CHECK(host.rule_providers().empty());
    CHECK(host.formats().all().empty());

    // The host goes on: a good plugin still loads after all of them.
    CHECK(host.load_folder(kPlugins / "good").state == State::Loaded);
    CHECK(host.plugins().size() == cases.size() + 1);
}

TEST_CASE("plugins: the first plugin found with an id wins, in search-path order", "[plugins]") {
    const test::TempDir dir;
    copy_plugin("duplicate", dir / "project" / "plugins");  // id test.good, no schema, no format
    copy_plugin("good", dir / "path");
    copy_plugin("older-minor", dir / "builtin");

    Log log;
    // The project's copy is native: the user allows it, as the order is what is tested.
    PluginHost host({.allow_project_native = true});
    host.set_log(log.fn());
    host.load(plugins::plugin_search_path(
        {.project_dir = dir / "project", .builtin_dir = dir / "builtin"},
        [&](std::string_view name) -> std::optional<std::string> {
            if (name == "TESSERA_PLUGIN_PATH") return (dir / "path").string();
            return std::nullopt;
        }));
    const auto records = host.plugins();
    REQUIRE(records.size() == 3);
    CHECK(records[0].id == "test.good");
    CHECK(records[0].folder == dir / "project" / "plugins" / "duplicate");
    CHECK(records[0].state == State::Loaded);
    CHECK(records[1].id == "test.good");
    CHECK(records[1].folder == dir / "path" / "good");
    CHECK(records[1].state == State::Refused);
    CHECK_THAT(records[1].reason,
               Contains("duplicate id test.good, already loaded from " +
                        (dir / "project" / "plugins" / "duplicate").generic_string()));
    CHECK(records[2].id == "test.older-minor");
    CHECK(records[2].state == State::Loaded);
    // The refused copy contributed nothing: its schema and format are absent.
    CHECK(host.find_schema("test.schema") == nullptr);
    CHECK(host.formats().find("testfmt") == nullptr);
    CHECK(host.find("test.good")->folder == dir / "project" / "plugins" / "duplicate");
}

TEST_CASE("plugins: a folder reached twice on the search path is loaded once, not refused",
          "[plugins]") {
    const test::TempDir dir;
    copy_plugin("good", dir / "builtin");
    std::filesystem::create_directory_symlink(dir / "builtin", dir / "link");

    Log log;
    PluginHost host;
    host.set_log(log.fn());
    // The built-in folder also on TESSERA_PLUGIN_PATH, once by a symlink and
    // once by its own path, the plugin's folder itself too.
    host.load(plugins::plugin_search_path(
        {.builtin_dir = dir / "builtin"}, [&](std::string_view name) -> std::optional<std::string> {
            if (name == "TESSERA_PLUGIN_PATH")
                return (dir / "link").string() + ":" + (dir / "builtin").string() + ":" +
                       (dir / "builtin" / "good").string();
            return std::nullopt;
        }));
    REQUIRE(host.plugins().size() == 1);
    CHECK(host.plugins()[0].state == State::Loaded);
    CHECK(host.plugins()[0].folder == dir / "link" / "good");
    CHECK_FALSE(log.has("duplicate"));
}

TEST_CASE("plugins: a disabled plugin is listed but its code never runs", "[plugins]") {
    Log log;
    PluginHost host({.disabled = {"test.good"}});
    host.set_log(log.fn());
    const PluginRecord& record = host.load_folder(kPlugins / "good");
    CHECK(record.state == State::Disabled);
    CHECK_FALSE(record.reason.empty());
    CHECK_FALSE(log.has("hello from test.good"));
    CHECK(host.formats().find("testfmt") == nullptr);
}

TEST_CASE("plugins: a Lua plugin loads its schema and rules; a failing one is refused",
          "[plugins]") {
    const test::TempDir dir;
    const auto manifest = [](std::string id) {
        return R"({"id": ")" + id +
               R"(", "version": "2.0.0", "sdk_version": "1.0", "kind": "lua", "file": "init.lua"})";
    };
    test::put(dir / "lua-good" / "plugin.json", manifest("test.lua"));
    test::put(dir / "lua-good" / "init.lua", R"(
return {
  api = 1,
  id = "test.lua",
  label_schemas = { {
    id = "test.lua.schema", version = "1.0.0",
    names = { ["zh-CN"] = "测试", en = "Test" },
    classes = { { key = "cat", names = { ["zh-CN"] = "猫", en = "Cat" } } },
  } },
  qa_rules = { {
    id = "test.lua.rule", description = "never fires", severity = "warning",
    check = function(item, ctx) end,
  } },
}
)");
    test::put(dir / "lua-error" / "plugin.json", manifest("test.lua-error"));
    test::put(dir / "lua-error" / "init.lua", "error('the schema table is not ready')\n");
    test::put(dir / "lua-wrong-id" / "plugin.json", manifest("test.lua-wrong-id"));
    test::put(dir / "lua-wrong-id" / "init.lua", "return { api = 1, id = 'test.somebody-else' }\n");

    Log log;
    PluginHost host;
    host.set_log(log.fn());
    host.load(std::vector<plugins::SearchFolder>{{dir.path(), plugins::Origin::PluginPath}});
    REQUIRE(host.plugins().size() == 3);
    const PluginRecord* error = host.find("test.lua-error");
    REQUIRE(error != nullptr);
    CHECK(error->state == State::Refused);
    CHECK_THAT(error->reason, Contains("the schema table is not ready"));
    CHECK(log.has("plugin test.lua-error (from "));
    const PluginRecord* wrong = host.find("test.lua-wrong-id");
    REQUIRE(wrong != nullptr);
    CHECK(wrong->state == State::Refused);
    CHECK_THAT(wrong->reason, Contains("test.somebody-else"));

    const PluginRecord* good = host.find("test.lua");
    REQUIRE(good != nullptr);
    INFO(good->reason);
    REQUIRE(good->state == State::Loaded);
    CHECK(good->kind == plugins::Kind::Lua);
    CHECK(good->version == "2.0.0");
    CHECK(good->extensions ==
          std::vector<std::string>{"tessera.label-schema/1", "tessera.qa-rules/1"});
    const plugins::SchemaRecord* schema = host.find_schema("test.lua.schema");
    REQUIRE(schema != nullptr);
    CHECK(schema->plugin_id == "test.lua");
    REQUIRE(host.rule_providers().size() == 1);
    CHECK(host.rule_providers()[0]->rules()[0].id == "test.lua.rule");
}
