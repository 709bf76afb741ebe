// The `ui` methods of Lua views over tessera.host.ui/1 (lua/view_plugin/view_ui.hpp).
//
// Every function here is a lua_CFunction and may raise Lua errors (longjmp):
// none keeps a C++ object with a destructor alive across a Lua API call.
// Scratch memory is Lua's (userdata the collector frees) or UiFrame's.

#include "lua/view_plugin/view_ui.hpp"

#include <cstring>
#include <new>
#include <utility>

#include "core/key_names.hpp"

namespace tessera::lua {
namespace {

constexpr const char* kUiMeta = "tessera.ui";
constexpr lua_Integer kMaxColor = 0xFFFFFFFF;
constexpr lua_Integer kMaxTextCapacity = 1 << 16;

struct UiHandle {
    std::uint64_t generation;
};

UiFrame& check_ui(lua_State* L) {
    auto& frame = *static_cast<UiFrame*>(lua_touserdata(L, lua_upvalueindex(1)));
    const auto* handle = static_cast<UiHandle*>(luaL_checkudata(L, 1, kUiMeta));
    if (!frame.active || handle->generation != frame.generation)
        luaL_error(L, "ui used after its frame() or options() call returned");
    return frame;
}

float check_float(lua_State* L, int arg) {
    return static_cast<float>(luaL_checknumber(L, arg));
}

tessera_ui_vec2_t check_point(lua_State* L, int arg) {
    return {check_float(L, arg), check_float(L, arg + 1)};
}

tessera_ui_color_t check_color(lua_State* L, int arg) {
    const lua_Integer color = luaL_checkinteger(L, arg);
    luaL_argcheck(L, color >= 0 && color <= kMaxColor, arg, "expected a colour 0xRRGGBBAA");
    return static_cast<tessera_ui_color_t>(color);
}

tessera_ui_color_t opt_color(lua_State* L, int arg, tessera_ui_color_t fallback) {
    return lua_isnoneornil(L, arg) ? fallback : check_color(L, arg);
}

// The flat list {x1, y1, x2, y2, ...} at `arg` into frame.points.
void check_points(lua_State* L, UiFrame& frame, int arg) {
    luaL_checktype(L, arg, LUA_TTABLE);
    const lua_Unsigned length = lua_rawlen(L, arg);
    if (length % 2 != 0)
        luaL_error(L, "points: expected a flat list {x1, y1, x2, y2, ...}, got %d numbers",
                   static_cast<int>(length));
    bool allocated = true;
    try {
        frame.points.resize(length / 2);
    } catch (const std::bad_alloc&) {
        allocated = false;
    }
    if (!allocated) luaL_error(L, "points: out of memory");
    for (lua_Unsigned i = 0; i < length; ++i) {
        lua_rawgeti(L, arg, static_cast<lua_Integer>(i + 1));
        int is_number = 0;
        const auto value = static_cast<float>(lua_tonumberx(L, -1, &is_number));
        if (!is_number)
            luaL_error(L, "points[%d]: expected a number, got %s", static_cast<int>(i + 1),
                       luaL_typename(L, -1));
        lua_pop(L, 1);
        if (i % 2 == 0)
            frame.points[i / 2].x = value;
        else
            frame.points[i / 2].y = value;
    }
}

// --- canvas and input ----------------------------------------------------------

int ui_canvas_size(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const tessera_ui_vec2_t size = frame.api->canvas_size(frame.ui);
    lua_pushnumber(L, size.x);
    lua_pushnumber(L, size.y);
    return 2;
}

int ui_set_transform(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const float scale = check_float(L, 2);
    luaL_argcheck(L, scale > 0, 2, "the scale must be > 0");
    frame.api->set_transform(frame.ui, scale, check_point(L, 3));
    return 0;
}

void set_buttons(lua_State* L, const char* name, const bool (&buttons)[3]) {
    lua_createtable(L, 0, 3);
    lua_pushboolean(L, buttons[TESSERA_MOUSE_LEFT]);
    lua_setfield(L, -2, "left");
    lua_pushboolean(L, buttons[TESSERA_MOUSE_RIGHT]);
    lua_setfield(L, -2, "right");
    lua_pushboolean(L, buttons[TESSERA_MOUSE_MIDDLE]);
    lua_setfield(L, -2, "middle");
    lua_setfield(L, -2, name);
}

int ui_input(lua_State* L) {
    UiFrame& frame = check_ui(L);
    tessera_ui_input_t input{};
    frame.api->get_input(frame.ui, &input);
    lua_createtable(L, 0, 14);
    const std::pair<const char*, float> numbers[] = {
        {"x", input.mouse.x},        {"y", input.mouse.y},   {"dx", input.mouse_delta.x},
        {"dy", input.mouse_delta.y}, {"wheel", input.wheel},
    };
    for (const auto& [name, value] : numbers) {
        lua_pushnumber(L, value);
        lua_setfield(L, -2, name);
    }
    const std::pair<const char*, bool> flags[] = {
        {"hovered", input.hovered},
        {"shift", (input.modifiers & TESSERA_MOD_SHIFT) != 0},
        {"ctrl", (input.modifiers & TESSERA_MOD_CTRL) != 0},
        {"alt", (input.modifiers & TESSERA_MOD_ALT) != 0},
        {"keyboard_free", input.keyboard_free},
    };
    for (const auto& [name, value] : flags) {
        lua_pushboolean(L, value);
        lua_setfield(L, -2, name);
    }
    set_buttons(L, "down", input.down);
    set_buttons(L, "clicked", input.clicked);
    set_buttons(L, "released", input.released);
    set_buttons(L, "double_clicked", input.double_clicked);
    return 1;
}

int ui_key_pressed(lua_State* L) {
    UiFrame& frame = check_ui(L);
    std::size_t length = 0;
    const char* name = luaL_checklstring(L, 2, &length);
    const int key = key_code(std::string_view(name, length));
    if (key == 0)
        return luaL_error(L,
                          "ui:key_pressed: unknown key '%s' (expected A-Z, 0-9, Space, Enter, "
                          "Escape, Tab, Backspace, Insert, Delete, Left, Right, Up, Down, PageUp, "
                          "PageDown, Home, End, F1-F12)",
                          name);
    lua_pushboolean(L, frame.api->key_pressed(frame.ui, key));
    return 1;
}

// --- drawing -------------------------------------------------------------------

int ui_line(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const tessera_ui_vec2_t a = check_point(L, 2), b = check_point(L, 4);
    const tessera_ui_color_t color = check_color(L, 6);
    frame.api->line(frame.ui, a, b, color, static_cast<float>(luaL_optnumber(L, 7, 1)));
    return 0;
}

int ui_polyline(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const tessera_ui_color_t color = check_color(L, 3);
    const auto thickness = static_cast<float>(luaL_optnumber(L, 4, 1));
    const bool closed = lua_toboolean(L, 5) != 0;
    check_points(L, frame, 2);
    frame.api->polyline(frame.ui, frame.points.data(), frame.points.size(), closed, color,
                        thickness);
    return 0;
}

int ui_fill_polygon(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const tessera_ui_color_t color = check_color(L, 3);
    check_points(L, frame, 2);
    frame.api->fill_polygon(frame.ui, frame.points.data(), frame.points.size(), color);
    return 0;
}

int ui_rect(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const tessera_ui_vec2_t min = check_point(L, 2), max = check_point(L, 4);
    const tessera_ui_color_t color = check_color(L, 6);
    frame.api->rect(frame.ui, min, max, color, static_cast<float>(luaL_optnumber(L, 7, 1)));
    return 0;
}

int ui_fill_rect(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const tessera_ui_vec2_t min = check_point(L, 2), max = check_point(L, 4);
    frame.api->fill_rect(frame.ui, min, max, check_color(L, 6));
    return 0;
}

int ui_circle(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const tessera_ui_vec2_t center = check_point(L, 2);
    const float radius = check_float(L, 4);
    const tessera_ui_color_t color = check_color(L, 5);
    frame.api->circle(frame.ui, center, radius, color, static_cast<float>(luaL_optnumber(L, 6, 1)));
    return 0;
}

int ui_text(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const tessera_ui_vec2_t at = check_point(L, 2);
    const char* text = luaL_checkstring(L, 4);
    frame.api->text(frame.ui, at, opt_color(L, 5, 0xFFFFFFFFu), text);
    return 0;
}

// --- widgets ---------------------------------------------------------------------

int ui_button(lua_State* L) {
    UiFrame& frame = check_ui(L);
    lua_pushboolean(L, frame.api->button(frame.ui, luaL_checkstring(L, 2)));
    return 1;
}

int ui_checkbox(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const char* label = luaL_checkstring(L, 2);
    bool value = lua_toboolean(L, 3) != 0;
    lua_pushboolean(L, frame.api->checkbox(frame.ui, label, &value));
    lua_pushboolean(L, value);
    return 2;
}

// ui:combo(label, current, items): `current` is 1-based, as Lua lists are.
int ui_combo(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const char* label = luaL_checkstring(L, 2);
    const lua_Integer current = luaL_checkinteger(L, 3);
    luaL_checktype(L, 4, LUA_TTABLE);
    const lua_Unsigned count = lua_rawlen(L, 4);
    luaL_argcheck(L, count > 0 && count <= 4096, 4, "expected a list of 1 to 4096 strings");
    auto* items = static_cast<const char**>(lua_newuserdatauv(L, count * sizeof(const char*), 0));
    for (lua_Unsigned i = 0; i < count; ++i) {
        // The strings stay alive in the items table, which stays on the stack.
        if (lua_rawgeti(L, 4, static_cast<lua_Integer>(i + 1)) != LUA_TSTRING)
            return luaL_error(L, "ui:combo: items[%d] is a %s, expected a string",
                              static_cast<int>(i + 1), luaL_typename(L, -1));
        items[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    int index = static_cast<int>(current - 1);
    const bool changed = frame.api->combo(frame.ui, label, &index, items, static_cast<int>(count));
    lua_pushboolean(L, changed);
    lua_pushinteger(L, static_cast<lua_Integer>(index) + 1);
    return 2;
}

// ui:input_text(label, text [, capacity]): capacity in bytes, 256 by default;
// never smaller than the text given.
int ui_input_text(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const char* label = luaL_checkstring(L, 2);
    std::size_t length = 0;
    const char* text = luaL_checklstring(L, 3, &length);
    lua_Integer capacity = luaL_optinteger(L, 4, 256);
    luaL_argcheck(L, capacity > 0 && capacity <= kMaxTextCapacity, 4,
                  "expected a capacity of 1 to 65536 bytes");
    if (static_cast<lua_Integer>(length) >= capacity)
        capacity = static_cast<lua_Integer>(length) + 1;
    auto* buffer = static_cast<char*>(lua_newuserdatauv(L, static_cast<std::size_t>(capacity), 0));
    std::memcpy(buffer, text, length);
    buffer[length] = '\0';
    const bool changed =
        frame.api->input_text(frame.ui, label, buffer, static_cast<std::size_t>(capacity));
    buffer[capacity - 1] = '\0';  // whatever the host did
    lua_pushboolean(L, changed);
    lua_pushstring(L, buffer);
    return 2;
}

int ui_slider(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const char* label = luaL_checkstring(L, 2);
    float value = check_float(L, 3);
    const float min = check_float(L, 4), max = check_float(L, 5);
    luaL_argcheck(L, min < max, 5, "max must be greater than min");
    lua_pushboolean(L, frame.api->slider(frame.ui, label, &value, min, max));
    lua_pushnumber(L, value);
    return 2;
}

// --- the host's annotation state ----------------------------------------------------

int ui_label_color(lua_State* L) {
    UiFrame& frame = check_ui(L);
    lua_pushinteger(L, frame.api->label_color(frame.ui, luaL_checkstring(L, 2)));
    return 1;
}

int ui_label_name(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const char* name = frame.api->label_name(frame.ui, luaL_checkstring(L, 2));
    lua_pushstring(L, name != nullptr ? name : "");
    return 1;
}

int ui_select(lua_State* L) {
    UiFrame& frame = check_ui(L);
    const lua_Integer id = luaL_optinteger(L, 2, 0);
    luaL_argcheck(L, id >= 0, 2, "expected an annotation id, or 0 for none");
    frame.api->select(frame.ui, static_cast<std::uint64_t>(id));
    return 0;
}

// ui:submit(ops [, comment]) -> true | nil, message
int ui_submit(lua_State* L) {
    UiFrame& frame = check_ui(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    std::size_t length = 0;
    const char* comment = luaL_optlstring(L, 3, "", &length);
    if (!frame.submit) return luaL_error(L, "ui:submit: this host takes no edits");
    switch (frame.submit(L, 2, std::string_view(comment, length))) {
        case SubmitOutcome::Applied:
            lua_pushboolean(L, 1);
            return 1;
        case SubmitOutcome::Refused:
            lua_pushnil(L);
            lua_pushstring(L, frame.message.c_str());
            return 2;
        case SubmitOutcome::BadTable:
            break;
    }
    return luaL_error(L, "%s", frame.message.c_str());
}

int ui_read_only(lua_State* L) {
    return luaL_error(L, "ui is read-only");
}

int ui_tostring(lua_State* L) {
    lua_pushliteral(L, "ui");
    return 1;
}

}  // namespace

void register_ui(Sandbox& sandbox, UiFrame& frame) {
    lua_State* L = sandbox.state();
    Sandbox::HostScope host(sandbox);
    lua_checkstack(L, 4);
    luaL_newmetatable(L, kUiMeta);
    const luaL_Reg methods[] = {
        {"canvas_size", ui_canvas_size},
        {"set_transform", ui_set_transform},
        {"input", ui_input},
        {"key_pressed", ui_key_pressed},
        {"line", ui_line},
        {"polyline", ui_polyline},
        {"fill_polygon", ui_fill_polygon},
        {"rect", ui_rect},
        {"fill_rect", ui_fill_rect},
        {"circle", ui_circle},
        {"text", ui_text},
        {"button", ui_button},
        {"checkbox", ui_checkbox},
        {"combo", ui_combo},
        {"input_text", ui_input_text},
        {"slider", ui_slider},
        {"label_color", ui_label_color},
        {"label_name", ui_label_name},
        {"select", ui_select},
        {"submit", ui_submit},
        {nullptr, nullptr},
    };
    lua_createtable(L, 0, static_cast<int>(std::size(methods)));
    lua_pushlightuserdata(L, &frame);
    luaL_setfuncs(L, methods, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, ui_read_only);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, ui_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "protected");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

void push_ui(lua_State* L, const UiFrame& frame) {
    auto* handle = static_cast<UiHandle*>(lua_newuserdatauv(L, sizeof(UiHandle), 0));
    handle->generation = frame.generation;
    luaL_setmetatable(L, kUiMeta);
}

}  // namespace tessera::lua
