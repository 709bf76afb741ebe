#include "loader/lua_bridge.hpp"

#include <utility>

#include "lua/lua_plugin.hpp"
#include "lua/view_plugin/view_plugin.hpp"
#include "tessera/ext/view.h"

namespace tessera::plugins {

Contribution load_lua_plugin(const Manifest& manifest, const LuaLimits& limits,
                             std::shared_ptr<HostExtensions> host) {
    std::shared_ptr<lua::LuaPlugin> plugin = lua::load_lua_plugin(
        manifest.dir, manifest.id, manifest.file, limits,
        [host, id = manifest.id](std::string_view line) { host->log(TESSERA_LOG_INFO, id, line); });
    const lua::LuaPluginInfo& info = plugin->info();
    Contribution contribution;
    contribution.schemas =
        info.label_schemas;  // verified by the Lua runtime; verified again on accept
    if (!info.label_schemas.empty()) contribution.extensions.emplace_back("tessera.label-schema/1");
    if (!info.rules.empty()) {
        contribution.extensions.emplace_back("tessera.qa-rules/1");
        contribution.rules = plugin.get();
    }
    if (!info.views.empty() || info.view) contribution.extensions.emplace_back(TESSERA_EXT_VIEW);
    if (info.view) {
        // Its sandbox opens on the first call, so a host that shows no view
        // (the CLI) never runs init.lua a second time.
        auto view = std::make_shared<lua::LuaView>(
            plugin, host->host_for(manifest.id),
            manifest.name.empty() ? manifest.id : manifest.name, manifest.version);
        contribution.view_plugin = view->plugin();
        contribution.view = view->view();
        contribution.keep_alive = std::make_shared<
            std::pair<std::shared_ptr<lua::LuaPlugin>, std::shared_ptr<lua::LuaView>>>(
            std::move(plugin), std::move(view));
    } else {
        contribution.keep_alive = std::move(plugin);
    }
    return contribution;
}

}  // namespace tessera::plugins
