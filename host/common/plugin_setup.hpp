#pragma once
// The plugins of a Tessera host (the CLI and the studio): the built-in
// formats and rules, then native and Lua plugins from the search path
// (docs/architecture.md §4).

#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "loader/loader.hpp"
#include "store/project_file.hpp"

namespace tessera::host {

/// The folders of plugins shipped with Tessera: <prefix>/share/tessera/plugins
/// next to an installed binary; else, in a build tree, the source tree's
/// plugins/lua and the build tree's native plugins (plugins/views).
[[nodiscard]] std::vector<std::filesystem::path> builtin_plugin_dirs();

/// What the host is called and how loading is set up.
struct PluginSetup {
    /// The open project's folder (its plugins/ folder is searched first); empty for none.
    std::filesystem::path project_dir{};
    /// What native plugins read from tessera_host_t.
    std::string host_name = "tessera";
    /// Plugin ids not to load (recorded as disabled).
    std::set<std::string, std::less<>> disabled{};
    /// Drop the loader's log lines.
    bool quiet = false;
    /// Lets the host prepare the plugin host before anything loads (offer its
    /// own extensions, route edits); may be empty.
    std::function<void(plugins::PluginHost&)> prepare{};
};

/// Registers the built-in plugins, then loads the search path. Refused plugins
/// are logged to stderr and listed by `tessera plugins list`. Native plugins of
/// the project's folder load only when the user set
/// TESSERA_ALLOW_PROJECT_NATIVE_PLUGINS=1 (plugins::project_native_allowed).
[[nodiscard]] std::unique_ptr<plugins::PluginHost> load_plugins(const PluginSetup& setup);

/// Plugins whose rules run without being enabled one by one: the plugin that
/// provides the project's schema and the plugins in the project's own
/// plugins/ folder (`project_dir`).
[[nodiscard]] std::vector<std::string> default_qa_plugins(const plugins::PluginHost& host,
                                                          const store::ProjectFile& file,
                                                          const std::filesystem::path& project_dir);

/// The plugins of the project's own plugins/ folder that were refused (a broken
/// one, or a native one the user did not allow), in the order found.
[[nodiscard]] std::vector<const plugins::PluginRecord*> refused_project_plugins(
    const plugins::PluginHost& host);

}  // namespace tessera::host
