// tessera validate DIR [--json] — exit 1 when anything is wrong.

#include <fmt/format.h>

#include "cli.hpp"
#include "core/display_text.hpp"
#include "core/json_text.hpp"
#include "progress_bar.hpp"
#include "store/validate.hpp"

namespace tessera::cli {

int run_validate(const Context&, const Args& args) {
    if (args.positional.size() != 1) throw UsageError("expected one project folder");
    const store::Project project =
        store::Project::open(args.positional[0], store::IfDamaged::Report);
    // The count printed is of the items validated, whatever others commit meanwhile.
    const store::ReadSnapshot snapshot(project);
    std::vector<store::Problem> problems;
    {
        ProgressBar bar("validating");
        problems = store::validate(project, bar.callback());
    }
    if (args.flag("--json")) {
        std::string out = fmt::format("{{\"items\":{},\"problems\":[", project.item_count());
        for (std::size_t i = 0; i < problems.size(); ++i) {
            out += fmt::format("{}{{\"item\":{},\"message\":", i ? "," : "", problems[i].item);
            append_json_string(out, problems[i].message);
            out += '}';
        }
        out += "]}\n";
        fmt::print("{}", out);
    } else {
        for (const store::Problem& p : problems) fmt::print("{}\n", terminal_text(p.message));
        if (problems.empty())
            fmt::print("ok: {} items, no problems\n", project.item_count());
        else
            fmt::print("{} problem{} in {} items\n", problems.size(),
                       problems.size() == 1 ? "" : "s", project.item_count());
    }
    return problems.empty() ? kOk : kFindings;
}

}  // namespace tessera::cli
