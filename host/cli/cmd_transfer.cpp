// tessera import / export / formats: moving annotations through file formats.

#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/display_text.hpp"
#include "core/json_text.hpp"
#include "formats/import.hpp"
#include "formats/losses.hpp"
#include "loader/loader.hpp"
#include "progress_bar.hpp"
#include "store/project.hpp"
#include "store/project_file.hpp"

namespace tessera::cli {
namespace {

const formats::Format& format_of(const Context& context, const Args& args,
                                 const std::filesystem::path& project_dir) {
    const std::string name = args.value("--format");
    if (name.empty()) throw UsageError("--format is required");
    const formats::Registry& registry = context.plugins(project_dir).formats();
    const formats::Format* format = registry.find(name);
    if (format == nullptr) {
        std::string known;
        for (const formats::Format& f : registry.all())
            known += (known.empty() ? "" : ", ") + std::string(f.name);
        throw UsageError(fmt::format("unknown format '{}' (known: {})", name, known));
    }
    return *format;
}

/// The settings of `format` given as options the command does not know itself;
/// an option the format does not declare, or a value it does not allow, is a
/// UsageError naming what it takes.
formats::FormatSettings settings_of(const formats::Format& format, const Args& args) {
    formats::FormatSettings settings;
    for (const auto& [option, value] : args.others) {
        const std::string name = option.substr(2);
        const auto declared =
            std::find_if(format.options.begin(), format.options.end(),
                         [&](const formats::FormatOption& o) { return o.name == name; });
        if (declared == format.options.end()) {
            std::string known;
            for (const formats::FormatOption& o : format.options)
                known += fmt::format(" --{}", o.name);
            throw UsageError(fmt::format("unknown option {} (format {} takes{})", option,
                                         format.name, known.empty() ? " none" : known));
        }
        if (!declared->values.empty() && std::find(declared->values.begin(), declared->values.end(),
                                                   value) == declared->values.end()) {
            std::string allowed;
            for (std::string_view v : declared->values)
                allowed += fmt::format("{}{}", allowed.empty() ? "" : ", ", v);
            throw UsageError(fmt::format("{} takes one of {}, not '{}'", option, allowed, value));
        }
        settings.emplace(name, value);
    }
    return settings;
}

/// Prints what an import or export could not carry, to stderr.
void print_losses(const formats::Losses& losses, std::string_view doing) {
    if (losses.empty()) return;
    const std::uint64_t total = losses.total();
    fmt::print(stderr, "{}: {} {} not carried unchanged (--strict refuses them):\n", doing, total,
               total == 1 ? "thing" : "things");
    for (const std::string& line : formats::loss_lines(losses.all()))
        fmt::print(stderr, "{}\n", line);
}

}  // namespace

int run_import(const Context& context, const Args& args) {
    if (args.positional.size() != 2)
        throw UsageError("expected a project folder and one input path");
    const formats::Format& format = format_of(context, args, args.positional[0]);
    store::Project project = store::Project::open(args.positional[0]);
    const std::filesystem::path input = args.positional[1];

    formats::Losses losses(args.flag("--strict"));
    formats::ImportOptions options;
    options.settings = settings_of(format, args);
    options.losses = &losses;
    options.author = author_of(args);
    options.merge = args.flag("--merge");
    // A project made with a plugin's schema keeps that schema: labels it does
    // not declare are imported as they are, reported here and by `tessera qa`.
    const std::string schema_id =
        store::read_project_file(std::filesystem::path(args.positional[0]) /
                                 store::kProjectFileName)
            .schema;
    options.extend_schema = schema_id.empty();
    // Reading and storing overlap: one bar shows the reading (reported from the
    // reader's thread) until the storing reports.
    ProgressBar bar(fmt::format("importing {}", input.filename().string()));
    std::mutex bar_mutex;
    bool reading = true;
    options.progress = [&](std::uint64_t done, std::uint64_t total) {
        const std::lock_guard lock(bar_mutex);
        reading = false;
        bar.update(done, total);
    };
    const formats::ImportSummary summary = formats::import_file(
        project, format, input, fmt::format("{} {}", format.name, input.string()), options,
        [&](std::uint64_t done, std::uint64_t total) {
            const std::lock_guard lock(bar_mutex);
            if (reading) bar.update(done, total);
        });
    if (args.flag("--json")) {
        std::string labels = "[";
        for (const std::string& label : summary.unknown_labels) {
            if (labels.size() > 1) labels += ',';
            append_json_string(labels, label);
        }
        fmt::print(R"({{"items_matched":{},"items_created":{},"annotations":{},"classes_added":{},)"
                   R"("unknown_labels":{}],"not_carried":{}}})"
                   "\n",
                   summary.items_matched, summary.items_created, summary.annotations,
                   summary.classes_added, labels, formats::loss_json(losses.all()));
        return kOk;
    }
    fmt::print("imported {} {}: {} items ({} matched, {} new), {} annotations, {} classes added\n",
               format.name, input.string(), summary.items_matched + summary.items_created,
               summary.items_matched, summary.items_created, summary.annotations,
               summary.classes_added);
    print_losses(losses, "import");
    if (!summary.unknown_labels.empty()) {
        std::string labels;
        for (const std::string& label : summary.unknown_labels)
            labels += (labels.empty() ? "" : ", ") + label;
        // The labels come from the imported file: one line, nothing a terminal acts on.
        fmt::print(stderr,
                   "warning: labels not in schema {}: {} (kept; `tessera qa` reports them)\n",
                   terminal_text(schema_id), terminal_text(labels));
    }
    return kOk;
}

int run_export(const Context& context, const Args& args) {
    if (args.positional.size() != 1) throw UsageError("expected one project folder");
    const formats::Format& format = format_of(context, args, args.positional[0]);
    const std::string out = args.value("--out");
    if (out.empty()) throw UsageError("--out is required");
    formats::Losses losses(args.flag("--strict"));
    formats::WriteOptions options;
    options.settings = settings_of(format, args);
    options.losses = &losses;
    options.copy_media = args.flag("--copy-media");
    const store::Project project = store::Project::open(args.positional[0]);
    // The count printed is of the items exported, whatever others commit meanwhile.
    const store::ReadSnapshot snapshot(project);
    {
        ProgressBar bar("exporting");
        options.progress = bar.callback();
        formats::export_project(project, format, out, options);
    }
    if (args.flag("--json")) {
        fmt::print(R"({{"items":{},"not_carried":{}}})"
                   "\n",
                   project.item_count(), formats::loss_json(losses.all()));
        return kOk;
    }
    fmt::print("exported {} items as {} to {}\n", project.item_count(), format.name, out);
    print_losses(losses, "export");
    return kOk;
}

int run_formats(const Context& context, const Args& args) {
    if (!args.positional.empty()) throw UsageError("expected no arguments");
    for (const formats::Format& f : context.plugins().formats().all()) {
        fmt::print("{:10} {}\n", terminal_text(f.name), terminal_text(f.description));
        for (const formats::FormatOption& o : f.options) {
            std::string values;
            for (std::string_view v : o.values)
                values += fmt::format("{}{}", values.empty() ? "" : "|", v);
            fmt::print("{:10}   --{} {}: {}\n", "", terminal_text(o.name), terminal_text(values),
                       terminal_text(o.help));
        }
    }
    return kOk;
}

}  // namespace tessera::cli
