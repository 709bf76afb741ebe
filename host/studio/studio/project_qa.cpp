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

void ProjectQa::run(std::stop_token stop, std::filesystem::path dir, qa::RuleSettings settings,
                    std::vector<std::string> default_plugins) {
    std::optional<qa::Report> report;
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
        report = qa::run(project, providers_, settings, options);
    } catch (const std::exception& e) {
        error = e.what();
    }
    const std::lock_guard lock(mutex_);
    report_ = std::move(report);
    run_error_ = std::move(error);
    finished_ = true;
}

bool ProjectQa::done() {
    if (done_) return true;
    std::optional<qa::Report> report;
    {
        const std::lock_guard lock(mutex_);
        if (!finished_) return false;
        report = std::move(report_);
        error_ = std::move(run_error_);
    }
    done_ = true;
    ++revision_;
    if (!report) return true;
    // Findings come ordered by item: one summary per run of the same item.
    const auto* findings = report->root().findings();
    if (findings == nullptr) return true;
    std::vector<qa::Finding> same_item;
    const auto flush = [&] {
        if (!same_item.empty()) found_[same_item.front().item] = summarize(same_item);
        same_item.clear();
    };
    for (const v1::Finding* f : *findings) {
        if (f->item() == 0) continue;  // about a rule, not an item: the QA panel shows those
        if (!same_item.empty() && same_item.front().item != f->item()) flush();
        qa::Finding finding;
        finding.item = f->item();
        finding.rule = f->rule() ? f->rule()->str() : std::string();
        finding.severity = f->severity();
        same_item.push_back(std::move(finding));
    }
    flush();
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
    for (const qa::Finding& finding : findings) {
        ++summary.findings;
        if (finding.severity == qa::Severity::Error) ++summary.errors;
        summary.rules.push_back(rule_index(finding.rule));
    }
    std::sort(summary.rules.begin(), summary.rules.end());
    summary.rules.erase(std::unique(summary.rules.begin(), summary.rules.end()), summary.rules.end());
    return summary;
}

std::uint32_t ProjectQa::rule_index(std::string_view rule) {
    const auto it = std::find(rules_.begin(), rules_.end(), rule);
    if (it != rules_.end()) return static_cast<std::uint32_t>(it - rules_.begin());
    rules_.emplace_back(rule);
    return static_cast<std::uint32_t>(rules_.size() - 1);
}

}  // namespace tessera::studio
