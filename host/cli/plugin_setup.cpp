#include "plugin_setup.hpp"

#include "cli.hpp"

#include <system_error>

#include "builtin_formats.hpp"
#include "builtin_rules.hpp"
#include "plugins/search_path.hpp"
#include "qa/engine.hpp"

namespace tessera::cli {

std::filesystem::path builtin_plugin_dir() {
    std::error_code error;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        const std::filesystem::path installed = exe.parent_path().parent_path() / "share/tessera/plugins";
        if (std::filesystem::is_directory(installed, error)) return installed;
    }
    return TESSERA_SOURCE_PLUGIN_DIR;
}

std::unique_ptr<plugins::PluginHost> load_plugins(const std::filesystem::path& project_dir, bool quiet) {
    auto host = std::make_unique<plugins::PluginHost>(plugins::LoadOptions{}, "tessera", TESSERA_VERSION);
    if (quiet) host->set_log([](tessera_log_level_t, std::string_view, std::string_view) {});
    for (const formats::Format& format :
         {formats::coco_format(), formats::yolo_format(), formats::voc_format(), formats::labelme_format()}) {
        host->add_builtin({.id = "tessera.format." + std::string(format.name),
                           .name = std::string(format.description),
                           .version = TESSERA_VERSION,
                           .formats = {format}});
    }
    host->add_builtin({.id = std::string(qa::kBuiltinPluginId),
                       .name = "Built-in QA rules",
                       .version = TESSERA_VERSION,
                       .rules = &rules::builtin_rules()});
    host->load(plugins::plugin_search_path({.project_dir = project_dir, .builtin_dir = builtin_plugin_dir()}));
    return host;
}

}  // namespace tessera::cli

namespace tessera::cli {

Context::Context() = default;
Context::~Context() = default;

plugins::PluginHost& Context::plugins(const std::filesystem::path& project_dir) const {
    if (!plugins_) plugins_ = load_plugins(project_dir, quiet_);
    return *plugins_;
}

}  // namespace tessera::cli
