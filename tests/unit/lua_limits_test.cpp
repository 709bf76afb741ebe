// The sandbox's wall-clock deadline and its bounded library (lua/sandbox.hpp,
// lua/bounded_library.hpp, lua/metatables.hpp): work that runs in C inside one
// VM instruction, unseen by the instruction budget, ends at the deadline, and
// the library functions that replace Lua's behave like Lua's.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "lua/sandbox.hpp"
#include "support/lua_chunk.hpp"

namespace {

using namespace tessera::lua;
using Catch::Matchers::Contains;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kLimit{300};

using tessera::test::chunk_value;
using tessera::test::run_chunk;

/// Runs `code` in a sandbox with a 300 ms deadline and a budget it cannot
/// spend; checks it fails on the deadline within a few seconds and that the
/// state still works afterwards.
void check_stopped_by_deadline(const std::string& code) {
    Sandbox sandbox("tessera.test", Limits{.instructions = 1'000'000'000, .time = kLimit});
    const auto start = Clock::now();
    const CallResult result = run_chunk(sandbox, code);
    const auto took = Clock::now() - start;
    INFO(code << "\n-> " << result.message);
    CHECK(result.failure == Failure::Time);
    CHECK(result.message == "time limit of 300 ms exceeded");
    CHECK(took < std::chrono::seconds(5));
    CHECK(chunk_value(sandbox, "return 1 + 1") == "2");
}

}  // namespace

TEST_CASE("lua limits: C functions over a proxy with C metamethods end at the deadline", "[lua]") {
    // rawlen(t) answers 0 for any index; rawequal swallows every store: no Lua
    // instruction runs while the library loops over 2^40 elements.
    const std::string proxy = R"(
        local p = setmetatable({}, { __index = rawlen, __newindex = rawequal,
                                     __len = function() return 1 << 40 end })
    )";
    check_stopped_by_deadline(proxy + "return table.concat(p)");
    check_stopped_by_deadline(proxy + "return table.remove(p, 1)");
    check_stopped_by_deadline(proxy + "table.insert(p, 1, 'x')");
    check_stopped_by_deadline(R"(
        local p = setmetatable({}, { __index = rawlen, __newindex = rawequal,
                                     __len = function() return (1 << 31) - 2 end })
        table.sort(p))");
    check_stopped_by_deadline(proxy + "while true do table.move(p, 1, (1 << 24) - 1, 2) end");
    // Plain tables: each call moves 2^24 nils in C, in a loop of few instructions.
    check_stopped_by_deadline("while true do table.move({}, 1, (1 << 24) - 1, 2) end");
}

TEST_CASE("lua limits: work on long strings ends at the deadline", "[lua]") {
    // One instruction each, milliseconds each.
    check_stopped_by_deadline(
        "local s = ('x'):rep(16 << 20) while true do local u = s:upper() end");
    check_stopped_by_deadline(
        "local s = ('x'):rep(16 << 20) while true do local u = s:reverse() end");
    check_stopped_by_deadline(
        "local s = ('x'):rep(16 << 20) while true do local n = utf8.len(s) end");
    check_stopped_by_deadline("local s = ('x'):rep(8 << 20) while true do local t = s .. s end");
    check_stopped_by_deadline(
        "local a = ('x'):rep(16 << 20) local b = a:sub(1, -2) .. 'y' while true do local _ = a < b "
        "end");
    check_stopped_by_deadline(
        "local s = ('x'):rep(16 << 20) while true do local t = string.format('%s', s) end");
}

TEST_CASE("lua limits: pcall cannot swallow the deadline", "[lua]") {
    check_stopped_by_deadline(R"(
        local s = ('x'):rep(16 << 20)
        while true do pcall(function() while true do local u = s:upper() end end) end)");
    check_stopped_by_deadline(R"(
        local s = ('x'):rep(16 << 20)
        while true do
          xpcall(function() while true do local u = s:lower() end end,
                 function() while true do local u = s:lower() end end)
        end)");
}

TEST_CASE("lua limits: a call within its deadline is not stopped", "[lua]") {
    Sandbox sandbox("tessera.test", Limits{.time = kLimit});
    for (int i = 0; i < 5; ++i)
        CHECK(chunk_value(sandbox, "local s = ('x'):rep(1 << 20) return #s:upper()") == "1048576");
}

TEST_CASE("lua limits: weak tables are refused, however the metatable gets __mode", "[lua]") {
    // 40,000 ephemerons chained against the collector's order take it 15 s to
    // collect; the sandbox allows none.
    Sandbox sandbox("tessera.test");
    const char* attempts[] = {
        "setmetatable({}, { __mode = 'k' })",
        "setmetatable({}, { __mode = 'v' })",
        "local mt = {} setmetatable({}, mt) mt.__mode = 'k'",
        "local mt = {} setmetatable({}, mt) rawset(mt, '__mode', 'k')",
        "local mt = { __mode = false } setmetatable({}, mt)",
        // A metatable that has a metatable of its own (a class with inheritance).
        "local base = {} local mt = setmetatable({}, base) setmetatable({}, mt) mt.__mode = 'k'",
        "local base = {} local mt = setmetatable({}, base) setmetatable({}, mt) base.__newindex = "
        "nil mt.__mode = 'k'",
        // Taking the guard away from a metatable, or swapping it.
        "local mt = {} setmetatable({}, mt) setmetatable(mt, nil) mt.__mode = 'k'",
        "local mt = {} setmetatable({}, mt) setmetatable(mt, {}) mt.__mode = 'k'",
        "local mt = {} setmetatable({}, mt) local sink = {} setmetatable(mt, { __newindex = sink "
        "}) "
        "mt.__mode = 'k' assert(rawget(mt, '__mode') == nil) error('__mode went to the sink: ok')",
        "local mt = {} setmetatable({}, mt) setmetatable(mt, { __newindex = function(t, k, v) "
        "rawset(t, k, v) end }) "
        "mt.__mode = 'k'",
    };
    for (const char* code : attempts) {
        const CallResult result = run_chunk(sandbox, code);
        INFO(code << "\n-> " << result.message);
        CHECK(result.failure == Failure::Error);
        CHECK_THAT(result.message,
                   Contains("weak tables (__mode) are not allowed in the sandbox") ||
                       Contains("__mode went to the sink: ok"));
    }
}

TEST_CASE("lua limits: metatables still work as Lua's", "[lua]") {
    Sandbox sandbox("tessera.test");
    // Classes, inheritance declared before and after use, getmetatable identity.
    CHECK(chunk_value(sandbox, R"(
        local Base = {} Base.__index = Base
        function Base:name() return 'base' end
        local Derived = setmetatable({}, { __index = Base }) Derived.__index = Derived
        local d = setmetatable({}, Derived)
        function Derived:extra() return 'extra' end
        assert(getmetatable(d) == Derived)
        assert(getmetatable(Derived).__index == Base)
        assert(getmetatable(Base) == nil)
        Derived.__tostring = function() return 'derived' end
        return d:name() .. ',' .. d:extra() .. ',' .. tostring(d))") == "base,extra,derived");
    CHECK(chunk_value(sandbox, R"(
        local mt = { __metatable = 'locked' }
        local t = setmetatable({}, mt)
        assert(getmetatable(t) == 'locked')
        return select(2, pcall(setmetatable, t, {})))") == "cannot change a protected metatable");
    CHECK(chunk_value(sandbox, R"(
        local Class = {} Class.__index = Class
        local o = setmetatable({}, Class)
        setmetatable(Class, { __index = { inherited = 7 } })   -- inheritance added after use
        Class.later = 8
        return o.inherited + o.later)") == "15");
    CHECK(chunk_value(sandbox,
                      "local t = setmetatable({}, { __newindex = function(t, k, v) rawset(t, k, v "
                      "* 2) end }) "
                      "t.x = 2 return t.x") == "4");
    CHECK(chunk_value(sandbox, "return getmetatable('').__index == string") == "true");
}

TEST_CASE("lua limits: the sandbox's table functions agree with Lua's", "[lua]") {
    // The same script in a plain Lua state and in the sandbox prints the same.
    const std::string script = R"(
        local out = {}
        local function dump(t, n) local parts = {} for i = 1, n do parts[#parts + 1] = tostring(t[i]) end
          out[#out + 1] = table.concat(parts, ' ') end
        local seed = 7
        local function rand(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n + 1 end
        for round = 1, 200 do
          local t, n = {}, rand(30) - 1
          for i = 1, n do t[i] = rand(50) end
          local op = rand(6)
          if op == 1 then table.insert(t, rand(n + 1), 'i') n = n + 1
          elseif op == 2 then if n > 0 then out[#out + 1] = tostring(table.remove(t, rand(n))) n = n - 1 end
          elseif op == 3 then table.insert(t, 'e') n = n + 1
          elseif op == 4 then table.sort(t)
          elseif op == 5 then table.sort(t, function(a, b) return a > b end)
          else local f = rand(n + 1) local e = rand(n + 2) - 1 local to = rand(n + 3)
               table.move(t, f, e, to) n = math.max(n, to + e - f) end
          dump(t, n)
          out[#out + 1] = tostring(select(2, pcall(table.concat, t, ',', 1, n)))
        end
        out[#out + 1] = tostring(table.remove({}))
        out[#out + 1] = table.concat({ 1, 2.5, 'x' }, '-', 2)
        out[#out + 1] = select(2, pcall(table.concat, { 1, {}, 3 }))
        out[#out + 1] = select(2, pcall(table.insert, { 1 }, 5, 'x'))
        out[#out + 1] = select(2, pcall(table.insert, { 1 }, 1, 2, 3))
        out[#out + 1] = select(2, pcall(table.concat, 5))
        local moved = table.move({ 1, 2, 3 }, 1, 3, 3, { 'a', 'b' })
        out[#out + 1] = table.concat(moved, ',')
        local words = { 'pear', 'fig', 'apple', 'kiwi', 'date' }
        table.sort(words) out[#out + 1] = table.concat(words, ',')
        return table.concat(out, '\n'))";
    lua_State* plain = luaL_newstate();
    luaL_openlibs(plain);
    REQUIRE(luaL_loadstring(plain, script.c_str()) == LUA_OK);
    REQUIRE(lua_pcall(plain, 0, 1, 0) == LUA_OK);
    const std::string expected = lua_tostring(plain, -1);
    lua_close(plain);

    Sandbox sandbox("tessera.test");
    std::string got;
    const CallResult result = run_chunk(sandbox, script, &got);
    INFO(result.message);
    REQUIRE(result.ok());
    CHECK(got == expected);
    // Lua 5.4.4 names argument #1 here; the position is argument #2.
    CHECK(chunk_value(sandbox, "return select(2, pcall(table.remove, { 1 }, 5))") ==
          "bad argument #2 to 'table.remove' (position out of bounds)");
    // The heapsort compares in another order than Lua's quicksort.
    CHECK_THAT(chunk_value(sandbox, "return select(2, pcall(table.sort, { 1, 'x', 2 }))"),
               Contains("attempt to compare"));
}

TEST_CASE("lua limits: print keeps 4 KiB of a line", "[lua]") {
    Sandbox sandbox("tessera.test");
    std::string logged;
    sandbox.set_log([&](std::string_view line) { logged = line; });
    CHECK(chunk_value(sandbox, "print(('x'):rep(1 << 20)) return 'ok'") == "ok");
    CHECK(logged.size() < 4200);
    CHECK_THAT(logged, Contains("(1020.0 KiB more)"));
}
