// Lua views as tessera.view/1 views (lua/view_plugin/view_plugin.hpp) and the reading of
// their declaration (lua/view_plugin/view_declaration.hpp).

#include "lua/view_plugin/view_plugin.hpp"

#include <cstring>
#include <set>
#include <span>

#include <tessera/ext/host_project.h>
#include <tessera/cpp/host.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/key_names.hpp"
#include "core/media_kinds.hpp"
#include "core/verify.hpp"
#include "lua/handle_access.hpp"
#include "lua/plugin_table.hpp"
#include "lua/view_plugin/view_edits.hpp"

namespace tessera::lua {
namespace {

// The view's functions: name, what the message says when one is missing.
constexpr std::pair<const char*, const char*> kFunctions[] = {
    {"open_item", "a function(item, annotations, media_path)"},
    {"set_annotations", "a function(annotations, item)"},
    {"frame", "a function(ui, state)"},
};

std::span<const std::uint8_t> span_of(tessera_bytes_t bytes) {
    if (bytes.data == nullptr) return {};
    return {bytes.data, bytes.size};
}

// --- the C ABI ------------------------------------------------------------------

LuaView* self(const tessera_plugin_t* plugin) noexcept {
    return plugin != nullptr ? static_cast<LuaView*>(plugin->plugin_data) : nullptr;
}

tessera_status_t TESSERA_ABI view_open_item(const tessera_plugin_t* plugin, tessera_bytes_t item,
                                            tessera_bytes_t annotations,
                                            const char* media_path) noexcept {
    LuaView* view = self(plugin);
    return view != nullptr ? view->open_item(item, annotations, media_path)
                           : TESSERA_INVALID_ARGUMENT;
}

tessera_status_t TESSERA_ABI view_set_annotations(const tessera_plugin_t* plugin,
                                                  tessera_bytes_t annotations) noexcept {
    LuaView* view = self(plugin);
    return view != nullptr ? view->set_annotations(annotations) : TESSERA_INVALID_ARGUMENT;
}

void TESSERA_ABI view_frame(const tessera_plugin_t* plugin, const tessera_host_ui_t* api,
                            tessera_ui_t* ui, const tessera_view_state_t* state) noexcept {
    if (LuaView* view = self(plugin); view != nullptr && api != nullptr && state != nullptr)
        view->frame(*api, ui, *state);
}

void TESSERA_ABI view_options(const tessera_plugin_t* plugin, const tessera_host_ui_t* api,
                              tessera_ui_t* ui) noexcept {
    if (LuaView* view = self(plugin); view != nullptr && api != nullptr) view->options(*api, ui);
}

bool TESSERA_ABI plugin_init(const tessera_plugin_t*) noexcept {
    return true;
}

// The loader owns the adapter (through the plugin's keep-alive), not the host.
void TESSERA_ABI plugin_destroy(const tessera_plugin_t*) noexcept {}

const void* TESSERA_ABI plugin_extension(const tessera_plugin_t* plugin, const char* id) noexcept {
    LuaView* view = self(plugin);
    return view != nullptr && id != nullptr && std::strcmp(id, TESSERA_EXT_VIEW) == 0 ? view->view()
                                                                                      : nullptr;
}

const char* TESSERA_ABI plugin_last_error(const tessera_plugin_t* plugin) noexcept {
    LuaView* view = self(plugin);
    return view != nullptr ? view->last_error() : "";
}

// Pushes the annotations of the current item as a list of annotation handles.
void push_annotation_list(lua_State* L, const Handles& handles) {
    lua_createtable(L, static_cast<int>(std::min<std::uint32_t>(handles.count(), INT32_MAX)), 0);
    for (std::uint32_t i = 0; i < handles.count(); ++i) {
        detail::push_annotation(L, handles, handles.generation(), i);
        lua_rawseti(L, -2, static_cast<lua_Integer>(i) + 1);
    }
}

}  // namespace

ViewDeclaration read_view_declaration(const TableReader& reader, int view,
                                      const std::string& path) {
    lua_State* L = reader.state();
    reader.check_fields(
        view, path,
        {"name", "media_kinds", "tools", "open_item", "set_annotations", "frame", "options"});
    ViewDeclaration declaration;
    declaration.name = reader.required_string(view, path, "name");
    declaration.media_kinds = reader.required_string(view, path, "media_kinds");
    if (!known_media_kinds(declaration.media_kinds)) {
        std::string names;
        for (int i = 1; v1::EnumNamesMediaKind()[i] != nullptr; ++i)
            names += std::string(names.empty() ? "" : ", ") + v1::EnumNamesMediaKind()[i];
        StackTop top(L);
        (void)reader.push_field(view, "media_kinds");
        reader.wrong_type(-1, field_path(path, "media_kinds"),
                          "comma-separated media kinds among " + names);
    }
    std::set<std::string, std::less<>> ids;
    reader.list_field(view, path, "tools", [&](int tool, const std::string& at) {
        reader.check_fields(tool, at, {"id", "name", "key"});
        ViewTool entry;
        entry.id = reader.required_string(tool, at, "id");
        if (!ids.insert(entry.id).second)
            reader.fail(field_path(at, "id"), "\"" + entry.id + "\" is declared twice");
        entry.name = reader.required_string(tool, at, "name");
        if (const auto key = reader.string_field(tool, at, "key")) {
            entry.key = key_code(*key);
            if (entry.key == 0) {
                StackTop top(L);
                (void)reader.push_field(tool, "key");
                reader.wrong_type(-1, field_path(at, "key"),
                                  "a key: A-Z, 0-9, Space, Enter, Delete, F1-F12, ...");
            }
        }
        declaration.tools.push_back(std::move(entry));
    });
    if (declaration.tools.empty())
        reader.fail(field_path(path, "tools"), "required, at least one tool");
    for (const auto& [name, expected] : kFunctions) {
        StackTop top(L);
        if (reader.push_field(view, name) != LUA_TFUNCTION)
            reader.wrong_type(-1, field_path(path, name), expected);
    }
    StackTop top(L);
    const int options = reader.push_field(view, "options");
    if (options != LUA_TNIL && options != LUA_TFUNCTION)
        reader.wrong_type(-1, field_path(path, "options"), "a function(ui) or nil");
    declaration.has_options = options == LUA_TFUNCTION;
    return declaration;
}

LuaView::LuaView(std::shared_ptr<const LuaPlugin> plugin, const tessera_host_t* host,
                 std::string name, std::string version)
    : lua_plugin_(std::move(plugin)),
      host_(host),
      name_(std::move(name)),
      version_(std::move(version)) {
    if (!lua_plugin_ || !lua_plugin_->info().view)
        throw Error("LuaView: the plugin declares no view");
    if (host_ != nullptr && host_->get_extension != nullptr)
        log_ = static_cast<const tessera_host_log_t*>(
            host_->get_extension(host_, TESSERA_EXT_HOST_LOG));
    const ViewDeclaration& declared = *lua_plugin_->info().view;
    descriptor_ = tessera_plugin_descriptor_t{
        .sdk_version = TESSERA_VERSION_INIT,
        .id = lua_plugin_->info().id.c_str(),
        .name = name_.c_str(),
        .vendor = nullptr,
        .version = version_.c_str(),
        .description = declared.name.c_str(),
    };
    plugin_struct_ = tessera_plugin_t{
        .desc = &descriptor_,
        .plugin_data = this,
        .init = plugin_init,
        .destroy = plugin_destroy,
        .get_extension = plugin_extension,
        .get_last_error = plugin_last_error,
    };
    for (const ViewTool& tool : declared.tools)
        tools_.push_back({.id = tool.id.c_str(), .name = tool.name.c_str(), .key = tool.key});
    view_struct_ = tessera_plugin_view_t{
        .name = declared.name.c_str(),
        .media_kinds = declared.media_kinds.c_str(),
        .tools = tools_.data(),
        .tool_count = static_cast<std::uint32_t>(tools_.size()),
        .open_item = view_open_item,
        .set_annotations = view_set_annotations,
        .frame = view_frame,
        .options = declared.has_options ? view_options : nullptr,
    };
    ui_.submit = [this](lua_State* L, int ops, std::string_view comment) {
        return submit(L, ops, comment);
    };
}

LuaView::~LuaView() {
    handles_.reset();
    sandbox_.reset();
}

void LuaView::open() {
    const LuaPlugin& plugin = *lua_plugin_;
    auto sandbox = std::make_unique<Sandbox>(plugin.info().id, plugin.limits());
    if (plugin.print()) sandbox->set_log(plugin.print());
    auto handles = std::make_unique<Handles>(*sandbox);
    plugin.run_init(*sandbox);
    lua_State* L = sandbox->state();
    Sandbox::HostScope host(*sandbox);
    const TableReader reader(L, plugin.file().generic_string(), plugin.limits().host_bytes);
    const int table = lua_gettop(L);
    const std::string path = "views[" + std::to_string(plugin.info().view_entry) + "]";
    if (reader.push_field(table, "views") != LUA_TTABLE ||
        lua_rawgeti(L, -1, static_cast<lua_Integer>(plugin.info().view_entry)) != LUA_TTABLE ||
        read_view_declaration(reader, lua_gettop(L), path) != *plugin.info().view)
        reader.fail(path, "declares another view than when the plugin was loaded");
    const int view = lua_gettop(L);
    int* const refs[] = {&open_item_ref_, &set_annotations_ref_, &frame_ref_, &options_ref_};
    const char* const names[] = {"open_item", "set_annotations", "frame", "options"};
    for (std::size_t i = 0; i < std::size(refs); ++i) {
        (void)reader.push_field(view, names[i]);
        *refs[i] = lua_isfunction(L, -1) ? luaL_ref(L, LUA_REGISTRYINDEX) : LUA_NOREF;
        if (*refs[i] == LUA_NOREF) lua_pop(L, 1);
    }
    lua_settop(L, 0);
    register_ui(*sandbox, ui_);
    handles_ = std::move(handles);
    sandbox_ = std::move(sandbox);
}

bool LuaView::ready(const char* call) noexcept {
    if (sandbox_) return true;
    // What failed once fails again: frame() would run init.lua 60 times a second.
    if (open_failed_) return false;
    try {
        open();
    } catch (const std::exception& e) {
        handles_.reset();
        sandbox_.reset();
        open_failed_ = true;
        report(call, e.what());
        return false;
    }
    if (item_bytes_.empty() || show_item(call)) return true;
    // A fresh state that runs out of memory on being shown the item is closed again.
    open_failed_ = !sandbox_;
    return false;
}

void LuaView::begin_item() {
    if (handles_->active()) handles_->end_item();
    handles_->begin_item(*flatbuffers::GetRoot<v1::Item>(item_bytes_.data()),
                         *flatbuffers::GetRoot<v1::AnnotationSet>(set_bytes_.data()));
}

bool LuaView::show_item(const char* what) noexcept {
    lua_State* L = sandbox_->state();
    {
        Sandbox::HostScope host(*sandbox_);
        begin_item();
        lua_rawgeti(L, LUA_REGISTRYINDEX, open_item_ref_);
        handles_->push_item(L);
        push_annotation_list(L, *handles_);
        lua_pushlstring(L, media_path_.data(), media_path_.size());
    }
    return call(what, 3);
}

bool LuaView::call(const char* what, int nargs) noexcept {
    ++depth_;
    const CallResult result = sandbox_->try_call(nargs, 0);
    --depth_;
    if (result.ok()) return true;
    report(what, result.message);
    // A host that calls back into the view from ui:submit must not see the
    // state closed under the call still running in it.
    if (result.failure == Failure::Memory && depth_ == 0) {
        // Start afresh on the next call: the globals may fill the cap.
        handles_.reset();
        sandbox_.reset();
    }
    return false;
}

tessera_status_t LuaView::open_item(tessera_bytes_t item, tessera_bytes_t annotations,
                                    const char* media_path) noexcept {
    try {
        (void)verified_root<v1::Item>(span_of(item), v1::ItemIdentifier(), "open_item: item");
        (void)verified_root<v1::AnnotationSet>(span_of(annotations), v1::AnnotationSetIdentifier(),
                                               "open_item: annotations");
        if (handles_ && handles_->active()) handles_->end_item();
        item_bytes_.assign(item.data, item.data + item.size);
        set_bytes_.assign(annotations.data, annotations.data + annotations.size);
        media_path_ = media_path != nullptr ? media_path : "";
        schema_read_ = false;
        open_failed_ = false;  // another item may fit, or init.lua fail no longer
    } catch (const std::exception& e) {
        item_bytes_.clear();
        set_bytes_.clear();
        report("open_item", e.what());
        return TESSERA_INVALID_ARGUMENT;
    }
    if (!sandbox_) return ready("open_item") && sandbox_ ? TESSERA_OK : TESSERA_ERROR;
    return show_item("open_item") ? TESSERA_OK : TESSERA_ERROR;
}

tessera_status_t LuaView::set_annotations(tessera_bytes_t annotations) noexcept {
    if (item_bytes_.empty()) {
        report("set_annotations", "no item is open");
        return TESSERA_ERROR;
    }
    try {
        (void)verified_root<v1::AnnotationSet>(span_of(annotations), v1::AnnotationSetIdentifier(),
                                               "set_annotations: annotations");
        if (handles_ && handles_->active()) handles_->end_item();
        set_bytes_.assign(annotations.data, annotations.data + annotations.size);
    } catch (const std::exception& e) {
        report("set_annotations", e.what());
        return TESSERA_INVALID_ARGUMENT;
    }
    if (!sandbox_) return ready("set_annotations") && sandbox_ ? TESSERA_OK : TESSERA_ERROR;
    lua_State* L = sandbox_->state();
    {
        Sandbox::HostScope host(*sandbox_);
        begin_item();
        lua_rawgeti(L, LUA_REGISTRYINDEX, set_annotations_ref_);
        push_annotation_list(L, *handles_);
        handles_->push_item(L);
    }
    return call("set_annotations", 2) ? TESSERA_OK : TESSERA_ERROR;
}

void LuaView::call_with_ui(const char* what, int function, const tessera_host_ui_t& api,
                           tessera_ui_t* ui, const tessera_view_state_t* state) noexcept {
    lua_State* L = sandbox_->state();
    ui_.api = &api;
    ui_.ui = ui;
    ui_.active = true;
    {
        Sandbox::HostScope host(*sandbox_);
        lua_rawgeti(L, LUA_REGISTRYINDEX, function);
        push_ui(L, ui_);
        if (state != nullptr) {
            lua_createtable(L, 0, 4);
            lua_pushstring(L, state->tool != nullptr ? state->tool : "");
            lua_setfield(L, -2, "tool");
            lua_pushstring(L, state->label != nullptr ? state->label : "");
            lua_setfield(L, -2, "label");
            lua_pushinteger(L, static_cast<lua_Integer>(state->selected));
            lua_setfield(L, -2, "selected");
            lua_pushstring(L, state->author != nullptr ? state->author : "");
            lua_setfield(L, -2, "author");
        }
    }
    (void)call(what, state != nullptr ? 2 : 1);
    ui_.active = false;
    ++ui_.generation;
    ui_.api = nullptr;
    ui_.ui = nullptr;
}

void LuaView::frame(const tessera_host_ui_t& api, tessera_ui_t* ui,
                    const tessera_view_state_t& state) noexcept {
    if (item_bytes_.empty() || !ready("frame")) return;
    if (!sandbox_) return;  // opening it showed the item, which ran out of memory
    try {
        author_ = state.author != nullptr ? state.author : "";
    } catch (...) {
        author_.clear();
    }
    call_with_ui("frame", frame_ref_, api, ui, &state);
}

void LuaView::options(const tessera_host_ui_t& api, tessera_ui_t* ui) noexcept {
    if (!ready("options") || !sandbox_ || options_ref_ == LUA_NOREF) return;
    call_with_ui("options", options_ref_, api, ui, nullptr);
}

const v1::LabelSchema* LuaView::schema() noexcept {
    if (!schema_read_) {
        schema_read_ = true;
        schema_bytes_ = cpp::Host(host_).read_label_schema();  // verified, or empty
    }
    // Without one, attributes are typed by their Lua values.
    return schema_bytes_.empty() ? nullptr : v1::GetLabelSchema(schema_bytes_.data());
}

SubmitOutcome LuaView::submit(lua_State* L, int ops, std::string_view comment) noexcept {
    try {
        std::vector<std::uint8_t> batch;
        {
            Sandbox::HostScope host(*sandbox_);
            StackTop top(L);
            const EditTarget target{
                .item = flatbuffers::GetRoot<v1::Item>(item_bytes_.data())->id(),
                .annotations = flatbuffers::GetRoot<v1::AnnotationSet>(set_bytes_.data()),
                .schema = schema(),
                .author = author_,
                .time_ms = now_ms(),
            };
            const std::string fallback = name_ + " view";
            batch = read_edit_batch(L, ops, target, comment.empty() ? fallback : comment);
        }
        const auto* project = host_ != nullptr
                                  ? static_cast<const tessera_host_project_t*>(
                                        host_->get_extension(host_, TESSERA_EXT_HOST_PROJECT))
                                  : nullptr;
        if (project == nullptr) {
            ui_.message = "the host has no open project to edit";
            return SubmitOutcome::Refused;
        }
        if (project->submit_edits(host_, {batch.data(), batch.size()}, nullptr) != TESSERA_OK) {
            const char* why = project->get_last_error(host_);
            ui_.message = why != nullptr && *why != '\0' ? why : "the host refused the edit";
            return SubmitOutcome::Refused;
        }
        return SubmitOutcome::Applied;
    } catch (const Error& e) {
        ui_.message = e.what();
        return SubmitOutcome::BadTable;
    } catch (const std::exception& e) {
        ui_.message = std::string("ui:submit: ") + e.what();
    } catch (...) {
        ui_.message = "ui:submit: unknown error";
    }
    return SubmitOutcome::Refused;
}

void LuaView::report(const char* call, std::string_view message) noexcept {
    // A frame that fails fails again 60 times a second: each message is logged once.
    constexpr std::size_t kMaxLogged = 256;
    try {
        last_error_ = std::string(call) + ": " + std::string(message);
        if (logged_.size() >= kMaxLogged || !logged_.insert(last_error_).second) return;
        if (log_ != nullptr && log_->log != nullptr)
            log_->log(host_, &plugin_struct_, TESSERA_LOG_ERROR, last_error_.c_str());
    } catch (...) {
        // Out of memory for a message: nothing better to do.
    }
}

}  // namespace tessera::lua
