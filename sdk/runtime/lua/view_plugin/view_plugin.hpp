#pragma once
// A view written in Lua (plugins/lua/README.md "Views in Lua") presented to
// the host as a native tessera.view/1 view: a real tessera_plugin_t and
// tessera_plugin_view_t whose callbacks are noexcept trampolines into the
// functions init.lua declares.
//
// The view has a main-thread sandbox of its own, opened on the first call
// (a host that never shows a view, like the CLI, never runs it): init.lua runs
// again there and must declare the same view as when the plugin loaded. Each
// call into Lua has the instruction budget; a failing callback is logged
// through the host's tessera.host.log/1 once per distinct message and the
// host goes on. A state that runs out of memory is replaced by a fresh one
// that is shown the open item again. A state that cannot be opened (init.lua
// fails, or a fresh state runs out of memory on the item) is not tried again
// before the next open_item().
//
// Lifetimes: the adapter keeps copies of the item and annotation set it is
// handed, so the item and annotation handles Lua receives in open_item() or
// set_annotations() stay valid until the next of those calls (which passes
// fresh ones) and no longer.
//
// Implemented: open_item, set_annotations, frame, options; edits through the
//   host's tessera.host.project/1 (ui:submit, lua/view_plugin/view_edits.hpp).
// Missing: textures (lua/view_plugin/view_ui.hpp).

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/ext/host_log.h>
#include <tessera/ext/view.h>
#include <tessera/host.h>

#include "lua/handles.hpp"
#include "lua/lua_plugin.hpp"
#include "lua/view_plugin/view_ui.hpp"

namespace tessera::lua {

/// The tessera.view/1 view of one Lua plugin. [main-thread] for everything;
/// not movable (the C structs point into it).
class LuaView {
public:
    /// The view `plugin` declares (its info().view must be set). `host` is the
    /// plugin's tessera_host_t (HostExtensions::host_for(plugin id)), which
    /// must outlive the view: logs go through its tessera.host.log/1, edits
    /// through its tessera.host.project/1. `name` and `version` describe the plugin.
    LuaView(std::shared_ptr<const LuaPlugin> plugin, const tessera_host_t* host, std::string name,
            std::string version);
    ~LuaView();
    LuaView(const LuaView&) = delete;
    LuaView& operator=(const LuaView&) = delete;

    /// The instance and its view extension; they live as long as this object.
    [[nodiscard]] const tessera_plugin_t* plugin() const { return &plugin_struct_; }
    [[nodiscard]] const tessera_plugin_view_t* view() const { return &view_struct_; }

    // What the trampolines call; none throws.
    tessera_status_t open_item(tessera_bytes_t item, tessera_bytes_t annotations,
                               const char* media_path) noexcept;
    tessera_status_t set_annotations(tessera_bytes_t annotations) noexcept;
    void frame(const tessera_host_ui_t& api, tessera_ui_t* ui,
               const tessera_view_state_t& state) noexcept;
    void options(const tessera_host_ui_t& api, tessera_ui_t* ui) noexcept;
    [[nodiscard]] const char* last_error() const noexcept { return last_error_.c_str(); }

private:
    // Opens the sandbox and reads the view's functions; throws Error.
    void open();
    // Opens the sandbox if there is none (showing it the open item); false when
    // that failed, now or since the last open_item().
    bool ready(const char* call) noexcept;
    // Points the item handles at the kept copies.
    void begin_item();
    // Calls Lua's open_item with the kept item; false when it failed.
    bool show_item(const char* what) noexcept;
    // Runs the Lua function in registry slot `function` with the `nargs`
    // arguments on the stack; reports a failure. False when it failed.
    bool call(const char* what, int nargs) noexcept;
    // Runs frame() or options() with a `ui` (and `state`, for frame()).
    void call_with_ui(const char* what, int function, const tessera_host_ui_t& api,
                      tessera_ui_t* ui, const tessera_view_state_t* state) noexcept;
    // Builds and submits ui:submit's batch (UiFrame::submit).
    SubmitOutcome submit(lua_State* L, int ops, std::string_view comment) noexcept;
    // The project's label schema (read once per item; nullptr when unavailable).
    const v1::LabelSchema* schema() noexcept;
    // Remembers `message` as the last error and logs it unless it was logged before.
    void report(const char* call, std::string_view message) noexcept;

    std::shared_ptr<const LuaPlugin> lua_plugin_;
    const tessera_host_t* host_;
    const tessera_host_log_t* log_ = nullptr;
    std::string name_;
    std::string version_;

    tessera_plugin_descriptor_t descriptor_{};
    tessera_plugin_t plugin_struct_{};
    std::vector<tessera_view_tool_t> tools_;
    tessera_plugin_view_t view_struct_{};

    UiFrame ui_;  // outlives the sandbox, whose `ui` methods reach it
    std::unique_ptr<Sandbox> sandbox_;
    std::unique_ptr<Handles> handles_;  // destroyed before sandbox_
    // Registry references of open_item, set_annotations, frame, options (LUA_NOREF if none).
    int open_item_ref_ = LUA_NOREF, set_annotations_ref_ = LUA_NOREF, frame_ref_ = LUA_NOREF,
        options_ref_ = LUA_NOREF;

    std::vector<std::uint8_t> item_bytes_;  // empty while no item is open
    std::vector<std::uint8_t> set_bytes_;
    std::string media_path_;
    std::string author_;  // of the last frame, for edits made in options()
    std::vector<std::uint8_t> schema_bytes_;
    bool schema_read_ = false;

    bool open_failed_ = false;  // opening failed; tried again at the next open_item()
    int depth_ = 0;  // calls into Lua running now (more than one when the host calls back)
    std::string last_error_;
    std::set<std::string, std::less<>> logged_;  // messages logged once already
};

}  // namespace tessera::lua
