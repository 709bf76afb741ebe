// `tessera`: the headless host. Exit codes: 0 ok, 1 findings or bad input, 2 usage.

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string_view>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/display_text.hpp"
#include "core/error.hpp"
#include "core/heap.hpp"
#include "plugin_setup.hpp"

namespace tessera::cli {

Context::Context() = default;
Context::~Context() = default;

plugins::PluginHost& Context::plugins(const std::filesystem::path& project_dir) const {
    if (!plugins_) plugins_ = host::load_plugins({.project_dir = project_dir, .quiet = quiet_});
    return *plugins_;
}

}  // namespace tessera::cli

namespace {

using namespace tessera::cli;

struct Command {
    std::string_view name;
    std::string_view synopsis;
    int (*run)(const Context&, const Args&);
    std::set<std::string> with_value;
    std::set<std::string> switches;
    /// Takes the options of the format it names (`--voc-origin 1`).
    bool format_options = false;
};

const Command kCommands[] = {
    {"init", "init DIR [--name NAME] [--schema ID]", run_init, {"--name", "--schema"}, {}},
    {"add", "add DIR PATH...", run_add, {}, {}},
    {"import",
     "import DIR --format FORMAT PATH [--merge] [--author NAME] [--strict] [--json] [FORMAT "
     "OPTIONS]",
     run_import,
     {"--format", "--author"},
     {"--merge", "--strict", "--json"},
     true},
    {"export",
     "export DIR --format FORMAT --out PATH [--copy-media] [--strict] [--json] [FORMAT OPTIONS]",
     run_export,
     {"--format", "--out"},
     {"--copy-media", "--strict", "--json"},
     true},
    {"info", "info DIR [--json]", run_info, {}, {"--json"}},
    {"assign",
     "assign DIR (--to NAME | --unassign) (ITEM_ID... | [--from NAME] [--state STATE] [--count N]) "
     "[--author NAME] [--json]",
     run_assign,
     {"--to", "--from", "--state", "--count", "--author"},
     {"--unassign", "--json"}},
    {"role",
     "role DIR [--json] | role DIR NAME annotator|inspector|lead|none | role DIR --self-review "
     "allow|forbid "
     "[--author NAME]",
     run_role,
     {"--self-review", "--author"},
     {"--json"}},
    {"validate", "validate DIR [--json]", run_validate, {}, {"--json"}},
    {"formats", "formats", run_formats, {}, {}},
    {"qa",
     "qa DIR [--rules ID,...] [--threads N] [--json] [--report FILE] [--list]",
     run_qa,
     {"--rules", "--threads", "--report"},
     {"--json", "--list"}},
    {"plugins", "plugins list [--project DIR] [--json]", run_plugins, {"--project"}, {"--json"}},
    {"schema",
     "schema list [--project DIR] | schema show ID [--project DIR] [--json]",
     run_schema,
     {"--project"},
     {"--json"}},
};

void print_usage(std::FILE* to) {
    fmt::print(to, "usage: tessera COMMAND [ARGS]\n\ncommands:\n");
    for (const Command& c : kCommands) fmt::print(to, "  tessera {}\n", c.synopsis);
    fmt::print(to,
               "\n--verbose (with any command): after an error, also print what failed inside\n"
               "(the SQL statement, SQLite's codes), for a bug report\n"
               "\nexit codes: 0 ok, 1 findings or bad input, 2 usage\n"
               "FORMAT OPTIONS: `tessera formats` lists the options each format takes\n"
               "see docs/cli.md for the reference of every command\n");
}

}  // namespace

int main(int argc, char** argv) {
    tessera::tune_heap_for_batch_programs();
    std::vector<std::string> all(argv + 1, argv + argc);
    const auto verbose_flag = std::remove(all.begin(), all.end(), std::string("--verbose"));
    const bool verbose = verbose_flag != all.end();
    all.erase(verbose_flag, all.end());
    if (all.empty()) {
        print_usage(stderr);
        return kUsage;
    }
    if (all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
        print_usage(stdout);
        return kOk;
    }
    if (all[0] == "--version") {
        fmt::print("tessera {}\n", TESSERA_VERSION);
        return kOk;
    }
    const Command* command = nullptr;
    for (const Command& c : kCommands)
        if (c.name == all[0]) command = &c;
    if (command == nullptr) {
        fmt::print(stderr, "tessera: unknown command '{}'\n", all[0]);
        print_usage(stderr);
        return kUsage;
    }

    const Context context;
    try {
        const Args args = parse_args({all.begin() + 1, all.end()}, command->with_value,
                                     command->switches, command->format_options);
        return command->run(context, args);
    } catch (const UsageError& e) {
        fmt::print(stderr, "tessera {}: {}\nusage: tessera {}\n", command->name, e.what(),
                   command->synopsis);
        return kUsage;
    } catch (const tessera::Error& e) {
        // An error may quote a plugin or an input file: one line, nothing a terminal acts on.
        fmt::print(stderr, "{}\n", tessera::terminal_text(e.what()));
        if (verbose && !e.detail().empty())
            fmt::print(stderr, "  detail: {}\n", tessera::terminal_text(e.detail()));
        return kFindings;
    } catch (const std::exception& e) {
        fmt::print(stderr, "tessera {}: internal error: {}\n", command->name,
                   tessera::terminal_text(e.what()));
        return kFindings;
    }
}
