#include "plugin_setup.hpp"

#include <chrono>
#include <system_error>

#include "builtin_formats.hpp"
#include "builtin_rules.hpp"
#include "core/error.hpp"
#include "loader/search_path.hpp"
#include "qa/engine.hpp"

namespace tessera::host {

std::vector<std::filesystem::path> builtin_plugin_dirs() {
    std::error_code error;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        const std::filesystem::path installed =
            exe.parent_path().parent_path() / "share/tessera/plugins";
        if (std::filesystem::is_directory(installed, error)) return {installed};
    }
    return {TESSERA_SOURCE_PLUGIN_DIR, TESSERA_BUILD_PLUGIN_DIR};
}

plugins::LuaLimits lua_limits(const std::filesystem::path& project_dir) {
    plugins::LuaLimits limits;
    if (project_dir.empty()) return limits;
    const std::filesystem::path file = project_dir / store::kProjectFileName;
    std::error_code error;
    if (!std::filesystem::is_regular_file(file, error)) return limits;
    // A project file that does not read is reported by the command that opens the project.
    store::LuaLimitSettings settings;
    try {
        settings = store::read_project_file(file).lua;
    } catch (const Error&) {
        return limits;
    }
    if (settings.instructions) limits.instructions = *settings.instructions;
    if (settings.time_ms) limits.time = std::chrono::milliseconds(*settings.time_ms);
    if (settings.memory_mib) limits.memory = static_cast<std::size_t>(*settings.memory_mib) << 20;
    if (settings.host_mib) limits.host_bytes = static_cast<std::size_t>(*settings.host_mib) << 20;
    return limits;
}

std::unique_ptr<plugins::PluginHost> load_plugins(const PluginSetup& setup) {
    // Whether a project may bring native code is the user's call, never the project's.
    auto host = std::make_unique<plugins::PluginHost>(
        plugins::LoadOptions{.disabled = setup.disabled,
                             .lua = lua_limits(setup.project_dir),
                             .allow_project_native = plugins::project_native_allowed()},
        setup.host_name, TESSERA_VERSION);
    if (setup.quiet) host->set_log([](tessera_log_level_t, std::string_view, std::string_view) {});
    if (setup.prepare) setup.prepare(*host);
    for (const formats::Format& format :
         {formats::coco_format(), formats::yolo_format(), formats::voc_format(),
          formats::labelme_format(), formats::cvat_format()}) {
        host->add_builtin({.id = "tessera.format." + std::string(format.name),
                           .name = std::string(format.description),
                           .version = TESSERA_VERSION,
                           .formats = {format}});
    }
    host->add_builtin({.id = std::string(qa::kBuiltinPluginId),
                       .name = "Built-in QA rules",
                       .version = TESSERA_VERSION,
                       .rules = &rules::builtin_rules()});
    const std::vector<std::filesystem::path> builtin = builtin_plugin_dirs();
    std::vector<plugins::SearchFolder> search_path = plugins::plugin_search_path(
        {.project_dir = setup.project_dir, .builtin_dir = builtin.front()});
    for (std::size_t i = 1; i < builtin.size(); ++i)
        search_path.push_back({.path = builtin[i], .origin = plugins::Origin::Builtin});
    host->load(search_path);
    return host;
}

std::vector<std::string> default_qa_plugins(const plugins::PluginHost& host,
                                            const store::ProjectFile& file,
                                            const std::filesystem::path& project_dir) {
    std::vector<std::string> ids;
    if (const plugins::SchemaRecord* schema = host.find_schema(file.schema))
        ids.push_back(schema->plugin_id);
    const std::filesystem::path local = std::filesystem::weakly_canonical(project_dir / "plugins");
    for (const plugins::PluginRecord& p : host.plugins())
        if (!p.folder.empty() && std::filesystem::weakly_canonical(p.folder).parent_path() == local)
            ids.push_back(p.id);
    return ids;
}

std::vector<const plugins::PluginRecord*> refused_project_plugins(const plugins::PluginHost& host) {
    std::vector<const plugins::PluginRecord*> refused;
    for (const plugins::PluginRecord& p : host.plugins())
        if (p.origin == plugins::Origin::Project && p.state == plugins::State::Refused)
            refused.push_back(&p);
    return refused;
}

}  // namespace tessera::host
