// libFuzzer target for the bounded Lua pattern functions (lua/lua_patterns.hpp):
// any pattern against any subject, through find, match, gmatch and gsub, must
// give a result or a Lua error, never crash, and stop once the tick raises.
// Input: pattern, a zero byte, subject (no zero byte: the whole input is the
// pattern and the subject is the pattern too).

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "lua/lua_patterns.hpp"

namespace {

// Each call may take this many ticks (about 1024 matching steps each).
constexpr int kTicksPerCall = 64;
int g_ticks = 0;

void tick(lua_State* L) {
    if (++g_ticks <= kTicksPerCall) return;
    lua_pushliteral(L, "fuzz: step limit");
    lua_error(L);
}

constexpr const char* kCalls = R"lua(
local s, p = ...
local function replace(...) return select('#', ...) end
local calls = {
  function() return string.find(s, p) end,
  function() return string.find(s, p, -3) end,
  function() return string.find(s, p, 1, true) end,
  function() return string.match(s, p) end,
  function() return string.match(s, p, 2) end,
  function() return string.gsub(s, p, '<%0%1>') end,
  function() return string.gsub(s, p, {}) end,
  function() return string.gsub(s, p, replace, 3) end,
  function()
    local n = 0
    for _ in string.gmatch(s, p) do n = n + 1; if n > 64 then break end end
  end,
}
for _, call in ipairs(calls) do
  reset()
  pcall(call)
end
)lua";

int reset(lua_State*) {
    g_ticks = 0;
    return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static lua_State* L = [] {
        lua_State* state = luaL_newstate();
        luaL_openlibs(state);
        tessera::lua::open_bounded_patterns(state, tick);
        lua_register(state, "reset", reset);
        return state;
    }();
    const char* text = reinterpret_cast<const char*>(data);
    const void* zero = std::memchr(data, 0, size);
    const size_t pattern_size =
        zero ? static_cast<size_t>(static_cast<const uint8_t*>(zero) - data) : size;
    if (luaL_loadstring(L, kCalls) != LUA_OK) __builtin_trap();
    lua_pushlstring(L, text, pattern_size);
    if (zero != nullptr) {
        lua_pushlstring(L, text + pattern_size + 1, size - pattern_size - 1);
    } else {
        lua_pushvalue(L, -1);
    }
    // The chunk catches every error of the calls; anything else is a bug.
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) __builtin_trap();
    lua_settop(L, 0);
    lua_gc(L, LUA_GCSTEP, 0);
    return 0;
}
