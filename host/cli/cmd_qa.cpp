// tessera qa DIR [--rules ID,...] [--threads N] [--json] [--report FILE] [--list]
// Runs every enabled QA rule over every item; exit 1 when any error-severity
// finding exists. Exit 1 without running when a plugin of the project's folder
// (or the one providing its schema) failed to load.

#include <memory>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/display_text.hpp"
#include "core/file_io.hpp"
#include "loader/loader.hpp"
#include "plugin_setup.hpp"
#include "progress_bar.hpp"
#include "qa/engine.hpp"
#include "store/project.hpp"
#include "store/project_file.hpp"

namespace tessera::cli {
namespace {

std::vector<std::string> split_ids(const std::string& list) {
    std::vector<std::string> ids;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        if (comma > start) ids.push_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    return ids;
}

unsigned thread_count(const Args& args) {
    const std::string text = args.value("--threads", "0");
    try {
        std::size_t used = 0;
        const unsigned long n = std::stoul(text, &used);
        if (used == text.size() && n <= 256) return static_cast<unsigned>(n);
    } catch (const std::exception&) {
    }
    throw UsageError(
        fmt::format("--threads {}: expected a number from 0 (all cores) to 256", text));
}

void print_rules(const qa::RuleSet& rules) {
    for (const qa::RuleProvider* provider : rules.providers())
        for (const qa::RuleInfo& rule : provider->rules())
            fmt::print("{:32} {:8} {:3} {}  ({})\n", terminal_text(rule.id),
                       qa::severity_name(rules.severity(rule.id)),
                       rules.enabled(rule.id) ? "on" : "off", terminal_text(rule.description),
                       terminal_text(provider->plugin_id()));
}

void print_text(const qa::Report& report) {
    const v1::QaReport& root = report.root();
    if (root.findings())
        for (const v1::Finding* f : *root.findings()) {
            const auto uri = report.uris.find(f->item());
            // Rules, messages and item URIs come from plugins and imported files:
            // each finding stays one line, with nothing a terminal acts on.
            std::string where = uri != report.uris.end() ? terminal_text(uri->second) : "(project)";
            if (f->annotations() && f->annotations()->size()) {
                where += ": annotation";
                if (f->annotations()->size() > 1) where += 's';
                for (std::size_t i = 0; i < f->annotations()->size(); ++i)
                    where += fmt::format("{}{}", i ? ", " : " ", f->annotations()->Get(i));
            }
            fmt::print("{}: {}: {}: {}\n", where, qa::severity_name(f->severity()),
                       terminal_text(f->rule() ? f->rule()->string_view() : ""),
                       terminal_text(f->message() ? f->message()->string_view() : ""));
            if (f->fix() && f->fix()->size())
                fmt::print("    fix: {}\n", terminal_text(f->fix()->string_view()));
        }
    fmt::print("checked {} items, {} annotations with {} rules: {} errors, {} warnings, {} infos\n",
               root.items_checked(), root.annotations_checked(),
               root.rules() ? root.rules()->size() : 0, report.errors, report.warnings,
               report.infos);
}

// Whether every plugin the run needs loaded: those of the project's own
// plugins/ folder and the one providing the project's schema. A run without
// them would pass items their rules were meant to catch; each one missing is
// named on stderr with the reason.
bool needed_plugins_loaded(const plugins::PluginHost& host, const store::ProjectFile& file) {
    bool loaded = true;
    for (const plugins::PluginRecord* p : host::refused_project_plugins(host)) {
        fmt::print(stderr, "tessera qa: the project's plugin {} in {} failed to load: {}\n",
                   terminal_text(p->id), terminal_text(p->folder.generic_string()),
                   terminal_text(p->reason));
        loaded = false;
    }
    if (!file.schema.empty() && host.find_schema(file.schema) == nullptr) {
        fmt::print(stderr,
                   "tessera qa: no loaded plugin provides the project's schema {}, so its rules "
                   "cannot run (see `tessera plugins list`)\n",
                   terminal_text(file.schema));
        loaded = false;
    }
    if (!loaded) fmt::print(stderr, "tessera qa: not run, as its result would be incomplete\n");
    return loaded;
}

}  // namespace

int run_qa(const Context& context, const Args& args) {
    if (args.positional.size() != 1) throw UsageError("expected one project folder");
    const std::filesystem::path dir = args.positional[0];
    store::Project project = store::Project::open(dir);
    // Rules and plugins read one committed state, whatever others commit meanwhile.
    const store::ReadSnapshot snapshot(project);
    const store::ProjectFile file = store::read_project_file(dir / store::kProjectFileName);
    plugins::PluginHost& host = context.plugins(dir);
    if (!needed_plugins_loaded(host, file)) return kFindings;
    // Native plugins may read the project (tessera.host.project/1) while it is open.
    host.attach_project(&project);
    const std::unique_ptr<plugins::PluginHost, void (*)(plugins::PluginHost*)> detach(
        &host, [](plugins::PluginHost* h) { h->attach_project(nullptr); });

    qa::RunOptions options;
    options.threads = thread_count(args);
    options.only_rules = split_ids(args.value("--rules"));
    options.default_plugins = host::default_qa_plugins(host, file, dir);
    const std::vector<const qa::RuleProvider*> providers = host.rule_providers();

    if (args.flag("--list")) {
        print_rules(
            qa::RuleSet(providers, file.qa_rules, options.only_rules, options.default_plugins));
        return kOk;
    }
    qa::Report report;
    {
        ProgressBar bar("checking");
        options.progress = bar.callback();
        report = qa::run(project, providers, file.qa_rules, options);
    }
    if (const std::string out = args.value("--report"); !out.empty())
        write_file_atomic(
            out, {reinterpret_cast<const char*>(report.buffer.data()), report.buffer.size()});
    if (args.flag("--json"))
        fmt::print("{}", qa::report_json(report));
    else
        print_text(report);
    return report.errors > 0 ? kFindings : kOk;
}

}  // namespace tessera::cli
