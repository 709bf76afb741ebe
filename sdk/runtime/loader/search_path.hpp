#pragma once
// Where plugins are looked for, in order (docs/architecture.md §4). A plugin found
// earlier wins: a later plugin with the same id is refused.
//
//   1. the open project's plugins/ folder;
//   2. the user folder: $TESSERA_USER_PLUGIN_DIR, else
//      $XDG_DATA_HOME/tessera/plugins, else ~/.local/share/tessera/plugins;
//   3. each folder of $TESSERA_PLUGIN_PATH (':'-separated, empty entries skipped);
//   4. the host's built-in folder.
//
// A plugin is a direct subfolder of a search folder that holds plugin.json;
// deeper folders are not searched. A search folder that itself holds a
// plugin.json is that one plugin (so a plugin's build folder can go on
// TESSERA_PLUGIN_PATH directly).

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::plugins {

/// Where a search folder comes from, shown by `tessera plugins list`.
enum class Origin { Project, User, PluginPath, Builtin };

/// "project", "user", "TESSERA_PLUGIN_PATH" or "built-in".
[[nodiscard]] std::string_view to_string(Origin origin);

/// One folder of the search path.
struct SearchFolder {
    std::filesystem::path path{};
    Origin origin = Origin::Builtin;
};

/// What the host knows when it builds the search path.
struct SearchPathOptions {
    /// The open project's folder; empty when no project is open.
    std::filesystem::path project_dir{};
    /// The host's built-in plugin folder; empty for none.
    std::filesystem::path builtin_dir{};
};

/// Reads an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment (getenv).
[[nodiscard]] std::optional<std::string> process_env(std::string_view name);

/// The environment variable by which a user lets native plugins of a project's
/// own plugins/ folder load: "1" allows them, anything else (or unset) does not.
/// A user-side setting: nothing in a project can set it.
inline constexpr std::string_view kAllowProjectNativeEnv = "TESSERA_ALLOW_PROJECT_NATIVE_PLUGINS";

/// Whether the user allowed native plugins of a project's folder (kAllowProjectNativeEnv is "1").
[[nodiscard]] bool project_native_allowed(const EnvLookup& env = process_env);

/// The search path in order. Folders are listed whether or not they exist;
/// a folder whose environment variables are unset (no HOME) is left out.
[[nodiscard]] std::vector<SearchFolder> plugin_search_path(const SearchPathOptions& options,
                                                           const EnvLookup& env = process_env);

/// The plugin folders directly inside `search_folder` (those holding
/// plugin.json), sorted by name; `search_folder` alone when it holds
/// plugin.json itself; empty when the folder does not exist.
[[nodiscard]] std::vector<std::filesystem::path> plugin_folders(
    const std::filesystem::path& search_folder);

}  // namespace tessera::plugins
