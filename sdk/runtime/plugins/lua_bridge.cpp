#include "plugins/lua_bridge.hpp"

#include "lua/lua_plugin.hpp"
#include "tessera/ext/view.h"

namespace tessera::plugins {

Contribution load_lua_plugin(const Manifest& manifest, const LuaLimits& limits,
                             std::shared_ptr<const HostExtensions> host) {
    std::shared_ptr<lua::LuaPlugin> plugin = lua::load_lua_plugin(
        manifest.dir, manifest.id, manifest.file,
        lua::Limits{.memory = limits.memory_bytes, .instructions = limits.instructions},
        [host = std::move(host), id = manifest.id](std::string_view line) {
            host->log(TESSERA_LOG_INFO, id, line);
        });
    const lua::LuaPluginInfo& info = plugin->info();
    Contribution contribution;
    contribution.schemas =
        info.label_schemas;  // verified by the Lua runtime; verified again on accept
    if (!info.label_schemas.empty()) contribution.extensions.emplace_back("tessera.label-schema/1");
    if (!info.rules.empty()) {
        contribution.extensions.emplace_back("tessera.qa-rules/1");
        contribution.rules = plugin.get();
    }
    if (!info.views.empty()) contribution.extensions.emplace_back(TESSERA_EXT_VIEW);
    contribution.keep_alive = std::move(plugin);
    return contribution;
}

}  // namespace tessera::plugins
