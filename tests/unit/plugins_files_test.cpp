// What the loader reads from a plugin folder and what it runs: only regular
// files (checked before they are opened for reading, so a FIFO never blocks),
// symlinks only to files inside the folder, a size limit on plugin.json and the
// Lua main file, and no native code from a project's folder unless allowed.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "loader/loader.hpp"
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

std::string lua_manifest(std::string_view id, std::string_view file = "init.lua") {
    return R"({"id": ")" + std::string(id) +
           R"(", "version": "1.0.0", "sdk_version": "1.0", "kind": "lua", "file": ")" +
           std::string(file) + R"("})";
}

/// Loads `dir` on another thread; fails the test when that takes more than 10 s,
/// then opens `fifo` for writing, which lets a reader blocked on it go on.
PluginRecord load_briefly(PluginHost& host, const std::filesystem::path& dir,
                          const std::filesystem::path& fifo) {
    std::atomic<bool> done = false;
    PluginRecord record;
    std::thread loader([&] {
        record = host.load_folder(dir);
        done = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(done);  // blocked on the FIFO: the loader opened it before checking it
    while (!done) {
        const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0) ::close(fd);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    loader.join();
    return record;
}

}  // namespace

TEST_CASE("plugin files: an init.lua, plugin.json or library that is a FIFO is refused at once",
          "[plugins][files]") {
    const test::TempDir dir;
    test::put(dir / "lua" / "plugin.json", lua_manifest("test.fifo-lua"));
    REQUIRE(::mkfifo((dir / "lua" / "init.lua").c_str(), 0644) == 0);
    std::filesystem::create_directories(dir / "manifest");
    REQUIRE(::mkfifo((dir / "manifest" / "plugin.json").c_str(), 0644) == 0);
    test::put(
        dir / "native" / "plugin.json",
        R"({"id": "test.fifo-native", "sdk_version": "1.0", "kind": "native", "file": "lib.so"})");
    REQUIRE(::mkfifo((dir / "native" / "lib.so").c_str(), 0644) == 0);

    test::PluginLog log;
    PluginHost host;
    host.set_log(log.fn());
    for (const char* name : {"lua/init.lua", "manifest/plugin.json", "native/lib.so"}) {
        const std::filesystem::path fifo = dir / name;
        const PluginRecord record = load_briefly(host, fifo.parent_path(), fifo);
        INFO(name);
        CHECK(record.state == State::Refused);
        CHECK_THAT(record.reason,
                   Contains(fifo.generic_string() + ": is a FIFO, not a regular file"));
    }
}

TEST_CASE("plugin files: a symlink is followed inside the plugin folder, refused outside it",
          "[plugins][files]") {
    const test::TempDir dir;
    const std::string source = "return { api = 1, id = 'test.link' }\n";
    test::put(dir / "inside" / "plugin.json", lua_manifest("test.link", "main.lua"));
    test::put(dir / "inside" / "src" / "real.lua", source);
    std::filesystem::create_symlink("src/real.lua", dir / "inside" / "main.lua");
    test::put(dir / "elsewhere.lua", source);
    test::put(dir / "outside" / "plugin.json", lua_manifest("test.link-out"));
    std::filesystem::create_symlink(dir / "elsewhere.lua", dir / "outside" / "init.lua");

    test::PluginLog log;
    PluginHost host;
    host.set_log(log.fn());
    const PluginRecord inside = host.load_folder(dir / "inside");
    INFO(inside.reason);
    CHECK(inside.state == State::Loaded);
    const PluginRecord outside = host.load_folder(dir / "outside");
    CHECK(outside.state == State::Refused);
    CHECK_THAT(outside.reason,
               Contains("init.lua: is a symlink to") && Contains("outside the folder"));
}

TEST_CASE("plugin files: plugin.json and the Lua main file have a size limit", "[plugins][files]") {
    const test::TempDir dir;
    test::put(dir / "big-lua" / "plugin.json", lua_manifest("test.big"));
    test::put(dir / "big-lua" / "init.lua", "return { api = 1, id = 'test.big' }\n");
    std::filesystem::resize_file(dir / "big-lua" / "init.lua", (4u << 20) + 1);  // sparse, cheap
    test::put(dir / "big-manifest" / "plugin.json", lua_manifest("test.big-manifest"));
    std::filesystem::resize_file(dir / "big-manifest" / "plugin.json", (1u << 20) + 1);

    test::PluginLog log;
    PluginHost host;
    host.set_log(log.fn());
    const PluginRecord lua = host.load_folder(dir / "big-lua");
    CHECK(lua.state == State::Refused);
    CHECK_THAT(
        lua.reason,
        Contains("init.lua: is 4194305 bytes; a Lua plugin's main file may hold at most 4194304"));
    const PluginRecord manifest = host.load_folder(dir / "big-manifest");
    CHECK(manifest.state == State::Refused);
    CHECK_THAT(manifest.reason,
               Contains("plugin.json: is 1048577 bytes; plugin.json may hold at most 1048576"));
}

TEST_CASE("plugin trust: a native plugin in the project folder is refused before its library opens",
          "[plugins][trust]") {
    const test::TempDir dir;
    std::filesystem::create_directories(dir / "project" / "plugins");
    std::filesystem::copy(kPlugins / "marker", dir / "project" / "plugins" / "marker",
                          std::filesystem::copy_options::recursive);
    const auto marker = dir / "constructor-ran";
    ::setenv("TESSERA_TEST_PLUGIN_MARKER", marker.c_str(), 1);
    const auto search_path = plugins::plugin_search_path(
        {.project_dir = dir / "project"}, [&](std::string_view name) -> std::optional<std::string> {
            // The project folder reached again as the user's own plugin path.
            if (name == "TESSERA_PLUGIN_PATH") return (dir / "project" / "plugins").string();
            return std::nullopt;
        });

    {
        test::PluginLog log;
        PluginHost host;
        host.set_log(log.fn());
        host.load(std::span(search_path).first(1));  // the project folder alone
        REQUIRE(host.plugins().size() == 1);
        CHECK(host.plugins()[0].state == State::Refused);
        CHECK(host.plugins()[0].origin == plugins::Origin::Project);
        CHECK_THAT(host.plugins()[0].reason,
                   Contains("set TESSERA_ALLOW_PROJECT_NATIVE_PLUGINS=1"));
        CHECK_FALSE(std::filesystem::exists(marker));
    }
    {  // The same folder, chosen by the user on TESSERA_PLUGIN_PATH, loads from there.
        test::PluginLog log;
        PluginHost host;
        host.set_log(log.fn());
        host.load(search_path);
        REQUIRE(host.plugins().size() == 2);
        CHECK(host.plugins()[1].state == State::Loaded);
        CHECK(host.plugins()[1].origin == plugins::Origin::PluginPath);
        CHECK(std::filesystem::exists(marker));
    }
    std::filesystem::remove(marker);
    {
        test::PluginLog log;
        PluginHost host({.allow_project_native = true});
        host.set_log(log.fn());
        host.load(std::span(search_path).first(1));
        REQUIRE(host.plugins().size() == 1);
        CHECK(host.plugins()[0].state == State::Loaded);
        CHECK(std::filesystem::exists(marker));
    }
    ::unsetenv("TESSERA_TEST_PLUGIN_MARKER");
}

TEST_CASE("plugin trust: the permission is read from the user's environment only",
          "[plugins][trust]") {
    const auto env = [](const char* value) {
        return [value](std::string_view name) -> std::optional<std::string> {
            if (name == plugins::kAllowProjectNativeEnv && value != nullptr) return value;
            return std::nullopt;
        };
    };
    CHECK(plugins::project_native_allowed(env("1")));
    CHECK_FALSE(plugins::project_native_allowed(env(nullptr)));
    CHECK_FALSE(plugins::project_native_allowed(env("")));
    CHECK_FALSE(plugins::project_native_allowed(env("0")));
    CHECK_FALSE(plugins::project_native_allowed(env("yes")));
}
