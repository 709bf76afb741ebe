// tessera info DIR [--json] — items by state, assignee and subset, annotations by label.

#include <map>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/display_text.hpp"
#include "core/json_text.hpp"
#include "progress_bar.hpp"
#include "store/project.hpp"

namespace tessera::cli {
namespace {

constexpr v1::ItemState kStates[] = {v1::ItemState::New, v1::ItemState::InProgress,
                                     v1::ItemState::Submitted, v1::ItemState::Accepted,
                                     v1::ItemState::Rejected};

struct Summary {
    std::map<v1::ItemState, std::size_t> states;
    /// Items per assignee and state; "" = unassigned.
    std::map<std::string, std::map<v1::ItemState, std::size_t>> assignees;
    std::map<std::string, std::size_t> kinds;
    /// Items per subset (train, val, ...); "" = none. Empty when no item has one.
    std::map<std::string, std::size_t> subsets;
    std::map<std::string, std::size_t> labels;
    std::size_t annotations = 0;
    std::size_t classes = 0;
};

Summary summarize(const store::Project& project) {
    Summary s;
    s.states = project.state_counts();
    s.assignees = project.assignee_counts();
    const store::Bytes schema = project.label_schema();
    const auto* classes = flatbuffers::GetRoot<v1::LabelSchema>(schema.data())->classes();
    s.classes = classes ? classes->size() : 0;
    const std::vector<store::ItemSummary> items = project.items();
    ProgressBar bar("counting");
    std::uint64_t done = 0;
    for (const store::ItemSummary& item : items) {
        ++s.kinds[v1::EnumNameMediaKind(item.kind)];
        const store::Bytes record = project.item(item.id);
        const auto* subset = flatbuffers::GetRoot<v1::Item>(record.data())->subset();
        ++s.subsets[subset ? subset->str() : ""];
        const store::Bytes set = project.annotations(item.id);
        if (const auto* annotations =
                flatbuffers::GetRoot<v1::AnnotationSet>(set.data())->annotations())
            for (const v1::Annotation* a : *annotations) {
                ++s.labels[a->label() ? a->label()->str() : ""];
                ++s.annotations;
            }
        bar.update(++done, items.size());
    }
    if (s.subsets.size() == 1 && s.subsets.count("")) s.subsets.clear();
    return s;
}

std::size_t total(const std::map<v1::ItemState, std::size_t>& states) {
    std::size_t sum = 0;
    for (const auto& [state, count] : states) sum += count;
    return sum;
}

/// `"New":1,"InProgress":0,...`: every state, in workflow order.
std::string json_states(const std::map<v1::ItemState, std::size_t>& states) {
    std::string out;
    for (std::size_t i = 0; i < std::size(kStates); ++i) {
        const auto it = states.find(kStates[i]);
        out += fmt::format("{}\"{}\":{}", i ? "," : "", v1::EnumNameItemState(kStates[i]),
                           it == states.end() ? 0 : it->second);
    }
    return out;
}

/// "New 2, Submitted 1": the states that have items.
std::string text_states(const std::map<v1::ItemState, std::size_t>& states) {
    std::string out;
    for (const v1::ItemState state : kStates)
        if (const auto it = states.find(state); it != states.end() && it->second > 0)
            out += fmt::format("{}{} {}", out.empty() ? "" : ", ", v1::EnumNameItemState(state),
                               it->second);
    return out;
}

void print_json(const store::Project& project, const Summary& s) {
    std::string out = "{\"name\":";
    append_json_string(out, project.settings().name);
    out += fmt::format(",\"items\":{},\"annotations\":{},\"classes\":{},\"journal_entries\":{}",
                       project.item_count(), s.annotations, s.classes, project.journal_size());
    out += ",\"states\":{" + json_states(s.states);
    // Items by assignee, each with its items per state; "unassigned" likewise.
    out += "},\"assignees\":{";
    bool first = true;
    for (const auto& [name, states] : s.assignees) {
        if (name.empty()) continue;
        if (!first) out += ',';
        append_json_string(out, name);
        out +=
            fmt::format(":{{\"items\":{},\"states\":{{{}}}}}", total(states), json_states(states));
        first = false;
    }
    const auto unassigned = s.assignees.find("");
    const std::map<v1::ItemState, std::size_t> none;
    const auto& unassigned_states = unassigned == s.assignees.end() ? none : unassigned->second;
    out += fmt::format("}},\"unassigned\":{{\"items\":{},\"states\":{{{}}}}}",
                       total(unassigned_states), json_states(unassigned_states));
    out += ",\"kinds\":{";
    first = true;
    for (const auto& [kind, count] : s.kinds) {
        out += fmt::format("{}\"{}\":{}", first ? "" : ",", kind, count);
        first = false;
    }
    out += "},\"subsets\":{";
    first = true;
    for (const auto& [subset, count] : s.subsets) {
        if (!first) out += ',';
        append_json_string(out, subset);
        out += fmt::format(":{}", count);
        first = false;
    }
    out += "},\"labels\":{";
    first = true;
    for (const auto& [label, count] : s.labels) {
        if (!first) out += ',';
        append_json_string(out, label);
        out += fmt::format(":{}", count);
        first = false;
    }
    out += "}}\n";
    fmt::print("{}", out);
}

}  // namespace

int run_info(const Context&, const Args& args) {
    if (args.positional.size() != 1) throw UsageError("expected one project folder");
    const store::Project project = store::Project::open(args.positional[0]);
    // Every count from one committed state, whatever other processes commit meanwhile.
    const store::ReadSnapshot snapshot(project);
    const Summary s = summarize(project);
    if (args.flag("--json")) {
        print_json(project, s);
        return kOk;
    }
    fmt::print("project      {}\nfolder       {}\nitems        {}\n", project.settings().name,
               project.dir().string(), project.item_count());
    for (const v1::ItemState state : kStates) {
        const auto it = s.states.find(state);
        fmt::print("  {:<11}{}\n", v1::EnumNameItemState(state),
                   it == s.states.end() ? 0 : it->second);
    }
    const std::size_t people = s.assignees.size() - s.assignees.count("");
    fmt::print("assignees    {}\n", people);
    for (const auto& [name, states] : s.assignees)
        if (!name.empty())
            fmt::print("  {:<10} {}  ({})\n", name, total(states), text_states(states));
    if (const auto it = s.assignees.find(""); it != s.assignees.end() && people > 0)
        fmt::print("  {:<10} {}  ({})\n", "(none)", total(it->second), text_states(it->second));
    fmt::print("media       ");
    for (const auto& [kind, count] : s.kinds) fmt::print(" {} {}", count, kind);
    if (!s.subsets.empty()) {
        fmt::print("\nsubsets     ");
        for (const auto& [subset, count] : s.subsets)
            fmt::print(" {} {}", count, subset.empty() ? "(none)" : terminal_text(subset));
    }
    fmt::print("\nannotations  {}\n", s.annotations);
    for (const auto& [label, count] : s.labels) fmt::print("  {:<10} {}\n", label, count);
    fmt::print("classes      {}\njournal      {} {}\n", s.classes, project.journal_size(),
               project.journal_size() == 1 ? "entry" : "entries");
    return kOk;
}

}  // namespace tessera::cli
