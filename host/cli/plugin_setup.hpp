#pragma once
// The plugins of the `tessera` CLI: the built-in formats and rules, then
// native and Lua plugins from the search path (DESIGN.md §4).

#include <filesystem>
#include <memory>

#include "plugins/loader.hpp"

namespace tessera::cli {

/// The folder of plugins shipped with Tessera: <prefix>/share/tessera/plugins
/// next to an installed binary, else the source tree's plugins/lua.
[[nodiscard]] std::filesystem::path builtin_plugin_dir();

/// Registers the built-in plugins, then loads the search path with
/// `project_dir`'s plugins/ folder first (empty = no project). Refused plugins
/// are logged to stderr and listed by `tessera plugins list`.
/// With `quiet`, the loader's log lines are dropped.
[[nodiscard]] std::unique_ptr<plugins::PluginHost> load_plugins(const std::filesystem::path& project_dir,
                                                                bool quiet = false);

}  // namespace tessera::cli
