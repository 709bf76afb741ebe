#include "loader/search_path.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "loader/manifest.hpp"

namespace tessera::plugins {

std::string_view to_string(Origin origin) {
    switch (origin) {
        case Origin::Project:
            return "project";
        case Origin::User:
            return "user";
        case Origin::PluginPath:
            return "TESSERA_PLUGIN_PATH";
        case Origin::Builtin:
            return "built-in";
    }
    return "unknown";
}

std::optional<std::string> process_env(std::string_view name) {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

bool project_native_allowed(const EnvLookup& env) {
    return env(kAllowProjectNativeEnv) == std::optional<std::string>("1");
}

std::vector<SearchFolder> plugin_search_path(const SearchPathOptions& options,
                                             const EnvLookup& env) {
    std::vector<SearchFolder> path;
    if (!options.project_dir.empty())
        path.push_back({options.project_dir / "plugins", Origin::Project});

    const auto non_empty = [&](std::string_view name) -> std::optional<std::string> {
        auto value = env(name);
        if (value && value->empty()) return std::nullopt;
        return value;
    };
    if (const auto user = non_empty("TESSERA_USER_PLUGIN_DIR"))
        path.push_back({*user, Origin::User});
    else if (const auto data = non_empty("XDG_DATA_HOME"))
        path.push_back({std::filesystem::path(*data) / "tessera" / "plugins", Origin::User});
    else if (const auto home = non_empty("HOME"))
        path.push_back({std::filesystem::path(*home) / ".local" / "share" / "tessera" / "plugins",
                        Origin::User});

    if (const auto list = env("TESSERA_PLUGIN_PATH")) {
        std::string_view rest = *list;
        while (true) {
            const std::size_t colon = rest.find(':');
            const std::string_view entry = rest.substr(0, colon);
            if (!entry.empty()) path.push_back({std::filesystem::path(entry), Origin::PluginPath});
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
    }

    if (!options.builtin_dir.empty()) path.push_back({options.builtin_dir, Origin::Builtin});
    return path;
}

namespace {

// Whether `dir` holds an entry plugin.json, of whatever kind: one that is not a
// regular file is then refused with a line saying what it is, not skipped unseen.
bool holds_manifest(const std::filesystem::path& dir, std::error_code& ec) {
    return std::filesystem::exists(std::filesystem::symlink_status(dir / kManifestFileName, ec));
}

}  // namespace

std::vector<std::filesystem::path> plugin_folders(const std::filesystem::path& search_folder) {
    std::vector<std::filesystem::path> folders;
    std::error_code ec;
    // A plugin's own folder on the path (TESSERA_PLUGIN_PATH=build/my-plugin) is that plugin.
    if (holds_manifest(search_folder, ec)) return {search_folder};
    std::filesystem::directory_iterator it(search_folder, ec);
    if (ec) return folders;
    for (const auto end = std::filesystem::directory_iterator(); it != end; it.increment(ec)) {
        if (ec) break;
        std::error_code entry_ec;
        if (!it->is_directory(entry_ec)) continue;
        if (holds_manifest(it->path(), entry_ec)) folders.push_back(it->path());
    }
    std::sort(folders.begin(), folders.end());
    return folders;
}

}  // namespace tessera::plugins
