#include "studio/project_qa.hpp"

#include <algorithm>
#include <exception>
#include <utility>

namespace tessera::studio {

ProjectQa::ProjectQa(std::filesystem::path dir, std::vector<const qa::RuleProvider*> providers,
                     qa::RuleSettings settings, std::vector<std::string> default_plugins)
    : providers_(std::move(providers)),
      thread_([this, dir = std::move(dir), settings = std::move(settings),
               defaults = std::move(default_plugins)](std::stop_token stop) mutable {
          run(std::move(stop), std::move(dir), std::move(settings), std::move(defaults));
      }) {}

ProjectQa::~ProjectQa() = default;  // the jthread asks the run to stop and joins it

namespace {

// Index of `rule` in `rules`, added at the end when missing.
std::uint32_t rule_index(std::vector<std::string>& rules, std::string_view rule) {
    const auto it = std::find(rules.begin(), rules.end(), rule);
    if (it != rules.end()) return static_cast<std::uint32_t>(it - rules.begin());
    rules.emplace_back(rule);
    return static_cast<std::uint32_t>(rules.size() - 1);
}

void add_finding(ItemQa& summary, qa::Severity severity, std::uint32_t rule) {
    ++summary.findings;
    if (severity == qa::Severity::Error) ++summary.errors;
    summary.rules.push_back(rule);
}

void sort_rules(ItemQa& summary) {
    std::sort(summary.rules.begin(), summary.rules.end());
    summary.rules.erase(std::unique(summary.rules.begin(), summary.rules.end()),
                        summary.rules.end());
}

}  // namespace

void ProjectQa::run(std::stop_token stop, std::filesystem::path dir, qa::RuleSettings settings,
                    std::vector<std::string> default_plugins) {
    std::unordered_map<store::ItemId, ItemQa> found;
    std::vector<std::string> rules;
    std::string error;
    try {
        // A connection of this thread's own: store::Project is not thread-safe.
        const store::Project project = store::Project::open(dir);
        qa::RunOptions options;
        options.threads = 1;  // the main thread keeps the other core for the UI
        options.default_plugins = std::move(default_plugins);
        options.stop = stop;
        options.progress = [this](std::uint64_t done, std::uint64_t total) {
            checked_ = done;
            total_ = total;
        };
        const qa::Report report = qa::run(project, providers_, settings, options);
        // Summed up here, not on the main thread: a million items take a while.
        if (const auto* findings = report.root().findings()) {
            for (const v1::Finding* f : *findings) {
                if (f->item() == 0)
                    continue;  // about a rule, not an item: the QA panel shows those
                add_finding(
                    found[f->item()], f->severity(),
                    rule_index(rules, f->rule() ? f->rule()->string_view() : std::string_view()));
            }
        }
        for (auto& [item, summary] : found) sort_rules(summary);
    } catch (const std::exception& e) {
        found.clear();
        error = e.what();
    }
    const std::lock_guard lock(mutex_);
    run_found_ = std::move(found);
    run_rules_ = std::move(rules);
    run_error_ = std::move(error);
    finished_ = true;
}

bool ProjectQa::done() {
    if (done_) return true;
    {
        const std::lock_guard lock(mutex_);
        if (!finished_) return false;
        found_ = std::move(run_found_);
        error_ = std::move(run_error_);
        // The run's rule list becomes the list; live results made before
        // (indices into the old one) are renumbered.
        std::vector<std::string> before = std::move(rules_);
        rules_ = std::move(run_rules_);
        for (auto& [item, summary] : live_) {
            for (std::uint32_t& rule : summary.rules) rule = rule_index(rules_, before[rule]);
            sort_rules(summary);
        }
    }
    done_ = true;
    ++revision_;
    return true;
}

const ItemQa* ProjectQa::find(store::ItemId item) {
    if (const auto live = live_.find(item); live != live_.end()) return &live->second;
    if (!done()) return nullptr;
    const auto found = found_.find(item);
    return found != found_.end() ? &found->second : nullptr;
}

void ProjectQa::update(store::ItemId item, std::span<const qa::Finding> findings) {
    ItemQa summary = summarize(findings);
    const auto live = live_.find(item);
    if (live != live_.end() && live->second.errors == summary.errors &&
        live->second.findings == summary.findings && live->second.rules == summary.rules)
        return;
    live_[item] = std::move(summary);
    ++revision_;
}

std::vector<std::size_t> ProjectQa::items_per_rule() {
    (void)done();
    std::vector<std::size_t> counts(rules_.size(), 0);
    const auto count = [&](const ItemQa& qa) {
        for (const std::uint32_t rule : qa.rules) ++counts[rule];
    };
    for (const auto& [item, qa] : live_) count(qa);
    for (const auto& [item, qa] : found_)
        if (!live_.contains(item)) count(qa);
    return counts;
}

ItemQa ProjectQa::summarize(std::span<const qa::Finding> findings) {
    ItemQa summary;
    for (const qa::Finding& finding : findings)
        add_finding(summary, finding.severity, rule_index(rules_, finding.rule));
    sort_rules(summary);
    return summary;
}

}  // namespace tessera::studio
