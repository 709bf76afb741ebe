// Lua patterns with a step budget (lua/lua_patterns.hpp): the replacements of
// string.find, match, gmatch and gsub give the stock library's results and
// error messages, case by case and on thousands of random patterns, and a
// backtracking pattern that would run for hours stops at the first tick that
// raises.

#include <catch2/catch.hpp>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "lua/lua_patterns.hpp"

namespace {

using tessera::lua::open_bounded_patterns;

// Helpers loaded into both states: ser() turns any results into text (count,
// types, values), collect() runs a gmatch iterator to its end, check() runs
// every function on one (subject, pattern, init).
constexpr const char* kPrelude = R"lua(
function ser(...)
  local t = {select('#', ...)}
  for k = 1, select('#', ...) do
    local v = select(k, ...)
    local ty = type(v)
    if ty == 'string' then t[#t + 1] = string.format('%q', v)
    elseif ty == 'number' then t[#t + 1] = math.type(v) .. ' ' .. tostring(v)
    elseif ty == 'table' then t[#t + 1] = 'table'
    else t[#t + 1] = ty .. ' ' .. tostring(v) end
  end
  return table.concat(t, ', ')
end
function collect(it)
  local out = {}
  for _ = 1, 40 do
    local r = table.pack(it())
    out[#out + 1] = ser(table.unpack(r, 1, r.n))
    if r.n == 0 or r[1] == nil then break end
  end
  return table.concat(out, '; ')
end
local function gm(s, p, i) return collect(string.gmatch(s, p, i)) end
local function count_args(...)
  local r = table.pack(...)
  return r.n .. ':' .. tostring(r[1]) .. ':' .. tostring(r[r.n])
end
function check(s, p, i)
  local out = {}
  local function add(...) out[#out + 1] = ser(...) end
  add(pcall(string.find, s, p, i))
  add(pcall(string.find, s, p, i, true))
  add(pcall(string.match, s, p, i))
  add(pcall(gm, s, p, i))
  add(pcall(string.gsub, s, p, '<%0>'))
  add(pcall(string.gsub, s, p, '%1', 2))
  add(pcall(string.gsub, s, p, {a = 'A', b = false, [2] = 'two'}))
  add(pcall(string.gsub, s, p, count_args))
  return table.concat(out, '\n')
end
local bytes = {}
for b = 0, 255 do bytes[#bytes + 1] = string.char(b) end
ALL = table.concat(bytes)
)lua";

int g_ticks = 0;
int g_tick_limit = 1 << 30;

void counting_tick(lua_State* L) {
    if (++g_ticks <= g_tick_limit) return;
    lua_pushliteral(L, "tick limit");  // no position: the test sees the value unchanged
    lua_error(L);
}

struct State {
    explicit State(bool bounded) : L(luaL_newstate()) {
        luaL_openlibs(L);
        if (bounded) open_bounded_patterns(L, counting_tick);
        run(kPrelude);
    }
    ~State() { lua_close(L); }
    State(const State&) = delete;
    State& operator=(const State&) = delete;

    void run(const std::string& code) const {
        const bool ok =
            luaL_loadstring(L, code.c_str()) == LUA_OK && lua_pcall(L, 0, 0, 0) == LUA_OK;
        INFO(lua_tostring(L, -1));
        REQUIRE(ok);
    }
    // ser(pcall(function() return <expression> end))
    std::string eval(const std::string& expression) const {
        const std::string code = "return ser(pcall(function() return " + expression + " end))";
        const bool ok =
            luaL_loadstring(L, code.c_str()) == LUA_OK && lua_pcall(L, 0, 1, 0) == LUA_OK;
        std::string text = lua_tostring(L, -1);
        lua_pop(L, 1);
        INFO(expression);
        INFO(text);
        REQUIRE(ok);
        return text;
    }
    // check(s, p, init), init nil when absent.
    std::string check(const std::string& s, const std::string& p, const int* init) const {
        lua_getglobal(L, "check");
        lua_pushlstring(L, s.data(), s.size());
        lua_pushlstring(L, p.data(), p.size());
        if (init != nullptr) {
            lua_pushinteger(L, *init);
        } else {
            lua_pushnil(L);
        }
        const bool ok = lua_pcall(L, 3, 1, 0) == LUA_OK;
        std::string text = lua_tostring(L, -1);
        lua_pop(L, 1);
        INFO(text);
        REQUIRE(ok);
        return text;
    }

    lua_State* L;
};

// Hand-written cases, each a Lua expression; both states must give the same.
const std::vector<std::string>& cases() {
    static const std::vector<std::string> list = [] {
        std::vector<std::string> c = {
            // find: plain, init, negative init, empty pattern, numbers as strings
            R"~(string.find("hello world", "o w"))~",
            R"~(string.find("hello world", "o", 6))~",
            R"~(string.find("hello", "l", -2))~",
            R"~(string.find("hello", "l", -100))~",
            R"~(string.find("hello", "l", math.mininteger))~",
            R"~(string.find("hello", "l", math.maxinteger))~",
            R"~(string.find("hello", "", 10))~",
            R"~(string.find("hello", "", 6))~",
            R"~(string.find("hello", "", 5))~",
            R"~(string.find("hello", "", 0))~",
            R"~(string.find("hello", "", -1))~",
            R"~(string.find("a.b", ".", 1, true))~",
            R"~(string.find("a+b", "+", 1, true))~",
            R"~(string.find("a+b", "a+", 1, true))~",
            R"~(string.find("a+b", "a+", 1, false))~",
            R"~(string.find("a+b", "a+", 1, nil))~",
            R"~(string.find("abc", "b", nil, true))~",
            R"~(string.find("abcabc", "cab", 1, 1))~",
            R"~(string.find("abcabc", "abd", 1, true))~",
            R"~(string.find("aab", "ab"))~",
            R"~(string.find("", ""))~",
            R"~(string.find("", "", 2))~",
            R"~(string.find("", "a"))~",
            R"~(string.find("aaa", "a-", 2))~",
            R"~(string.find("hello world", "(o)(r)"))~",
            R"~(string.find("hello", "()ll()"))~",
            R"~(string.find("x=1, y=2", "(%w+)=(%w+)", 3))~",
            R"~(("hello"):find("l"))~",
            R"~(("hello"):match("(h)(.)"))~",
            R"~(string.find(12345, 3))~",
            R"~(string.find(12345, 3.0))~",
            R"~(string.find("abc", "b", 1.0))~",
            R"~(string.find("abc", "b", 1.5))~",
            R"~(string.find("abc", "b", "2"))~",
            R"~(string.find("abc", "b", "x"))~",
            R"~(string.find(nil, "x"))~",
            R"~(string.find("x"))~",
            R"~(string.find("x", {}))~",
            R"~(("x"):find())~",
            R"~(string.find("a\0b", "\0"))~",
            R"~(string.find("a\0b", "\0b", 1, true))~",
            R"~(string.find("a\0b", "%z"))~",
            R"~(string.find("a\0b", "[\0]"))~",
            R"~(string.find("a\0b", "[%z]"))~",
            R"~(string.find("a\0b", "b", 1, true))~",
            R"~(string.find("a\0b\0", "%f[%z]"))~",
            R"~(string.find("a\0b\0", "\0$"))~",
            // anchors
            R"~(string.find("^abc", "^^a"))~",
            R"~(string.match("abc", "^b"))~",
            R"~(string.match("abc", "c$"))~",
            R"~(string.match("abc$", "c$"))~",
            R"~(string.match("abc$", "c%$"))~",
            R"~(string.match("a$b", "$b"))~",
            R"~(string.match("abc", "b$c"))~",
            R"~(string.match("abc", "^$"))~",
            R"~(string.match("", "^$"))~",
            R"~(string.match("abc", "$"))~",
            R"~(string.match("abc", "^"))~",
            R"~(string.match("a^b", "a^b"))~",
            R"~(string.find("abc", "^b", 2))~",
            R"~(string.find("abc", "^b", -2))~",
            // quantifiers
            R"~(string.match("aaab", "a-b"))~",
            R"~(string.match("aaab", "a*b"))~",
            R"~(string.match("aaab", "a+b"))~",
            R"~(string.match("aaab", "a?b"))~",
            R"~(string.match("b", "a+b"))~",
            R"~(string.match("aaa", "^a-$"))~",
            R"~(string.match("aaa", "^(a-)(a*)$"))~",
            R"~(string.match("aaa", "^(a+)(a+)$"))~",
            R"~(string.match("aaa", "^(a*)(a+)$"))~",
            R"~(string.match("a", "(a?)(a?)a"))~",
            R"~(string.match("aaab", "(.-)b"))~",
            R"~(string.match("aaab", "(.*)b"))~",
            R"~(string.match("aaab", "(.-)"))~",
            R"~(string.match("abcabc", ".-c"))~",
            R"~(string.match("abcabc", ".*c"))~",
            R"~(string.match("xxaby", "[ab]-y"))~",
            R"~(string.match("  x  ", "^%s*(.-)%s*$"))~",
            R"~(string.match("a**", "a**"))~",
            R"~(string.match("a*", "a%*"))~",
            R"~(string.match("++", "+"))~",
            R"~(string.match("a-b", "a%-b"))~",
            R"~(string.match("a?", "a??"))~",
            R"~(string.match("x", "*"))~",
            R"~(string.match("x", "-x"))~",
            R"~(string.match("x", "?x"))~",
            R"~(string.match("(x)*", "(x)*"))~",
            // sets
            R"~(string.gsub("abcdef-xyz", "[a-c]", "."))~",
            R"~(string.gsub("abcdef-xyz", "[^a-c]", "."))~",
            R"~(string.gsub("abc_12 x", "[%a_]", "."))~",
            R"~(string.gsub("a]b[c", "[%]]", "."))~",
            R"~(string.gsub("a]b[c", "[]]", "."))~",
            R"~(string.gsub("a]b[c", "[^]]", "."))~",
            R"~(string.gsub("a]b[c^", "[]^[]", "."))~",
            R"~(string.gsub("a-b", "[a-]", "."))~",
            R"~(string.gsub("a-b", "[-a]", "."))~",
            R"~(string.gsub("a-z", "[a%-z]", "."))~",
            R"~(string.gsub("ab 1\t", "[%w%s]", "."))~",
            R"~(string.gsub("ab 1\t.", "[^%d%s]", "."))~",
            R"~(string.gsub("a\1b\31c\0", "[\1-\31]", "."))~",
            R"~(string.gsub("a\1b\31c\0", "[%z\1-\31]", "."))~",
            R"~(string.gsub("abcde", "[a-c-e]", "."))~",
            R"~(string.gsub("a%b", "[%%]", "."))~",
            R"~(string.gsub("a^b", "[%^]", "."))~",
            R"~(string.gsub("a^b", "[^^]", "."))~",
            R"~(string.gsub("abc", "[c-a]", "."))~",
            R"~(string.gsub("\200\250abc", "[\128-\255]", "."))~",
            R"~(string.find("abc", "[^%]"))~",
            R"~(string.find("abc", "[%"))~",
            R"~(string.find("abc", "[a"))~",
            R"~(string.find("abc", "["))~",
            R"~(string.find("abc", "[^"))~",
            R"~(string.find("abc", "[]"))~",
            R"~(string.find("abc", "[^]"))~",
            R"~(string.find("abc", "x["))~",
            R"~(string.find("xbc", "x["))~",
            // %b
            R"~(string.match("f(a(b)c)d", "%b()"))~",
            R"~(string.match("f(a(b)c", "%b()"))~",
            R"~(string.match("f)a(b", "%b)("))~",
            R"~(string.match("a|b|c", "%b||"))~",
            R"~(string.match("x", "%b"))~",
            R"~(string.match("x", "%b("))~",
            R"~(string.match("x", "%b()"))~",
            R"~(string.match("((x)", "%b()"))~",
            R"~(string.gsub("f(a) g(b(c))", "%b()", "[]"))~",
            R"~(string.match("x()", "x%b()*"))~",
            // %f
            R"~(string.gsub("THE (quick) fox", "%f[%a]%a+", "W"))~",
            R"~(string.gsub("hello world", "%f[%w]%w+", "W"))~",
            R"~(string.gsub("hello world", "%f[%W]", "|"))~",
            R"~(string.find("THE (quick) fox", "%f[%a]%a+%f[%A]"))~",
            R"~(string.find("x", "%f"))~",
            R"~(string.find("x", "%fa"))~",
            R"~(string.find("x", "%f[a"))~",
            R"~(string.find("abc", "%f[\0]"))~",
            R"~(string.find("abc", "%f[^\0]"))~",
            R"~(string.find("", "%f[^\0]"))~",
            // back-references
            R"~(string.match('say "hi" ok', "([\"'])(.-)%1"))~",
            R"~(string.match("aa", "(a)%1"))~",
            R"~(string.match("abab", "(ab)%1"))~",
            R"~(string.match("abba", "(.)(.)%2%1"))~",
            R"~(string.match("aa", "%1"))~",
            R"~(string.match("aa", "(a%1)"))~",
            R"~(string.match("aa", "()%1"))~",
            R"~(string.match("aa", "%0"))~",
            R"~(string.match("aa", "(a)%2"))~",
            R"~(string.match("bb", "a%1"))~",
            R"~(string.match("xyz", "(x)(y)(z)%3%2%1"))~",
            R"~(string.match("xyzzyx", "(x)(y)(z)%3%2%1"))~",
            // captures and their errors
            R"~(string.find("abc", "("))~",
            R"~(string.find("abc", "x("))~",
            R"~(string.find("xbc", "x("))~",
            R"~(string.find("abc", ")"))~",
            R"~(string.find("abc", "(()"))~",
            R"~(string.find("abc", "((a)"))~",
            R"~(string.find("abc", "a)"))~",
            R"~(string.match("abc", "(a)(b))"))~",
            R"~(string.find("abc", "%"))~",
            R"~(string.find("b", "a%"))~",
            R"~(string.find("a", "a%"))~",
            R"~(string.match(string.rep("a", 40), string.rep("(a)", 32)))~",
            R"~(string.match(string.rep("a", 40), string.rep("(a)", 33)))~",
            R"~(string.match("a", string.rep("(", 32) .. "a" .. string.rep(")", 32)))~",
            R"~(string.match("a", string.rep("(", 33) .. "a" .. string.rep(")", 33)))~",
            R"~(string.match("a", string.rep("()", 32)))~",
            R"~(string.match("a", string.rep("()", 33)))~",
            R"~(string.match("abc", "()a()b()"))~",
            R"~(string.match("abc", "(a(b)c)"))~",
            R"~(string.match("abc", "((a)(b)(c))"))~",
            // pattern too complex: the stock limit of 200 nested calls
            R"~(string.find(string.rep("a", 300), string.rep("a?", 197)))~",
            R"~(string.find(string.rep("a", 300), string.rep("a?", 198)))~",
            R"~(string.find(string.rep("a", 300), string.rep("a?", 199)))~",
            R"~(string.find(string.rep("a", 300), string.rep("a?", 200)))~",
            R"~(string.find(string.rep("a", 300), string.rep("a?", 201)))~",
            R"~(string.find(string.rep("a", 300), string.rep("a?", 5000)))~",
            R"~(string.find(string.rep("a", 300), string.rep("a*", 250)))~",
            R"~(string.find(string.rep("a", 300), string.rep("a-", 250)))~",
            R"~(string.find(string.rep("a", 120), string.rep("(a)", 32) .. string.rep("a?", 100)))~",
            R"~(string.find(string.rep("a", 120), string.rep("(a)", 32) .. string.rep("a?", 200)))~",
            R"~(string.find(string.rep("a", 200), "b" .. string.rep("a?", 300)))~",
            // gsub
            R"~(string.gsub("hello world", "o", "0"))~",
            R"~(string.gsub("hello world", "o", "0", 1))~",
            R"~(string.gsub("hello world", "o", "0", 0))~",
            R"~(string.gsub("hello world", "o", "0", -1))~",
            R"~(string.gsub("hello world", "o", "0", 1.0))~",
            R"~(string.gsub("hello world", "o", "0", 1.5))~",
            R"~(string.gsub("hello world", "(o)", "[%1%1]"))~",
            R"~(string.gsub("hello world", "o", "%0%0"))~",
            R"~(string.gsub("hello world", "o", "%%"))~",
            R"~(string.gsub("hello world", "o", "%"))~",
            R"~(string.gsub("hello world", "o", "a%"))~",
            R"~(string.gsub("hello world", "o", "%x"))~",
            R"~(string.gsub("hello world", "o", "%2"))~",
            R"~(string.gsub("hello world", "(o)", "%2"))~",
            R"~(string.gsub("hello world", "o", "%1"))~",
            R"~(string.gsub("hello world", "()o", "%1"))~",
            R"~(string.gsub("hello world", "()o()", "%2-%1"))~",
            R"~(string.gsub("hello world", "x", "%"))~",
            R"~(string.gsub("hello", "", "-"))~",
            R"~(string.gsub("hello", ".-", "-"))~",
            R"~(string.gsub("abc", "%w*", "x"))~",
            R"~(string.gsub("abc", "b*", "-"))~",
            R"~(string.gsub("abc", "x*", "-"))~",
            R"~(string.gsub("", "", "-"))~",
            R"~(string.gsub("", "x", "-"))~",
            R"~(string.gsub("hello world", "%w+", {hello = "HI", world = false}))~",
            R"~(string.gsub("hello world", "%w+", {hello = 1}))~",
            R"~(string.gsub("hello world", "%w+", {hello = 1.5}))~",
            R"~(string.gsub("hello world", "%w+", {hello = {}}))~",
            R"~(string.gsub("hello world", "%w+", {hello = true}))~",
            R"~(string.gsub("hello world", "()o", {[5] = "five"}))~",
            R"~(string.gsub("hello world", "(%w+)", function(w) return w:upper() end))~",
            R"~(string.gsub("hello world", "%w+", function() end))~",
            R"~(string.gsub("hello world", "%w+", function() return false end))~",
            R"~(string.gsub("hello world", "%w+", function() return true end))~",
            R"~(string.gsub("hello world", "(%w)(%w)", function(a, b) return b .. a end))~",
            R"~(string.gsub("hello world", "%w+", function() error("boom") end))~",
            R"~(string.gsub("hello world", "%w+", function() error({}) end))~",
            R"~(string.gsub("k=v, a=b", "(%w+)=(%w+)", "%2=%1"))~",
            R"~(string.gsub("abc", "b", 5))~",
            R"~(string.gsub("abc", "b", 1.5))~",
            R"~(string.gsub("abc", "b"))~",
            R"~(string.gsub("abc", "b", true))~",
            R"~(string.gsub("abc", "b", "x", "2"))~",
            R"~(string.gsub("abc", "b", "x", "y"))~",
            R"~(string.gsub("abc", "b", nil, "y"))~",
            R"~(string.gsub("abc", "(", "x"))~",
            R"~(string.gsub("abc", "(", "%0"))~",
            R"~(string.gsub("abc", "(", "%1"))~",
            R"~(string.gsub("abc", "(", {}))~",
            R"~(string.gsub("abc", "(", function() end))~",
            R"~(string.gsub("abc", "%", "x"))~",
            R"~(string.gsub("xyz", "a%", "x"))~",
            R"~(string.gsub("hello", "l+", function(x) return #x end))~",
            R"~(string.gsub("abc", "%w", "%0%0", 2))~",
            R"~(string.gsub("a b c", " ", "", nil))~",
            R"~(string.gsub("hello world", "o", setmetatable({}, {__index = function(_, k) return k:upper() end})))~",
            R"~(string.gsub("hello", "^h", "H"))~",
            R"~(string.gsub("hello", "^", ">"))~",
            R"~(string.gsub("hello", "$", "<"))~",
            R"~(string.gsub("hello", "^l", "L"))~",
            R"~(string.gsub("hello", "^(h)(e)", "%2%1"))~",
            R"~(string.gsub("abc", "", "-", 2))~",
            R"~(string.gsub("a.b.c", "%.", "/"))~",
            R"~(string.gsub("a.b.c", ".", {a = 1}))~",
            R"~(string.gsub(123, 2, 9))~",
            R"~(string.gsub(string.rep("ab", 100), string.rep("a.", 30), "x"))~",
            R"~(string.gsub(string.rep("ab", 100), "(" .. string.rep("a.", 30) .. ")", "%1"))~",
            R"~(string.match(string.rep("ab", 100), string.rep("[ab]", 60) .. "$"))~",
            R"~(collect(string.gmatch(string.rep("ab", 100), string.rep("a.", 30))))~",
            // gmatch
            R"~(collect(string.gmatch("hello world from lua", "%a+")))~",
            R"~(collect(string.gmatch("k=v, a=b", "(%w+)=(%w+)")))~",
            R"~(collect(string.gmatch("abc", "")))~",
            R"~(collect(string.gmatch("abc", ".-")))~",
            R"~(collect(string.gmatch("abc", "b*")))~",
            R"~(collect(string.gmatch("abc", "()")))~",
            R"~(collect(string.gmatch("hello", "l", 4)))~",
            R"~(collect(string.gmatch("hello", "l", -2)))~",
            R"~(collect(string.gmatch("hello", "l", 0)))~",
            R"~(collect(string.gmatch("hello", "", 10)))~",
            R"~(collect(string.gmatch("hello", "", 6)))~",
            R"~(collect(string.gmatch("hello", "", 5)))~",
            R"~(collect(string.gmatch("^a^a", "^a")))~",
            R"~(collect(string.gmatch("a^a", "^")))~",
            R"~(collect(string.gmatch("abc", "%")))~",
            R"~(collect(string.gmatch("abc", "(")))~",
            R"~(collect(string.gmatch("abc", "x%")))~",
            R"~(collect(string.gmatch("a,b,,c", "([^,]*)")))~",
            R"~(collect(string.gmatch("a.png b.png", "(%w+)%.png")))~",
            R"~(collect(string.gmatch("abc$", "$")))~",
            R"~(collect(string.gmatch("abc", "c$")))~",
            R"~(string.gmatch(nil, "x"))~",
            R"~(string.gmatch("x"))~",
            R"~(string.gmatch("x", "x", 1.5))~",
            R"~(collect(string.gmatch(12345, 3)))~",
            // match
            R"~(string.match("hello", "(h)(e)(l)(l)(o)"))~",
            R"~(string.match("hello", "()"))~",
            R"~(string.match("hello", "()", 3))~",
            R"~(string.match("hello", "()", 10))~",
            R"~(string.match("  key = value  ", "^%s*(%w+)%s*=%s*(%w+)%s*$"))~",
            R"~(string.match("width = 1024", "^(%w+)%s*=%s*(%d+)$"))~",
            R"~(string.match("2024-01-05", "(%d+)-(%d+)-(%d+)"))~",
            R"~(string.match("[[x]]", "%[%[(.-)%]%]"))~",
            R"~(string.match("abc", ".", -1))~",
            R"~(string.match("THE (quick) fox", "%((%a+)%)"))~",
            R"~(string.match("image.PNG", "%.png$"))~",
            R"~(string.match("image.png", "%.png$"))~",
            R"~(string.match("a.png.png", "%.png$"))~",
            R"~(string.match())~",
        };
        // Every class escape, inside and outside sets, over all 256 bytes.
        for (const char cls : std::string("acdglpsuwxACDGLPSUWXzZqQ.%]^-")) {
            const std::string escaped = cls == '%' ? "%%%%" : std::string("%%") + cls;
            c.push_back("string.gsub(ALL, \"" + escaped + "\", \"\")");
            c.push_back("string.gsub(ALL, \"[" + escaped + "]\", \"\")");
            c.push_back("string.gsub(ALL, \"[^" + escaped + "]\", \"\")");
            c.push_back("string.gsub(ALL, \"%f[" + escaped + "]\", \"|\")");
        }
        for (int b = 0; b < 256; b += 17) {
            c.push_back("string.find(ALL, string.char(" + std::to_string(b) + "))");
            c.push_back("string.find(ALL, \"[\" .. string.char(" + std::to_string(b) +
                        ") .. \"]\")");
        }
        return c;
    }();
    return list;
}

}  // namespace

TEST_CASE("lua patterns: hand-written cases give the stock library's results and errors",
          "[lua][patterns]") {
    const State stock(false);
    const State bounded(true);
    for (const std::string& expression : cases()) {
        INFO(expression);
        CHECK(bounded.eval(expression) == stock.eval(expression));
    }
}

TEST_CASE("lua patterns: random patterns give the stock library's results and errors",
          "[lua][patterns]") {
    const State stock(false);
    const State bounded(true);
    // Items, quantifiers and fragments of malformed items; subjects from a
    // small alphabet so that matches are frequent.
    const std::vector<std::string> tokens = {
        "a",    "b",     "c",      ".",  "%a", "%d", "%s",    "%w",    "%A",     "[ab]",
        "[^a]", "[a-c]", "[%d%s]", "(",  ")",  "()", "%b()",  "%f[a]", "%f[%w]", "%1",
        "%2",   "^",     "$",      "%",  "[",  "]",  "-",     "*",     "+",      "?",
        " ",    "1",     "%.",     "%(", "%b", "%f", "[%a-]", "[]a]",  "%0",     "\0",
    };
    const std::string alphabet("ab c1()\0", 8);
    std::mt19937 random(20261207);
    int mismatches = 0;
    int compared = 0;
    for (int n = 0; n < 4000; ++n) {
        std::string pattern;
        const int count = static_cast<int>(random() % 7);
        for (int k = 0; k < count; ++k) pattern += tokens[random() % tokens.size()];
        std::string subject;
        const int length = static_cast<int>(random() % 11);
        for (int k = 0; k < length; ++k) subject += alphabet[random() % alphabet.size()];
        const int init = static_cast<int>(random() % 27) - 13;
        const int* init_or_nil = (random() % 3 == 0) ? nullptr : &init;
        const std::string want = stock.check(subject, pattern, init_or_nil);
        const std::string got = bounded.check(subject, pattern, init_or_nil);
        ++compared;
        if (got != want && ++mismatches <= 10) {
            INFO("subject " << subject << " pattern " << pattern << " init "
                            << (init_or_nil ? std::to_string(init) : "nil"));
            CHECK(got == want);
        }
    }
    CHECK(mismatches == 0);
    CHECK(compared == 4000);
}

TEST_CASE("lua patterns: every call ticks, and so does s:find through the string metatable",
          "[lua][patterns]") {
    const State bounded(true);
    g_tick_limit = 1 << 30;
    for (const char* expression :
         {"('abc'):find('b')", "('abc'):find('b', 1, true)", "('abc'):match('b')",
          "('abc'):gsub('b', 'x')", "string.find('abc', 'b')", "string.match('', '')",
          "string.gsub('', '', '')", "string.find('abc', '^b')", "string.find('abc', 'b', 9)",
          "string.match('abc', 'b', 9)", "string.gmatch('abc', 'b')"}) {
        INFO(expression);
        const int before = g_ticks;
        (void)bounded.eval(expression);
        CHECK(g_ticks > before);
    }
    bounded.run("it = ('a b'):gmatch('%a')");
    for (int k = 0; k < 3; ++k) {
        const int before = g_ticks;
        (void)bounded.eval("it()");
        CHECK(g_ticks == before + 1);
    }
}

TEST_CASE("lua patterns: a backtracking pattern on 100 kB stops at the tick that raises",
          "[lua][patterns]") {
    const State bounded(true);
    g_ticks = 0;
    g_tick_limit = 1 << 30;
    // A short match ticks once; a long one at least every kTickSteps steps.
    (void)bounded.eval(R"~(string.find(string.rep("a", 5000), "b"))~");
    REQUIRE(g_ticks >= 5000 / tessera::lua::kTickSteps);

    for (const char* expression : {
             R"~(string.find(string.rep("a", 100000), ".-.-.-.-.-b"))~",
             R"~(string.match(string.rep("a", 100000), ".-.-.-.-.-b"))~",
             R"~(string.gsub(string.rep("a", 100000), ".-.-.-.-.-b", ""))~",
             R"~(collect(string.gmatch(string.rep("a", 100000), ".-.-.-.-.-b")))~",
             R"~(string.find(string.rep("a", 100000), "(.*)%1%1b"))~",
             R"~(string.gsub(string.rep("a", 300000), "", ""))~",
             R"~(string.gsub(string.rep("a", 300000), "x*", "%%"))~",
             R"~(string.find(string.rep("a", 100000), string.rep("a", 50000) .. "b", 1, true))~",
         }) {
        INFO(expression);
        g_ticks = 0;
        g_tick_limit = 100;
        const auto started = std::chrono::steady_clock::now();
        const std::string result = bounded.eval(expression);
        const auto elapsed = std::chrono::steady_clock::now() - started;
        g_tick_limit = 1 << 30;
        CHECK(result == R"~(2, boolean false, "tick limit")~");
        CHECK(g_ticks == 101);
        CHECK(elapsed < std::chrono::seconds(1));
    }
}

TEST_CASE("lua patterns: an error object raised by tick leaves the call unchanged",
          "[lua][patterns]") {
    lua_State* L = luaL_newstate();
    luaL_openlibs(L);
    open_bounded_patterns(L, [](lua_State* state) {
        lua_createtable(state, 0, 1);
        lua_pushinteger(state, 42);
        lua_setfield(state, -2, "marker");
        lua_error(state);
    });
    const int status = luaL_loadstring(L,
                                       "local ok, e = pcall(string.find, 'abc', 'b')\n"
                                       "return not ok and type(e) == 'table' and e.marker == 42");
    REQUIRE(status == LUA_OK);
    REQUIRE(lua_pcall(L, 0, 1, 0) == LUA_OK);
    CHECK(lua_toboolean(L, -1));
    lua_close(L);
}
