// tessera plugins list / schema list / schema show: what the plugins offer.

#include <fmt/format.h>

#include "cli.hpp"
#include "core/display_text.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "loader/loader.hpp"
#include "schema_print.hpp"

namespace tessera::cli {
namespace {

void expect_subcommand(const Args& args, std::string_view name, std::size_t operands) {
    if (args.positional.empty() || args.positional[0] != name ||
        args.positional.size() != operands + 1)
        throw UsageError(fmt::format("expected '{}'{}", name, operands ? " and an id" : ""));
}

std::string plugins_json(const plugins::PluginHost& host) {
    std::string out = "[";
    bool first = true;
    for (const plugins::PluginRecord& p : host.plugins()) {
        if (!first) out += ',';
        first = false;
        out += "{\"id\":";
        append_json_string(out, p.id);
        out += ",\"name\":";
        append_json_string(out, p.name);
        out += ",\"version\":";
        append_json_string(out, p.version);
        out +=
            fmt::format(",\"kind\":\"{}\",\"state\":\"{}\",\"reason\":", plugins::to_string(p.kind),
                        plugins::to_string(p.state));
        if (p.reason.empty())
            out += "null";
        else
            append_json_string(out, p.reason);
        out += ",\"folder\":";
        if (p.folder.empty())
            out += "null";
        else
            append_json_string(out, p.folder.string());
        out += ",\"extensions\":[";
        for (std::size_t i = 0; i < p.extensions.size(); ++i) {
            if (i) out += ',';
            append_json_string(out, p.extensions[i]);
        }
        out += "]}";
    }
    return out + "]\n";
}

}  // namespace

int run_plugins(const Context& context, const Args& args) {
    expect_subcommand(args, "list", 0);
    context.quiet_plugin_log();  // refusals are listed with their reasons
    const plugins::PluginHost& host = context.plugins(args.value("--project"));
    if (args.flag("--json")) {
        fmt::print("{}", plugins_json(host));
        return kOk;
    }
    for (const plugins::PluginRecord& p : host.plugins()) {
        // Names, versions and reasons (a Lua error quoting the plugin) come from plugins.
        fmt::print("{:28} {:8} {:8} {:8} {}\n", terminal_text(p.id), plugins::to_string(p.kind),
                   terminal_text(p.version), plugins::to_string(p.state), terminal_text(p.name));
        if (!p.reason.empty()) fmt::print("    {}\n", terminal_text(p.reason));
    }
    return kOk;
}

int run_schema(const Context& context, const Args& args) {
    if (!args.positional.empty() && args.positional[0] == "list") {
        expect_subcommand(args, "list", 0);
        for (const plugins::SchemaRecord& s : context.plugins(args.value("--project")).schemas()) {
            const v1::LabelSchema& root = s.root();
            fmt::print("{:24} {:8} {:3} classes  {}  ({})\n", terminal_text(s.id),
                       terminal_text(s.version), root.classes() ? root.classes()->size() : 0,
                       terminal_text(localized(root.names(), "en")), s.plugin_id);
        }
        return kOk;
    }
    expect_subcommand(args, "show", 1);
    const std::string& id = args.positional[1];
    const plugins::PluginHost& host = context.plugins(args.value("--project"));
    const plugins::SchemaRecord* schema = host.find_schema(id);
    if (schema == nullptr) {
        std::string known;
        for (const plugins::SchemaRecord& s : host.schemas())
            known += (known.empty() ? "" : ", ") + s.id;
        throw Error(
            fmt::format("schema '{}' not found (known: {})", id, known.empty() ? "none" : known));
    }
    fmt::print("{}",
               args.flag("--json") ? schema_json(schema->root()) : schema_text(schema->root()));
    return kOk;
}

}  // namespace tessera::cli
