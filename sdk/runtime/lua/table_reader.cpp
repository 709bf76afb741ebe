#include "lua/table_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "lua/sandbox.hpp"

namespace tessera::lua {
namespace {

std::string describe(lua_State* L, int index) {
    switch (lua_type(L, index)) {
        case LUA_TSTRING: {
            std::size_t length = 0;
            const char* text = lua_tolstring(L, index, &length);
            std::string shown(text, std::min<std::size_t>(length, 40));
            return "\"" + shown + (length > 40 ? "...\"" : "\"");
        }
        case LUA_TNUMBER:
            if (lua_isinteger(L, index)) return std::to_string(lua_tointeger(L, index));
            return "number " + std::to_string(lua_tonumber(L, index));
        case LUA_TBOOLEAN:
            return lua_toboolean(L, index) ? "true" : "false";
        default:
            return lua_typename(L, lua_type(L, index));
    }
}

}  // namespace

std::string field_path(std::string_view path, std::string_view name) {
    if (path.empty()) return std::string(name);
    std::string result(path);
    result += '.';
    result += name;
    return result;
}

void TableReader::fail(std::string_view path, std::string_view message) const {
    std::string text = file_;
    text += ": ";
    if (!path.empty()) {
        text += path;
        text += ": ";
    }
    text += message;
    throw Error(text);
}

void TableReader::wrong_type(int index, std::string_view path, std::string_view what) const {
    fail(path, "expected " + std::string(what) + ", got " + describe(L_, index));
}

void TableReader::check_fields(int table, std::string_view path,
                               std::initializer_list<const char*> allowed) const {
    table = lua_absindex(L_, table);
    if (lua_type(L_, table) != LUA_TTABLE) wrong_type(table, path, "a table");
    StackTop guard(L_);
    lua_checkstack(L_, 3);
    lua_pushnil(L_);
    while (lua_next(L_, table) != 0) {
        lua_pop(L_, 1);
        const char* key = lua_type(L_, -1) == LUA_TSTRING ? lua_tostring(L_, -1) : nullptr;
        if (key == nullptr || std::none_of(allowed.begin(), allowed.end(), [&](const char* name) {
                return std::strcmp(name, key) == 0;
            })) {
            std::string names;
            for (const char* name : allowed) names += std::string(names.empty() ? "" : ", ") + name;
            fail(path, "unknown field " + describe(L_, -1) + " (expected " + names + ")");
        }
    }
}

int TableReader::push_field(int table, const char* name) const {
    table = lua_absindex(L_, table);
    lua_checkstack(L_, 2);
    lua_pushstring(L_, name);
    return lua_rawget(L_, table);
}

std::optional<std::string> TableReader::string_field(int table, std::string_view path,
                                                     const char* name) const {
    StackTop guard(L_);
    if (push_field(table, name) == LUA_TNIL) return std::nullopt;
    return to_string(-1, field_path(path, name));
}

std::string TableReader::required_string(int table, std::string_view path, const char* name) const {
    std::optional<std::string> value = string_field(table, path, name);
    if (!value || value->empty()) fail(field_path(path, name), "required, a non-empty string");
    return *value;
}

std::optional<double> TableReader::number_field(int table, std::string_view path,
                                                const char* name) const {
    StackTop guard(L_);
    const int type = push_field(table, name);
    if (type == LUA_TNIL) return std::nullopt;
    if (type != LUA_TNUMBER) wrong_type(-1, field_path(path, name), "a number");
    return lua_tonumber(L_, -1);
}

std::optional<lua_Integer> TableReader::integer_field(int table, std::string_view path,
                                                      const char* name) const {
    StackTop guard(L_);
    if (push_field(table, name) == LUA_TNIL) return std::nullopt;
    return to_integer(-1, field_path(path, name));
}

std::optional<bool> TableReader::bool_field(int table, std::string_view path,
                                            const char* name) const {
    StackTop guard(L_);
    const int type = push_field(table, name);
    if (type == LUA_TNIL) return std::nullopt;
    if (type != LUA_TBOOLEAN) wrong_type(-1, field_path(path, name), "true or false");
    return lua_toboolean(L_, -1) != 0;
}

void TableReader::list_field(int table, std::string_view path, const char* name,
                             const std::function<void(int, const std::string&)>& each) const {
    StackTop guard(L_);
    if (push_field(table, name) == LUA_TNIL) return;
    list(-1, field_path(path, name), each);
}

void TableReader::list(int list, std::string_view path,
                       const std::function<void(int, const std::string&)>& each) const {
    list = lua_absindex(L_, list);
    if (lua_type(L_, list) != LUA_TTABLE) wrong_type(list, path, "a list");
    StackTop guard(L_);
    lua_checkstack(L_, 4);
    const lua_Unsigned length = lua_rawlen(L_, list);
    lua_Unsigned entries = 0;
    lua_pushnil(L_);
    while (lua_next(L_, list) != 0) {
        lua_pop(L_, 1);
        ++entries;
    }
    if (entries != length) fail(path, "expected a list (a table with keys 1, 2, 3, ... only)");
    for (lua_Unsigned i = 1; i <= length; ++i) {
        lua_rawgeti(L_, list, static_cast<lua_Integer>(i));
        each(lua_gettop(L_), std::string(path) + "[" + std::to_string(i) + "]");
        lua_pop(L_, 1);
    }
}

void TableReader::map_field(
    int table, std::string_view path, const char* name,
    const std::function<void(const std::string&, int, const std::string&)>& each) const {
    StackTop guard(L_);
    if (push_field(table, name) == LUA_TNIL) return;
    const std::string map_path = field_path(path, name);
    const int map = lua_gettop(L_);
    if (lua_type(L_, map) != LUA_TTABLE) wrong_type(map, map_path, "a table");
    lua_checkstack(L_, 4);
    lua_pushnil(L_);
    while (lua_next(L_, map) != 0) {
        if (lua_type(L_, -2) != LUA_TSTRING)
            fail(map_path, "keys must be strings, got " + describe(L_, -2));
        std::size_t length = 0;
        const char* key_text = lua_tolstring(L_, -2, &length);
        hold(length, map_path);
        const std::string key(key_text, length);
        each(key, lua_gettop(L_), field_path(map_path, key));
        lua_pop(L_, 1);
    }
}

std::string TableReader::to_string(int index, std::string_view path) const {
    if (lua_type(L_, index) != LUA_TSTRING) wrong_type(index, path, "a string");
    std::size_t length = 0;
    const char* text = lua_tolstring(L_, index, &length);
    hold(length, path);
    return std::string(text, length);
}

void TableReader::hold(std::size_t bytes, std::string_view path) const {
    if (bytes <= host_bytes_ - std::min(held_, host_bytes_) && held_ <= host_bytes_) {
        held_ += bytes;
        return;
    }
    fail(path, "a string of " + format_bytes(bytes) +
                   " would take the plugin's text held by the host past its limit of " +
                   format_bytes(host_bytes_) + " (host_bytes)");
}

lua_Integer TableReader::to_integer(int index, std::string_view path) const {
    if (lua_type(L_, index) == LUA_TNUMBER) {
        int exact = 0;
        const lua_Integer value = lua_tointegerx(L_, index, &exact);
        if (exact) return value;
    }
    wrong_type(index, path, "an integer");
}

}  // namespace tessera::lua
