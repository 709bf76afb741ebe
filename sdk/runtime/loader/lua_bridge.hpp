#pragma once
// The one place the loader meets the Lua runtime (sdk/runtime/lua): a Lua
// plugin's init.lua run in the sandbox, turned into a Contribution.

#include "loader/loader.hpp"
#include "loader/manifest.hpp"

namespace tessera::plugins {

/// Loads the Lua plugin `manifest` describes; throws Error with the reason it
/// is refused (without the plugin id, which the caller adds). [main-thread]
/// Its print() lines go to `host`'s log, attributed to the plugin. A view it
/// defines becomes a tessera.view/1 view that logs and submits edits through
/// `host` like a native plugin's.
[[nodiscard]] Contribution load_lua_plugin(const Manifest& manifest, const LuaLimits& limits,
                                           std::shared_ptr<HostExtensions> host);

}  // namespace tessera::plugins
