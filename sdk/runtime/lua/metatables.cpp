#include "lua/metatables.hpp"

#include <string>

namespace tessera::lua {
namespace {

// The functions below may raise Lua errors (longjmp): no C++ object with a
// destructor lives across a Lua API call.

// A seal holds, under this key, the metatable it stands in for (false: none).
const char kSealKey = 0;
// The registry holds the seal of tables that had no metatable under this key.
const char kPlainSealKey = 0;

bool is_mode_key(lua_State* L, int index) {
    if (lua_type(L, index) != LUA_TSTRING) return false;
    std::size_t length = 0;
    const char* key = lua_tolstring(L, index, &length);
    return length == 6 && std::char_traits<char>::compare(key, "__mode", 6) == 0;
}

[[noreturn]] void refuse_mode(lua_State* L) {
    luaL_error(L,
               "weak tables (__mode) are not allowed in the sandbox: the collector's work on "
               "them cannot be bounded");
    __builtin_unreachable();
}

// __newindex of a seal: upvalue 1 is the sealed metatable's own __newindex, or nil.
int guard_newindex(lua_State* L) {
    if (is_mode_key(L, 2)) refuse_mode(L);
    switch (lua_type(L, lua_upvalueindex(1))) {
        case LUA_TNIL:
            lua_settop(L, 3);
            lua_rawset(L, 1);
            return 0;
        case LUA_TFUNCTION:
            lua_pushvalue(L, lua_upvalueindex(1));
            lua_insert(L, 1);
            lua_settop(L, 4);
            lua_call(L, 3, 0);
            return 0;
        default:
            lua_pushvalue(L, lua_upvalueindex(1));
            lua_pushvalue(L, 2);
            lua_pushvalue(L, 3);
            lua_settable(L, -3);
            return 0;
    }
}

// True when the table at `index` is a seal.
bool is_seal(lua_State* L, int index) {
    const bool seal = lua_rawgetp(L, index, &kSealKey) != LUA_TNIL;
    lua_pop(L, 1);
    return seal;
}

// Pushes a seal standing in for the metatable at `index` (a copy of it with
// the guard), or the shared seal when `index` is nil.
void push_seal(lua_State* L, int index) {
    index = lua_absindex(L, index);
    if (lua_isnil(L, index)) {
        if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kPlainSealKey) == LUA_TTABLE) return;
        lua_pop(L, 1);
        lua_createtable(L, 0, 2);
        lua_pushnil(L);
        lua_pushcclosure(L, guard_newindex, 1);
        lua_setfield(L, -2, "__newindex");
        lua_pushboolean(L, 0);
        lua_rawsetp(L, -2, &kSealKey);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &kPlainSealKey);
        return;
    }
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, index) != 0) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    lua_getfield(L, -1, "__newindex");  // raw: the copy has no metatable
    lua_pushcclosure(L, guard_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, index);
    lua_rawsetp(L, -2, &kSealKey);
}

// Makes sure the table at `index`, about to become a metatable, is sealed.
void seal(lua_State* L, int index) {
    index = lua_absindex(L, index);
    if (!lua_getmetatable(L, index)) lua_pushnil(L);
    if (lua_istable(L, -1) && is_seal(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    push_seal(L, -1);
    lua_setmetatable(L, index);
    lua_pop(L, 1);
}

// Pushes the metatable the plugin set on the value at `index` (the one a
// seal stands in for); returns false when none.
bool push_plugin_metatable(lua_State* L, int index) {
    if (!lua_getmetatable(L, index)) return false;
    if (lua_rawgetp(L, -1, &kSealKey) == LUA_TNIL) {
        lua_pop(L, 1);
        return true;
    }
    lua_remove(L, -2);
    if (lua_toboolean(L, -1)) return true;
    lua_pop(L, 1);
    return false;
}

// Pushes field __metatable of the table at the top, raw; returns false (and pushes nothing) when
// nil.
bool push_protection(lua_State* L) {
    lua_pushliteral(L, "__metatable");
    if (lua_rawget(L, -2) != LUA_TNIL) return true;
    lua_pop(L, 1);
    return false;
}

int sandbox_getmetatable(lua_State* L) {
    luaL_checkany(L, 1);
    lua_settop(L, 1);
    if (!push_plugin_metatable(L, 1)) return 0;
    push_protection(L);
    return 1;
}

int sandbox_setmetatable(lua_State* L) {
    const int type = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table");
    lua_settop(L, 2);
    bool sealed = false;
    if (lua_getmetatable(L, 1)) {
        sealed = is_seal(L, -1);
        lua_pop(L, 1);
    }
    if (push_plugin_metatable(L, 1) && push_protection(L))
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    if (type == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in the sandbox");
        lua_pushliteral(L, "__mode");
        if (lua_rawget(L, 2) != LUA_TNIL) refuse_mode(L);
        lua_settop(L, 2);
        seal(L, 2);
    }
    // A table that is itself a metatable stays sealed whatever its metatable becomes.
    if (sealed)
        push_seal(L, 2);
    else
        lua_pushvalue(L, 2);
    lua_setmetatable(L, 1);
    lua_settop(L, 1);
    return 1;
}

int sandbox_rawset(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (is_mode_key(L, 2)) refuse_mode(L);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

}  // namespace

void open_metatable_guard(lua_State* L) {
    lua_pushglobaltable(L);
    lua_pushcfunction(L, sandbox_setmetatable);
    lua_setfield(L, -2, "setmetatable");
    lua_pushcfunction(L, sandbox_getmetatable);
    lua_setfield(L, -2, "getmetatable");
    lua_pushcfunction(L, sandbox_rawset);
    lua_setfield(L, -2, "rawset");
    lua_pop(L, 1);
}

}  // namespace tessera::lua
