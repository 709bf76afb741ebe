#pragma once
// The `ui` object a Lua view receives in frame(ui, state) and options(ui):
// tessera.host.ui/1 as methods of a userdata (plugins/lua/README.md "Handles in
// Lua"). A `ui` is valid only during the call that received it; a kept one
// raises "ui used after its frame() or options() call returned".
//
// Implemented: every drawing, input and widget function of tessera.host.ui/1,
//   label_color, label_name, select, and ui:submit (lua/view_plugin/view_edits.cpp).
// Missing: create_texture, destroy_texture and image: a Lua view cannot read
//   or decode media, so it has no pixels to upload.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/ext/host_ui.h>

#include "lua/sandbox.hpp"

namespace tessera::lua {

/// What ui:submit reports back to Lua.
enum class SubmitOutcome {
    Applied,   ///< the host applied the batch: ui:submit returns true
    Refused,   ///< the host refused it: ui:submit returns nil, UiFrame::message
    BadTable,  ///< the table is malformed: ui:submit raises UiFrame::message
};

/// The host UI of the callback running now. One per view adapter, registered
/// with its sandbox by register_ui(); must outlive the sandbox's use of it.
struct UiFrame {
    const tessera_host_ui_t* api = nullptr;
    tessera_ui_t* ui = nullptr;
    /// True during a frame() or options() call.
    bool active = false;
    /// Changes after every call, so that a `ui` kept from an earlier call is refused.
    std::uint64_t generation = 1;
    /// Builds and submits the batch of the ops table at stack index `ops` with
    /// `comment`; on failure leaves the reason in `message`. Must not raise Lua
    /// errors (it runs inside a Lua C function): Lua API calls only under a
    /// Sandbox::HostScope, every exception caught.
    std::function<SubmitOutcome(lua_State* L, int ops, std::string_view comment)> submit;
    /// Why the last submit failed; outlives the C++ frame that set it, so that
    /// a Lua error can quote it after that frame returned.
    std::string message;
    /// The points of one polyline or polygon, reused from call to call.
    std::vector<tessera_ui_vec2_t> points;
};

/// Registers the `ui` metatable in `sandbox`'s state, its methods reaching
/// `frame` (which must outlive the state). Host side.
void register_ui(Sandbox& sandbox, UiFrame& frame);

/// Pushes a `ui` for the current call of `frame` (set `active` first). Host side:
/// hold a Sandbox::HostScope.
void push_ui(lua_State* L, const UiFrame& frame);

}  // namespace tessera::lua
