#include "lua/bounded_library.hpp"

#include <climits>

#include "lua/lua_patterns.hpp"
#include "lua/sandbox.hpp"

namespace tessera::lua {
namespace {

// The functions below may raise Lua errors (longjmp): no C++ object with a
// destructor lives across a Lua API call.

// How many elements a loop handles between two checks of the deadline.
constexpr lua_Integer kCheckEvery = 256;

// A library function (upvalue 1, a C function without upvalues of its own),
// called after a check of the deadline. Calling it directly, on the same
// stack, costs a few nanoseconds where lua_call would cost a call frame.
int checked(lua_State* L) {
    Sandbox::check_time(L);
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

// string.rep("", n) copies nothing n times: no memory for the cap to refuse
// and no instruction for the budget to count, so n = 2^62 would never end.
// Anything longer is allocated up front, where the memory cap applies.
int rep(lua_State* L) {
    Sandbox::check_time(L);
    std::size_t length = 0, separator = 0;
    luaL_checklstring(L, 1, &length);
    const lua_Integer count = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &separator);
    if (count <= 0 || length + separator == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

// Checks the deadline every kCheckEvery steps of a loop.
void tick(lua_State* L, lua_Integer step) {
    if (step % kCheckEvery == 0) Sandbox::check_time(L);
}

// The argument must be a table, or behave like one for `what` (read, write, length).
void check_table(lua_State* L, int arg, bool write) {
    if (lua_type(L, arg) == LUA_TTABLE) return;
    bool ok = lua_getmetatable(L, arg) != 0;
    if (ok) {
        ok = lua_getfield(L, -1, "__index") != LUA_TNIL;
        ok = (lua_getfield(L, -2, "__newindex") != LUA_TNIL || !write) && ok;
        ok = lua_getfield(L, -3, "__len") != LUA_TNIL && ok;
        lua_pop(L, 4);
    }
    if (!ok) luaL_checktype(L, arg, LUA_TTABLE);  // raises "table expected"
}

lua_Integer length_of(lua_State* L, int arg, bool write) {
    check_table(L, arg, write);
    return luaL_len(L, arg);
}

// table.concat(list [, sep [, i [, j]]])
int concat(lua_State* L) {
    Sandbox::check_time(L);
    const lua_Integer last_default = length_of(L, 1, false);
    std::size_t separator_length = 0;
    const char* separator = luaL_optlstring(L, 2, "", &separator_length);
    lua_Integer i = luaL_optinteger(L, 3, 1);
    const lua_Integer last = luaL_optinteger(L, 4, last_default);
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    for (lua_Integer step = 1; i <= last; ++step) {
        tick(L, step);
        lua_geti(L, 1, i);
        if (!lua_isstring(L, -1))
            luaL_error(L, "invalid value (%s) at index %I in table for 'concat'",
                       luaL_typename(L, -1), i);
        luaL_addvalue(&buffer);
        if (i == last) break;  // also ends the loop when last is maxinteger
        luaL_addlstring(&buffer, separator, separator_length);
        ++i;
    }
    luaL_pushresult(&buffer);
    return 1;
}

// table.insert(list, [pos,] value)
int insert(lua_State* L) {
    Sandbox::check_time(L);
    const lua_Integer end = length_of(L, 1, true) + 1;  // first empty slot
    lua_Integer position = end;
    switch (lua_gettop(L)) {
        case 2:
            break;
        case 3: {
            position = luaL_checkinteger(L, 2);
            // pos - 1 in [0, end): unsigned, so that a negative pos is refused too
            luaL_argcheck(L,
                          static_cast<lua_Unsigned>(position) - 1u < static_cast<lua_Unsigned>(end),
                          2, "position out of bounds");
            for (lua_Integer i = end; i > position; --i) {
                tick(L, end - i + 1);
                lua_geti(L, 1, i - 1);
                lua_seti(L, 1, i);
            }
            break;
        }
        default:
            return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, position);
    return 0;
}

// table.remove(list [, pos])
int remove(lua_State* L) {
    Sandbox::check_time(L);
    const lua_Integer size = length_of(L, 1, true);
    lua_Integer position = luaL_optinteger(L, 2, size);
    if (position != size)
        luaL_argcheck(L,
                      static_cast<lua_Unsigned>(position) - 1u <= static_cast<lua_Unsigned>(size),
                      2, "position out of bounds");
    lua_geti(L, 1, position);
    for (lua_Integer step = 1; position < size; ++position, ++step) {
        tick(L, step);
        lua_geti(L, 1, position + 1);
        lua_seti(L, 1, position);
    }
    lua_pushnil(L);
    lua_seti(L, 1, position);
    return 1;
}

// table.move(a1, f, e, t [, a2])
int move(lua_State* L) {
    Sandbox::check_time(L);
    constexpr lua_Integer kMaxMove = lua_Integer{1} << 24;
    const lua_Integer first = luaL_checkinteger(L, 2);
    const lua_Integer last = luaL_checkinteger(L, 3);
    const lua_Integer to = luaL_checkinteger(L, 4);
    const int target = lua_isnoneornil(L, 5) ? 1 : 5;
    check_table(L, 1, false);
    check_table(L, target, true);
    if (last >= first) {
        luaL_argcheck(L, first > 0 || last < LUA_MAXINTEGER + first, 3,
                      "too many elements to move");
        const lua_Integer count = last - first;  // one less than the number of elements
        if (count >= kMaxMove)
            return luaL_error(
                L, "table.move: more than %d elements at once is not allowed in the sandbox",
                static_cast<int>(kMaxMove));
        luaL_argcheck(L, to <= LUA_MAXINTEGER - count, 4, "destination wrap around");
        if (to > last || to <= first || (target != 1 && !lua_compare(L, 1, target, LUA_OPEQ))) {
            for (lua_Integer i = 0; i <= count; ++i) {
                tick(L, i + 1);
                lua_geti(L, 1, first + i);
                lua_seti(L, target, to + i);
            }
        } else {
            for (lua_Integer i = count; i >= 0; --i) {
                tick(L, count - i + 1);
                lua_geti(L, 1, first + i);
                lua_seti(L, target, to + i);
            }
        }
    }
    lua_pushvalue(L, target);
    return 1;
}

// --- table.sort: a heapsort, O(n log n) whatever the input and comparator ----

struct Sort {
    lua_State* L;
    bool has_comparator;  // the comparator is argument 2
    lua_Integer comparisons = 0;

    // a[i] < a[j], the elements pushed at -2 (a[i]) and -1 (a[j]); pops both.
    bool less() {
        tick(L, ++comparisons);
        bool result = false;
        if (has_comparator) {
            lua_pushvalue(L, 2);
            lua_insert(L, -3);
            lua_call(L, 2, 1);
            result = lua_toboolean(L, -1) != 0;
            lua_pop(L, 1);
        } else {
            result = lua_compare(L, -2, -1, LUA_OPLT) != 0;
            lua_pop(L, 2);
        }
        return result;
    }
    bool less_at(lua_Integer i, lua_Integer j) {
        lua_geti(L, 1, i);
        lua_geti(L, 1, j);
        return less();
    }
    void swap(lua_Integer i, lua_Integer j) {
        lua_geti(L, 1, i);
        lua_geti(L, 1, j);
        lua_seti(L, 1, i);
        lua_seti(L, 1, j);
    }
    // Moves element `root` down the heap of elements 1..size (1-based, max-heap).
    void sift_down(lua_Integer root, lua_Integer size) {
        while (root <= size / 2) {
            lua_Integer child = 2 * root;
            if (child < size && less_at(child, child + 1)) ++child;
            if (!less_at(root, child)) return;
            swap(root, child);
            root = child;
        }
    }
};

// table.sort(list [, comp])
int sort(lua_State* L) {
    Sandbox::check_time(L);
    const lua_Integer size = length_of(L, 1, true);
    if (size <= 1) return 0;
    luaL_argcheck(L, size < INT_MAX, 1, "array too big");
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
    Sort sort{L, !lua_isnoneornil(L, 2)};
    lua_settop(L, 2);
    for (lua_Integer root = size / 2; root >= 1; --root) sort.sift_down(root, size);
    for (lua_Integer end = size; end > 1; --end) {
        sort.swap(1, end);
        sort.sift_down(1, end - 1);
    }
    return 0;
}

// Replaces field `name` of the table at the top by `function`, with the
// current value as its upvalue 1 when `wrap` (a library function to call).
void replace(lua_State* L, const char* name, lua_CFunction function, bool wrap) {
    if (wrap) {
        lua_getfield(L, -1, name);
        lua_pushcclosure(L, function, 1);
    } else {
        lua_pushcfunction(L, function);
    }
    lua_setfield(L, -2, name);
}

// Wraps every C function without upvalues in the table at the top in `checked`.
void check_on_entry(lua_State* L) {
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        bool plain = lua_type(L, -2) == LUA_TSTRING && lua_iscfunction(L, -1);
        if (plain && lua_getupvalue(L, -1, 1) != nullptr) {
            lua_pop(L, 1);  // the upvalue
            plain = false;  // a closure of our own (xpcall): it calls Lua, which is timed
        }
        if (plain) {
            lua_pushvalue(L, -2);  // key
            lua_pushvalue(L, -2);  // function
            lua_pushcclosure(L, checked, 1);
            lua_rawset(L, -5);  // assigning to an existing field is allowed during lua_next
        }
        lua_pop(L, 1);
    }
}

}  // namespace

void bound_library(lua_State* L) {
    open_bounded_patterns(L, &Sandbox::check_time);
    lua_pushglobaltable(L);
    check_on_entry(L);
    lua_pop(L, 1);
    // math's functions take constant time.
    for (const char* library : {LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_UTF8LIBNAME}) {
        lua_getglobal(L, library);
        check_on_entry(L);
        lua_pop(L, 1);
    }
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_getfield(L, -1, "rep");
    lua_getupvalue(L, -1, 1);  // the library's rep, inside `checked`
    lua_pushcclosure(L, rep, 1);
    lua_setfield(L, -3, "rep");
    lua_pop(L, 2);

    lua_getglobal(L, LUA_TABLIBNAME);
    replace(L, "concat", concat, false);
    replace(L, "insert", insert, false);
    replace(L, "remove", remove, false);
    replace(L, "move", move, false);
    replace(L, "sort", sort, false);
    lua_pop(L, 1);
}

}  // namespace tessera::lua
