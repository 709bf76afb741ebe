// The Lua sandbox (lua/sandbox.hpp, docs/architecture.md §5): what a plugin cannot
// reach, and the memory cap and instruction budget that stop a runaway one
// without stopping the host.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "lua/sandbox.hpp"
#include "support/lua_chunk.hpp"

namespace {

using namespace tessera;
using namespace tessera::lua;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

using test::chunk_value;
using test::run_chunk;

int open_test_module(lua_State* L) {
    lua_createtable(L, 0, 1);
    lua_pushinteger(L, 42);
    lua_setfield(L, -2, "answer");
    return 1;
}

// call_back(f): the host calling back into Lua while the call that called it
// runs (as a host may from ui:submit); returns whether f succeeded.
int call_back(lua_State* L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_pushboolean(L, Sandbox::of(L).try_call(0, 0).ok());
    return 1;
}

}  // namespace

TEST_CASE("lua sandbox: escapes to the file system, processes and the VM fail", "[lua]") {
    Sandbox sandbox("tessera.test");
    const std::vector<std::pair<std::string, std::string>> escapes = {
        {"return io.open('/etc/passwd')", "global 'io'"},
        {"return os.execute('touch /tmp/tessera-escaped')", "global 'os'"},
        {"return os.getenv('HOME')", "global 'os'"},
        {"return load('return 1')()", "global 'load'"},
        {"return loadstring('return 1')()", "global 'loadstring'"},
        {"return dofile('/etc/passwd')", "global 'dofile'"},
        {"return loadfile('/etc/passwd')", "global 'loadfile'"},
        {"return string.dump(function() end)", "field 'dump'"},
        {"return ('').dump(function() end)", "'dump'"},
        {"return require 'io'", "module 'io' is not available in the sandbox"},
        {"return require 'os'", "module 'os' is not available in the sandbox"},
        {"return require 'debug'", "module 'debug' is not available in the sandbox"},
        {"return debug.getregistry()", "global 'debug'"},
        {"return package.loadlib('libc.so.6', 'system')", "global 'package'"},
        {"return coroutine.create(print)", "global 'coroutine'"},
        {"return collectgarbage()", "only \"count\" is allowed"},
        {"return collectgarbage('stop')", "only \"count\" is allowed"},
        {"return setmetatable({}, { __gc = function() while true do end end })",
         "__gc metamethods are not allowed"},
        {"return warn('@on')", "global 'warn'"},
    };
    for (const auto& [code, expected] : escapes) {
        INFO(code);
        const CallResult result = run_chunk(sandbox, code);
        CHECK(result.failure == Failure::Error);
        CHECK_THAT(result.message, Contains(expected));
    }
    // Nothing of the removed libraries hides elsewhere.
    CHECK(chunk_value(sandbox,
                      "return tostring(rawget(_G, 'io')) .. tostring(rawget(_G, 'debug'))") ==
          "nilnil");
    CHECK(chunk_value(sandbox, "return tostring(getmetatable('').__index.dump)") == "nil");
    CHECK(chunk_value(sandbox, "local n = 0 for k in pairs(_G) do n = n + 1 end return n") == "26");
}

TEST_CASE("lua sandbox: the allowed libraries work", "[lua]") {
    Sandbox sandbox("tessera.test");
    CHECK(chunk_value(sandbox, "return string.format('%s-%d', ('ab'):upper(), math.max(1, 7))") ==
          "AB-7");
    CHECK(chunk_value(sandbox, "return table.concat({ 'a', 'b' }, ',')") == "a,b");
    CHECK(chunk_value(sandbox, "return utf8.len('彝文ꀀ')") == "3");
    CHECK(chunk_value(sandbox, "return select('#', pcall(error, 'x'))") == "2");
    CHECK(chunk_value(sandbox, "return type(collectgarbage('count'))") == "number");
    CHECK(chunk_value(sandbox, "return getmetatable(setmetatable({}, { __index = {} })) ~= nil") ==
          "true");
}

TEST_CASE("lua sandbox: binary chunks are refused", "[lua]") {
    Sandbox sandbox("tessera.test");
    const std::string binary("\x1bLuaT\x00\x19\x93\r\n\x1a\n\x04\x08\x08", 15);
    CHECK_THROWS_WITH(sandbox.load(binary, "plugins/x/init.lua"),
                      Contains("plugins/x/init.lua") && Contains("binary"));
    // Text chunks still load.
    CHECK(chunk_value(sandbox, "return 1 + 1") == "2");
}

TEST_CASE("lua sandbox: a syntax error names the chunk and line", "[lua]") {
    Sandbox sandbox("tessera.test");
    CHECK_THROWS_WITH(sandbox.load("return 1 +\n\n", "rules.lua"),
                      Contains("rules.lua:3:") && Contains("unexpected symbol"));
}

TEST_CASE("lua sandbox: an endless loop is stopped by the instruction budget", "[lua]") {
    Sandbox sandbox("tessera.test");
    const CallResult result = run_chunk(sandbox, "while true do end");
    CHECK(result.failure == Failure::Budget);
    CHECK_THAT(result.message, Equals("instruction budget of 10000000 exceeded"));

    sandbox.load("while true do end", "rules.lua");
    CHECK_THROWS_AS(sandbox.call(0, 0, "tessera.driving: rule driving.light-state"), Error);
    sandbox.load("while true do end", "rules.lua");
    CHECK_THROWS_WITH(
        sandbox.call(0, 0, "tessera.driving: rule driving.light-state"),
        "tessera.driving: rule driving.light-state: instruction budget of 10000000 exceeded");

    // The budget is per call: the state goes on, and a short call fits again.
    CHECK(chunk_value(sandbox, "local n = 0 for i = 1, 1000 do n = n + i end return n") ==
          "500500");
}

TEST_CASE("lua sandbox: pcall cannot swallow a spent budget", "[lua]") {
    Sandbox sandbox("tessera.test", Limits{.instructions = 100'000});
    const CallResult result = run_chunk(sandbox, R"(
        local caught = 0
        while true do
          local ok = pcall(function() while true do end end)
          if not ok then caught = caught + 1 end
        end)");
    CHECK(result.failure == Failure::Budget);
    CHECK(result.message == "instruction budget of 100000 exceeded");
    const CallResult handler = run_chunk(
        sandbox, "xpcall(function() while true do end end, function() while true do end end)");
    CHECK(handler.failure == Failure::Budget);
}

TEST_CASE("lua sandbox: a call nested in another spends the outer call's budget", "[lua]") {
    Sandbox sandbox("tessera.test", Limits{.instructions = 100'000});
    {
        const Sandbox::HostScope host(sandbox);
        lua_register(sandbox.state(), "call_back", call_back);
    }
    // Each loop runs far past the budget unless the budget stops it.
    const CallResult after = run_chunk(sandbox, R"(
        call_back(function() end)
        for _ = 1, 100000000 do end
        return "ran past the budget")");
    CHECK(after.failure == Failure::Budget);
    CHECK(after.message == "instruction budget of 100000 exceeded");

    // Callbacks do not renew the budget of the call they are made from.
    const CallResult repeated = run_chunk(sandbox, R"(
        for _ = 1, 1000000 do call_back(function() for _ = 1, 10 do end end) end
        return "ran past the budget")");
    CHECK(repeated.failure == Failure::Budget);

    // A callback that spends the budget fails, and so does the call it was made from.
    const CallResult inner = run_chunk(sandbox, R"(
        local ok = call_back(function() while true do end end)
        return "went on after the callback: " .. tostring(ok))");
    CHECK(inner.failure == Failure::Budget);

    // The next call has a budget of its own again.
    CHECK(chunk_value(sandbox, "return tostring(call_back(function() end))") == "true");
}

TEST_CASE("lua sandbox: a budget beyond a hook count still counts every instruction", "[lua]") {
    Sandbox sandbox("tessera.test", Limits{.instructions = 3'000'000'000ull});
    CHECK(chunk_value(sandbox, "local n = 0 for i = 1, 100000 do n = n + 1 end return n") ==
          "100000");
}

TEST_CASE("lua sandbox: a 1 GiB string is stopped by the memory cap", "[lua]") {
    Sandbox sandbox("tessera.test");
    const std::size_t before = sandbox.memory_used();
    const CallResult result = run_chunk(sandbox, "local s = string.rep('x', 1 << 30) return #s");
    CHECK(result.failure == Failure::Memory);
    CHECK(result.message == "out of memory (limit 64 MiB)");
    CHECK(sandbox.memory_used() < sandbox.limits().memory);

    // The state is still usable, and its memory is back where it was.
    CHECK(chunk_value(sandbox, "return ('ok'):rep(2)") == "okok");
    sandbox.collect_garbage();
    CHECK(sandbox.memory_used() <= before + 4096);
}

TEST_CASE("lua sandbox: library loops in C that the budget cannot see are bounded", "[lua]") {
    Sandbox sandbox("tessera.test", Limits{.instructions = 100'000});
    // Without the bound these run for years: an empty string copied 2^62 times, a move of 2^53
    // slots.
    CHECK(chunk_value(sandbox,
                      "return #string.rep('', math.maxinteger) .. ':' .. ('ab'):rep(2, '-')") ==
          "0:ab-ab");
    CHECK(chunk_value(sandbox, "return #(''):rep(1 << 62, '')") == "0");
    const CallResult moved = run_chunk(sandbox, "table.move({}, 1, 1 << 53, 1)");
    CHECK(moved.failure == Failure::Error);
    CHECK_THAT(moved.message, Catch::Contains("table.move: more than 16777216 elements"));
    CHECK(chunk_value(sandbox, "return table.concat(table.move({1, 2, 3}, 1, 3, 2), ',')") ==
          "1,1,2,3");
    const CallResult huge = run_chunk(sandbox, "return ('x'):rep(1 << 40, ',')");
    CHECK(huge.failure != Failure::None);  // refused up front (too large or over the memory cap)
}

TEST_CASE("lua sandbox: growing a table step by step hits the cap as well", "[lua]") {
    // pcall inside the plugin sees "not enough memory" without hurting the host.
    Sandbox sandbox("tessera.test", Limits{.memory = 4u << 20});
    CHECK(chunk_value(sandbox, R"(
        local ok, message = pcall(function()
          local t = {}
          for i = 1, 1e9 do t[i] = ('y'):rep(100) .. i end
        end)
        return tostring(ok) .. ' ' .. message)") == "false not enough memory");
    const CallResult grown = run_chunk(sandbox, "t = {} for i = 1, 1e9 do t[i] = i end");
    CHECK(grown.failure == Failure::Memory);
    CHECK(grown.message == "out of memory (limit 4 MiB)");
    CHECK(chunk_value(sandbox, "t = nil return 'ok'") == "ok");
}

TEST_CASE("lua sandbox: the allocator's count is exact and returns to its baseline", "[lua]") {
    Sandbox sandbox("tessera.test");
    lua_State* L = sandbox.state();
    const auto lua_count = [&] {
        return static_cast<std::size_t>(lua_gc(L, LUA_GCCOUNT)) * 1024 +
               static_cast<std::size_t>(lua_gc(L, LUA_GCCOUNTB));
    };
    // Lua keeps its own count of what it asked the allocator for: the two agree to the byte.
    CHECK(sandbox.memory_used() == lua_count());

    sandbox.collect_garbage();
    const std::size_t baseline = sandbox.memory_used();
    REQUIRE(run_chunk(sandbox, "big = {} for i = 1, 100000 do big[i] = 'item ' .. i end").ok());
    CHECK(sandbox.memory_used() > baseline + 2'000'000);
    CHECK(sandbox.memory_used() == lua_count());
    const double reported =
        std::stod(chunk_value(sandbox, "return collectgarbage('count') * 1024"));
    CHECK(std::abs(reported - static_cast<double>(sandbox.memory_used())) < 4096);

    REQUIRE(run_chunk(sandbox, "big = nil").ok());
    // Each cycle halves the interned-string table 100000 strings made grow.
    for (int i = 0; i < 16; ++i) sandbox.collect_garbage();
    CHECK(sandbox.memory_used() == lua_count());
    CHECK(sandbox.memory_used() <= baseline + 4096);  // the global "big" keeps its slot
}

TEST_CASE("lua sandbox: a state that cannot start within its cap is refused", "[lua]") {
    CHECK_THROWS_WITH(
        Sandbox("tessera.tiny", Limits{.memory = 256}),
        "tessera.tiny: cannot create a Lua state within the memory limit of 256 bytes");
}

TEST_CASE("lua sandbox: require resolves only tessera.* modules the host registers", "[lua]") {
    Sandbox sandbox("tessera.test");
    sandbox.add_module("tessera.test", open_test_module);
    CHECK(chunk_value(sandbox, "return require('tessera.test').answer") == "42");
    CHECK(chunk_value(sandbox, "return require('tessera.test') == require('tessera.test')") ==
          "true");
    CHECK_THAT(run_chunk(sandbox, "return require 'tessera.missing'").message,
               Contains("module 'tessera.missing' not found"));
    CHECK_THAT(run_chunk(sandbox, "return require 'string'").message,
               Contains("only tessera.* modules"));
    CHECK_THROWS_AS(sandbox.add_module("io", open_test_module), Error);
}

TEST_CASE("lua sandbox: print goes to the host's log", "[lua]") {
    Sandbox sandbox("tessera.test");
    std::vector<std::string> lines;
    sandbox.set_log([&](std::string_view line) { lines.emplace_back(line); });
    REQUIRE(run_chunk(sandbox, "print('hello', 1, nil, true)").ok());
    CHECK(lines == std::vector<std::string>{"hello\t1\tnil\ttrue"});
}

TEST_CASE("lua sandbox: errors that are not strings still explain themselves", "[lua]") {
    Sandbox sandbox("tessera.test");
    CHECK(run_chunk(sandbox, "error({ code = 1 })").message == "(error object is a table value)");
    CHECK_THAT(run_chunk(sandbox, "error('bad value')").message, Equals("test.lua:1: bad value"));
    CHECK(run_chunk(sandbox,
                    "error(setmetatable({}, { __tostring = function() while true do end end }))")
              .message == "(error object is a table value)");
}
