// tessera init DIR [--name NAME]

#include <fmt/format.h>

#include "cli.hpp"
#include "store/project.hpp"

namespace tessera::cli {

int run_init(const Context&, const Args& args) {
    if (args.positional.size() != 1) throw UsageError("expected one project folder");
    const std::filesystem::path dir = args.positional[0];
    std::string name = args.value("--name");
    if (name.empty()) name = std::filesystem::absolute(dir).lexically_normal().filename().string();
    if (name.empty()) name = std::filesystem::absolute(dir).lexically_normal().parent_path().filename().string();
    const store::Project project = store::Project::create(dir, name);
    fmt::print("created project '{}' in {}\n", name, dir.string());
    return kOk;
}

}  // namespace tessera::cli
