#include "studio/script.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <fmt/format.h>
#include <imgui.h>
#include <stb_image.h>
#include <lua.hpp>
#include <tessera/cpp/strings.hpp>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/key_names.hpp"
#include "studio/app.hpp"
#include "studio/canvas.hpp"

namespace tessera::studio {
namespace {

// Helpers written in Lua over the primitives below. The chunk's argument is
// the key_code function (l_key_code).
constexpr const char* kPrelude = R"lua(
local key_code = ...

function studio.click(x, y, button)
  button = button or 0
  studio.mouse(x, y); studio.wait(1)
  studio.button(button, true); studio.wait(1)
  studio.button(button, false); studio.wait(1)
end

function studio.drag(x0, y0, x1, y1, button)
  button = button or 0
  studio.mouse(x0, y0); studio.wait(1)
  studio.button(button, true); studio.wait(1)
  for i = 1, 5 do studio.mouse(x0 + (x1 - x0) * i / 5, y0 + (y1 - y0) * i / 5); studio.wait(1) end
  studio.button(button, false); studio.wait(2)
end

function studio.key(name, mods)
  local code = key_code(name)
  mods = mods or {}
  studio.modifiers(mods.ctrl or false, mods.shift or false, mods.alt or false)
  studio.key_state(code, true); studio.wait(1)
  studio.key_state(code, false); studio.modifiers(false, false, false); studio.wait(1)
end
)lua";

// key_code(name): the key code of a key name as profiles and Lua views write
// them (core/key_names.hpp); raises for an unknown name.
int l_key_code(lua_State* L) {
    const char* name = luaL_checkstring(L, 1);
    const int code = key_code(name);
    if (code == 0)
        return luaL_error(L,
                          "studio.key: unknown key name \"%s\", expected A-Z, 0-9, Space, Enter, "
                          "Escape, Tab, Backspace, Insert, Delete, arrows, PageUp, PageDown, Home, "
                          "End or F1-F12",
                          name);
    lua_pushinteger(L, code);
    return 1;
}

App& app_of(lua_State* L) {
    return *static_cast<App*>(lua_touserdata(L, lua_upvalueindex(1)));
}
Script& script_of(lua_State* L) {
    return *static_cast<Script*>(lua_touserdata(L, lua_upvalueindex(2)));
}

float number(lua_State* L, int index) {
    return static_cast<float>(luaL_checknumber(L, index));
}

std::uint64_t id_arg(lua_State* L, int index) {
    const lua_Integer id = luaL_checkinteger(L, index);
    if (id < 0) luaL_argerror(L, index, "ids are >= 0");
    return static_cast<std::uint64_t>(id);
}

void set_field(lua_State* L, const char* key, double value) {
    lua_pushnumber(L, value);
    lua_setfield(L, -2, key);
}

void set_field(lua_State* L, const char* key, std::string_view value) {
    lua_pushlstring(L, value.data(), value.size());
    lua_setfield(L, -2, key);
}

using cpp::text;

// Pushes one annotation as a table: id, label, kind, the geometry's numbers
// (left/top/right/bottom for boxes; points = {x1, y1, x2, y2, ...} for the rest)
// and attributes by key (strings, numbers, booleans).
void push_annotation(lua_State* L, const v1::Annotation& a) {
    lua_newtable(L);
    set_field(L, "id", static_cast<double>(a.id()));
    set_field(L, "label", text(a.label()));
    set_field(L, "kind", v1::EnumNameGeometry(a.geometry_type()));
    if (const v1::Box* box = a.geometry_as_Box()) {
        set_field(L, "left", box->left());
        set_field(L, "top", box->top());
        set_field(L, "right", box->right());
        set_field(L, "bottom", box->bottom());
    }
    const flatbuffers::Vector<const v1::Point2*>* points = nullptr;
    if (const auto* p = a.geometry_as_Polygon()) points = p->points();
    if (const auto* p = a.geometry_as_Polyline()) points = p->points();
    if (points != nullptr) {
        lua_newtable(L);
        int n = 0;
        for (const v1::Point2* p : *points) {
            lua_pushnumber(L, p->x());
            lua_rawseti(L, -2, ++n);
            lua_pushnumber(L, p->y());
            lua_rawseti(L, -2, ++n);
        }
        lua_setfield(L, -2, "points");
    }
    lua_newtable(L);
    if (a.attributes() != nullptr) {
        for (const v1::Attribute* attribute : *a.attributes()) {
            switch (attribute->type()) {
                case v1::AttributeType::Bool:
                    lua_pushboolean(L, attribute->bool_value());
                    break;
                case v1::AttributeType::Int:
                    lua_pushinteger(L, attribute->int_value());
                    break;
                case v1::AttributeType::Float:
                    lua_pushnumber(L, attribute->float_value());
                    break;
                default: {
                    const std::string_view value = text(attribute->string_value());
                    lua_pushlstring(L, value.data(), value.size());
                }
            }
            lua_setfield(L, -2, std::string(text(attribute->key())).c_str());
        }
    }
    lua_setfield(L, -2, "attributes");
}

// --- studio.* primitives ---------------------------------------------------------

int l_wait(lua_State* L) {
    script_of(L).wait_frames = static_cast<int>(luaL_optinteger(L, 1, 1));
    return lua_yield(L, 0);
}

int l_mouse(lua_State* L) {
    script_of(L).input.x = number(L, 1);
    script_of(L).input.y = number(L, 2);
    return 0;
}

int l_button(lua_State* L) {
    const lua_Integer b = luaL_checkinteger(L, 1);
    luaL_argcheck(L, b >= 0 && b < 3, 1, "0 left, 1 right, 2 middle");
    script_of(L).input.buttons[static_cast<std::size_t>(b)] = lua_toboolean(L, 2);
    return 0;
}

int l_key_state(lua_State* L) {
    const lua_Integer key = luaL_checkinteger(L, 1);
    luaL_argcheck(L, key >= 0 && key < 512, 1, "key code out of range");
    script_of(L).input.keys[static_cast<std::size_t>(key)] = lua_toboolean(L, 2);
    return 0;
}

int l_modifiers(lua_State* L) {
    Script::Input& input = script_of(L).input;
    input.ctrl = lua_toboolean(L, 1);
    input.shift = lua_toboolean(L, 2);
    input.alt = lua_toboolean(L, 3);
    return 0;
}

int l_wheel(lua_State* L) {
    script_of(L).input.wheel = number(L, 1);
    return 0;
}

// Types UTF-8 `text` into the widget that has the keyboard, in one frame.
int l_type(lua_State* L) {
    script_of(L).input.text = luaL_checkstring(L, 1);
    script_of(L).wait_frames = 1;
    return lua_yield(L, 0);
}

// Pushes `rect` as a table {x, y, width, height} and returns 1, or returns 0
// (nil) when there is none.
int push_rect(lua_State* L, const std::optional<App::ScreenRect>& rect) {
    if (!rect) return 0;
    lua_newtable(L);
    set_field(L, "x", rect->min.x);
    set_field(L, "y", rect->min.y);
    set_field(L, "width", rect->max.x - rect->min.x);
    set_field(L, "height", rect->max.y - rect->min.y);
    return 1;
}

// The screen rectangle {x, y, width, height} of a widget the studio named in
// the last frame (App::name_widget), or nil.
int l_widget(lua_State* L) {
    return push_rect(L, app_of(L).widget(luaL_checkstring(L, 1)));
}

// The screen rectangle {x, y, width, height} of the window of panel `id` in
// the last frame (shown and expanded), or nil.
int l_panel(lua_State* L) {
    return push_rect(L, app_of(L).panel_rect(luaL_checkstring(L, 1)));
}

int l_open(lua_State* L) {
    app_of(L).open_item(id_arg(L, 1));
    script_of(L).wait_frames = 2;  // the view opens the item in the next frame
    return lua_yield(L, 0);
}

int l_current(lua_State* L) {
    lua_pushinteger(L, static_cast<lua_Integer>(app_of(L).session().current()));
    return 1;
}

int l_items(lua_State* L) {
    lua_newtable(L);
    int n = 0;
    for (const store::ItemSummary& item : app_of(L).session().items()) {
        lua_pushinteger(L, static_cast<lua_Integer>(item.id));
        lua_rawseti(L, -2, ++n);
    }
    return 1;
}

int l_tool(lua_State* L) {
    app_of(L).set_tool(luaL_checkstring(L, 1));
    return 0;
}

int l_label(lua_State* L) {
    app_of(L).set_label(luaL_checkstring(L, 1));
    return 0;
}

int l_to_screen(lua_State* L) {
    const ImVec2 p = app_of(L).canvas().to_screen(number(L, 1), number(L, 2));
    lua_pushnumber(L, p.x);
    lua_pushnumber(L, p.y);
    return 2;
}

int l_canvas(lua_State* L) {
    const Canvas& canvas = app_of(L).canvas();
    lua_newtable(L);
    set_field(L, "x", canvas.origin().x);
    set_field(L, "y", canvas.origin().y);
    set_field(L, "width", canvas.size().x);
    set_field(L, "height", canvas.size().y);
    set_field(L, "scale", canvas.scale());
    return 1;
}

// Reads the item's annotations from the store, not from the session's copy.
int l_annotations(lua_State* L) {
    App& app = app_of(L);
    const std::uint64_t item = lua_isnoneornil(L, 1) ? app.session().current() : id_arg(L, 1);
    bool failed = false;
    try {
        const store::Bytes bytes = app.session().project().annotations(item);
        const auto* set = flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data());
        lua_newtable(L);
        int n = 0;
        if (set->annotations() != nullptr)
            for (const v1::Annotation* a : *set->annotations()) {
                push_annotation(L, *a);
                lua_rawseti(L, -2, ++n);
            }
    } catch (const Error& e) {
        lua_pushstring(L, e.what());
        failed = true;
    }
    // Lua raises errors and yields with longjmp: no C++ object may be alive then.
    return failed ? lua_error(L) : 1;
}

int l_state(lua_State* L) {
    App& app = app_of(L);
    const std::uint64_t item = lua_isnoneornil(L, 1) ? app.session().current() : id_arg(L, 1);
    const auto index = app.session().index_of(item);
    if (!index) return luaL_error(L, "item %d does not exist", static_cast<int>(item));
    lua_pushstring(L, v1::EnumNameItemState(app.session().items()[*index].state));
    return 1;
}

int l_findings(lua_State* L) {
    lua_newtable(L);
    int n = 0;
    for (const qa::Finding& f : app_of(L).session().findings()) {
        lua_newtable(L);
        set_field(L, "rule", f.rule);
        set_field(L, "severity", qa::severity_name(f.severity));
        set_field(L, "message", f.message);
        set_field(L, "annotation",
                  f.annotations.empty() ? 0.0 : static_cast<double>(f.annotations.front()));
        lua_rawseti(L, -2, ++n);
    }
    return 1;
}

int l_selected(lua_State* L) {
    lua_pushinteger(L, static_cast<lua_Integer>(app_of(L).session().selected()));
    return 1;
}

int l_select(lua_State* L) {
    app_of(L).session().select(id_arg(L, 1));
    return 0;
}

int l_message(lua_State* L) {
    lua_pushstring(L, app_of(L).last_message().c_str());
    lua_pushboolean(L, app_of(L).last_message_is_error());
    return 2;
}

// The unsaved edit's reason (nil when none) and how many annotations the open
// item shows, unsaved ones included.
int l_unsaved(lua_State* L) {
    const Session& session = app_of(L).session();
    if (session.unsaved())
        lua_pushstring(L, session.unsaved()->reason.c_str());
    else
        lua_pushnil(L);
    const auto* shown = session.current() != 0 ? session.annotations().annotations() : nullptr;
    lua_pushinteger(L, shown ? static_cast<lua_Integer>(shown->size()) : 0);
    return 2;
}

int l_review_mode(lua_State* L) {
    app_of(L).set_review_mode(lua_toboolean(L, 1));
    script_of(L).wait_frames = 2;
    return lua_yield(L, 0);
}

// Rejects the open item with `reason`, pinning `comment` (if given) to the
// selected annotation, as the review panel does.
int l_reject(lua_State* L) {
    App& app = app_of(L);
    const char* reason = luaL_checkstring(L, 1);
    const char* comment_text = luaL_optstring(L, 2, nullptr);
    const char* defect = luaL_optstring(L, 3, "");
    bool failed = false;
    {
        std::vector<v1::ReviewCommentT> comments;
        if (comment_text != nullptr) {
            v1::ReviewCommentT& comment = comments.emplace_back();
            comment.annotation = app.session().selected();
            comment.text = comment_text;
            comment.defect = defect;
        }
        try {
            app.session().review(v1::Verdict::Reject, reason, comments);
        } catch (const Error& e) {
            lua_pushstring(L, e.what());
            failed = true;
        }
    }
    if (failed) return lua_error(L);
    script_of(L).wait_frames = 2;
    return lua_yield(L, 0);
}

// r, g, b, a of pixel (x, y) of a PNG file (screenshots), 0-255 each.
int l_png_pixel(lua_State* L) {
    const char* file = luaL_checkstring(L, 1);
    const int x = static_cast<int>(luaL_checkinteger(L, 2)),
              y = static_cast<int>(luaL_checkinteger(L, 3));
    int w = 0, h = 0, channels = 0;
    unsigned char* pixels = stbi_load(file, &w, &h, &channels, 4);
    if (pixels == nullptr)
        return luaL_error(L, "%s: cannot read the PNG: %s", file, stbi_failure_reason());
    if (x < 0 || y < 0 || x >= w || y >= h) {
        stbi_image_free(pixels);
        return luaL_error(L, "%s: pixel (%d, %d) is outside the %dx%d image", file, x, y, w, h);
    }
    const unsigned char* p = pixels + (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) +
                                       static_cast<std::size_t>(x)) *
                                          4;
    for (int i = 0; i < 4; ++i) lua_pushinteger(L, p[i]);
    stbi_image_free(pixels);
    return 4;
}

// How many pixels differ between two PNG files of the same size, within the
// rectangle x, y, w, h when given (whole images otherwise).
int l_png_diff(lua_State* L) {
    const char* first = luaL_checkstring(L, 1);
    const char* second = luaL_checkstring(L, 2);
    // Read before the images are loaded: a bad argument raises, which would leak them.
    const lua_Integer left = luaL_optinteger(L, 3, 0);
    const lua_Integer top = luaL_optinteger(L, 4, 0);
    const lua_Integer width = luaL_optinteger(L, 5, LUA_MAXINTEGER);
    const lua_Integer height = luaL_optinteger(L, 6, LUA_MAXINTEGER);
    const lua_Integer ties = luaL_optinteger(L, 7, 0);
    int w[2] = {0, 0}, h[2] = {0, 0}, channels = 0;
    unsigned char* a = stbi_load(first, &w[0], &h[0], &channels, 4);
    unsigned char* b = stbi_load(second, &w[1], &h[1], &channels, 4);
    if (a == nullptr || b == nullptr || w[0] != w[1] || h[0] != h[1]) {
        stbi_image_free(a);
        stbi_image_free(b);
        return luaL_error(L, "%s, %s: cannot read both PNG files, or their sizes differ", first,
                          second);
    }
    // Clamped as 64-bit integers, each to what is left of the image: a large
    // argument must neither wrap around in an int cast nor overflow the sum.
    const auto clamp_to = [](lua_Integer value, int limit) {
        return static_cast<int>(std::clamp<lua_Integer>(value, 0, limit));
    };
    const int x0 = clamp_to(left, w[0]);
    const int y0 = clamp_to(top, h[0]);
    const int x1 = x0 + clamp_to(width, w[0] - x0);
    const int y1 = y0 + clamp_to(height, h[0] - y0);
    const auto at = [&](int x, int y) {
        return (static_cast<std::size_t>(y) * static_cast<std::size_t>(w[0]) +
                static_cast<std::size_t>(x)) *
               4;
    };
    // With `ties`, a pixel may take its colour (within 2 per channel) from a
    // neighbour up to `ties` pixels away, in both images: what two
    // rasterizations give a pixel centre lying exactly on an edge.
    const int reach = static_cast<int>(std::clamp<lua_Integer>(ties, 0, 8));
    const auto near_in = [&](const unsigned char* image, const unsigned char* colour, int x,
                             int y) {
        for (int ny = std::max(0, y - reach); ny <= std::min(h[0] - 1, y + reach); ++ny)
            for (int nx = std::max(0, x - reach); nx <= std::min(w[0] - 1, x + reach); ++nx) {
                const unsigned char* other = image + at(nx, ny);
                bool close = true;
                for (int c = 0; c < 4; ++c)
                    close = close && std::abs(int{other[c]} - int{colour[c]}) <= 2;
                if (close) return true;
            }
        return false;
    };
    lua_Integer differing = 0, excused = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            if (std::memcmp(a + at(x, y), b + at(x, y), 4) == 0) continue;
            if (reach > 0 && near_in(b, a + at(x, y), x, y) && near_in(a, b + at(x, y), x, y))
                ++excused;
            else
                ++differing;
        }
    stbi_image_free(a);
    stbi_image_free(b);
    lua_pushinteger(L, differing);
    lua_pushinteger(L, excused);
    return 2;
}

int l_screenshot(lua_State* L) {
    const char* file = luaL_checkstring(L, 1);
    App& app = app_of(L);
    // Taken after the next frame is rendered, before it is presented.
    app.window().after_render([&app, file = std::string(file)] {
        try {
            app.window().save_png(file);
        } catch (const Error& e) {
            app.message(e.what(), true);
        }
    });
    script_of(L).wait_frames = 1;
    return lua_yield(L, 0);
}

// frames, mean, median, 99th percentile and longest frame time (ms) of the
// frames since the last call (benchmarks).
int l_frame_stats(lua_State* L) {
    std::vector<double> times;
    times.swap(app_of(L).frame_times);
    std::sort(times.begin(), times.end());
    double total = 0;
    for (double t : times) total += t;
    const auto rank = [&](double q) {  // nearest rank
        return times.empty() ? 0.0
                             : times[static_cast<std::size_t>(
                                         std::ceil(q * static_cast<double>(times.size()))) -
                                     1];
    };
    lua_pushinteger(L, static_cast<lua_Integer>(times.size()));
    lua_pushnumber(L, times.empty() ? 0.0 : total / static_cast<double>(times.size()));
    lua_pushnumber(L, rank(0.5));
    lua_pushnumber(L, rank(0.99));
    lua_pushnumber(L, times.empty() ? 0.0 : times.back());
    return 5;
}

// frames, frames drawn through the cached texture, texture renders, and frames
// with the texture moved (panning), since the start; canvas_cache(false) draws
// every triangle at every frame from then on.
int l_canvas_cache(lua_State* L) {
    CanvasCache& cache = app_of(L).canvas().cache();
    if (!lua_isnoneornil(L, 1)) cache.set_enabled(lua_toboolean(L, 1) != 0);
    const CanvasCache::Stats& stats = cache.stats();
    lua_pushinteger(L, static_cast<lua_Integer>(stats.frames));
    lua_pushinteger(L, static_cast<lua_Integer>(stats.cached_frames));
    lua_pushinteger(L, static_cast<lua_Integer>(stats.renders));
    lua_pushinteger(L, static_cast<lua_Integer>(stats.moved_frames));
    return 4;
}

int l_quit(lua_State* L) {
    app_of(L).quit(static_cast<int>(luaL_optinteger(L, 1, 0)));
    script_of(L).wait_frames = 1 << 30;  // never resumes
    return lua_yield(L, 0);
}

}  // namespace

Script::Script(App& app, const std::filesystem::path& file) : app_(app) {
    L_ = luaL_newstate();
    if (L_ == nullptr) throw Error("cannot create a Lua state for the script");
    luaL_openlibs(L_);
    static const luaL_Reg functions[] = {
        {"wait", l_wait},
        {"mouse", l_mouse},
        {"button", l_button},
        {"key_state", l_key_state},
        {"modifiers", l_modifiers},
        {"wheel", l_wheel},
        {"type", l_type},
        {"widget", l_widget},
        {"panel", l_panel},
        {"open", l_open},
        {"current", l_current},
        {"items", l_items},
        {"tool", l_tool},
        {"label", l_label},
        {"to_screen", l_to_screen},
        {"canvas", l_canvas},
        {"annotations", l_annotations},
        {"state", l_state},
        {"findings", l_findings},
        {"selected", l_selected},
        {"select", l_select},
        {"message", l_message},
        {"review_mode", l_review_mode},
        {"unsaved", l_unsaved},
        {"screenshot", l_screenshot},
        {"quit", l_quit},
        {"reject", l_reject},
        {"png_pixel", l_png_pixel},
        {"png_diff", l_png_diff},
        {"frame_stats", l_frame_stats},
        {"canvas_cache", l_canvas_cache},
        {nullptr, nullptr},
    };
    lua_newtable(L_);
    lua_pushlightuserdata(L_, &app_);
    lua_pushlightuserdata(L_, this);
    luaL_setfuncs(L_, functions, 2);
    lua_setglobal(L_, "studio");
    lua_pushcfunction(L_, l_key_code);
    if (luaL_loadstring(L_, kPrelude) != LUA_OK)
        throw Error(fmt::format("script prelude: {}", lua_tostring(L_, -1)));
    lua_insert(L_, -2);
    if (lua_pcall(L_, 1, 0, 0) != LUA_OK)
        throw Error(fmt::format("script prelude: {}", lua_tostring(L_, -1)));

    const std::string source = read_file(file);
    thread_ = lua_newthread(L_);
    lua_setfield(L_, LUA_REGISTRYINDEX, "tessera.script.thread");  // keeps the thread alive
    const std::string chunk = fmt::format("@{}", file.string());
    if (luaL_loadbufferx(thread_, source.data(), source.size(), chunk.c_str(), "t") != LUA_OK)
        throw Error(lua_tostring(thread_, -1));
    wait_frames = 2;  // let the first item open and the layout settle
}

Script::~Script() {
    if (L_ != nullptr) lua_close(L_);
}

void Script::inject_input() {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = {input.x, input.y};
    for (std::size_t b = 0; b < input.buttons.size(); ++b) io.MouseDown[b] = input.buttons[b];
    for (std::size_t k = 0; k < input.keys.size(); ++k) io.KeysDown[k] = input.keys[k];
    io.KeyCtrl = input.ctrl;
    io.KeyShift = input.shift;
    io.KeyAlt = input.alt;
    io.MouseWheel = input.wheel;
    input.wheel = 0;
    if (!input.text.empty()) io.AddInputCharactersUTF8(input.text.c_str());
    input.text.clear();
}

void Script::resume() {
    if (done_ || --wait_frames > 0) return;
    int results = 0;
    const int status = lua_resume(thread_, L_, 0, &results);
    if (status == LUA_YIELD) {
        lua_pop(thread_, results);
        return;
    }
    done_ = true;
    if (status != LUA_OK) {
        fmt::print(stderr, "tessera-studio: script failed: {}\n", lua_tostring(thread_, -1));
        app_.quit(1);
    } else {
        fmt::print(stderr, "tessera-studio: the script ended without studio.quit()\n");
        app_.quit(1);
    }
}

}  // namespace tessera::studio
