// tessera init DIR [--name NAME]

#include <fmt/format.h>

#include "cli.hpp"
#include "store/project.hpp"

namespace tessera::cli {

int run_init(const Context&, const Args& args) {
    if (args.positional.size() != 1) throw UsageError("expected one project folder");
    const std::filesystem::path dir = args.positional[0];
    // An empty --name lets the store name the project after its folder.
    const store::Project project = store::Project::create(dir, args.value("--name"));
    fmt::print("created project '{}' in {}\n", project.settings().name, dir.string());
    return kOk;
}

}  // namespace tessera::cli
