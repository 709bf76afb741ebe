#pragma once
// The one place the loader meets the Lua runtime (sdk/runtime/lua): a Lua
// plugin's init.lua run in the sandbox, turned into a Contribution.

#include "plugins/loader.hpp"
#include "plugins/manifest.hpp"

namespace tessera::plugins {

/// Loads the Lua plugin `manifest` describes; throws Error with the reason it
/// is refused (without the plugin id, which the caller adds). [main-thread]
[[nodiscard]] Contribution load_lua_plugin(const Manifest& manifest, const LuaLimits& limits);

}  // namespace tessera::plugins
