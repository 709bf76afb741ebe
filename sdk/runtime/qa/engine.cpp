#include "qa/engine.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "qa/report.hpp"
#include "store/project.hpp"

namespace tessera::qa {
namespace {

bool contains(std::span<const std::string> list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

std::string what_of(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace

// --- RuleSet -----------------------------------------------------------------

RuleSet::RuleSet(std::vector<const RuleProvider*> providers, RuleSettings settings,
                 std::span<const std::string> only_rules,
                 std::span<const std::string> default_plugins)
    : providers_(std::move(providers)), settings_(std::move(settings)) {
    std::set<std::string_view> plugin_ids;
    for (const RuleProvider* provider : providers_) {
        plugin_ids.insert(provider->plugin_id());
        for (const RuleInfo& info : provider->rules()) {
            const auto [at, fresh] =
                rules_.try_emplace(info.id, Rule{provider, info.default_severity});
            if (!fresh)
                throw Error(fmt::format("QA rule \"{}\" is offered by both plugin {} and plugin {}",
                                        info.id, at->second.provider->plugin_id(),
                                        provider->plugin_id()));
        }
    }
    const auto unknown = [&](std::string_view what, std::string_view id) {
        return Error(fmt::format("{} \"{}\" is not a known QA rule; known rules: {}", what, id,
                                 fmt::join(known_rules(), ", ")));
    };
    for (const std::string& id : only_rules)
        if (!rules_.contains(id) && !plugin_ids.contains(id)) throw unknown("rule", id);
    for (const auto& [id, setting] : settings_)
        if (!rules_.contains(id)) throw unknown("qa.rules", id);

    for (auto& [id, rule] : rules_) {
        const auto setting = settings_.find(id);
        if (setting != settings_.end() && setting->second.severity)
            rule.severity = *setting->second.severity;
        const std::string_view plugin = rule.provider->plugin_id();
        if (!only_rules.empty())
            rule.enabled = contains(only_rules, id) || contains(only_rules, plugin);
        else if (setting != settings_.end() && setting->second.enabled)
            rule.enabled = *setting->second.enabled;
        else
            rule.enabled = plugin == kBuiltinPluginId || contains(default_plugins, plugin);
        if (rule.enabled) enabled_.push_back(id);  // the map is sorted, so is this
    }
}

bool RuleSet::enabled(std::string_view rule) const {
    const auto at = rules_.find(rule);
    return at != rules_.end() && at->second.enabled;
}

std::optional<std::string_view> RuleSet::param(std::string_view rule, std::string_view key) const {
    const auto setting = settings_.find(rule);
    if (setting == settings_.end()) return std::nullopt;
    const auto value = setting->second.params.find(key);
    if (value == setting->second.params.end()) return std::nullopt;
    return std::string_view(value->second);
}

Severity RuleSet::severity(std::string_view rule) const {
    const auto at = rules_.find(rule);
    return at == rules_.end() ? Severity::Error : at->second.severity;
}

const RuleProvider* RuleSet::provider_of(std::string_view rule) const {
    const auto at = rules_.find(rule);
    return at == rules_.end() ? nullptr : at->second.provider;
}

std::vector<std::string> RuleSet::known_rules() const {
    std::vector<std::string> ids;
    ids.reserve(rules_.size());
    for (const auto& entry : rules_) ids.push_back(entry.first);
    return ids;
}

// --- Checker -----------------------------------------------------------------

/// Collects one provider's findings on one item, filling in item and severity.
class Checker::Sink final : public FindingSink {
public:
    explicit Sink(const RuleSet& rules) : rules_(rules) {}

    void bind(const RuleProvider* provider, std::uint64_t item, std::vector<Finding>* out) {
        provider_ = provider;
        item_ = item;
        out_ = out;
    }

    void report(std::string_view rule, std::span<const std::uint64_t> annotations,
                std::string_view message, std::string_view fix) override {
        if (rules_.provider_of(rule) != provider_) {
            rule_failed(rule,
                        fmt::format("plugin {} reported a finding of a rule it does not offer",
                                    provider_->plugin_id()));
            return;
        }
        if (!rules_.enabled(rule)) return;  // a provider may run disabled rules anyway
        out_->push_back(Finding{std::string(rule),
                                rules_.severity(rule),
                                item_,
                                {annotations.begin(), annotations.end()},
                                std::string(message),
                                std::string(fix)});
    }

    void rule_failed(std::string_view rule, std::string_view message) override {
        out_->push_back(Finding{std::string(rule),
                                Severity::Error,
                                item_,
                                {},
                                fmt::format("rule {} failed on item {}: {}", rule, item_, message),
                                {}});
    }

private:
    const RuleSet& rules_;
    const RuleProvider* provider_ = nullptr;
    std::uint64_t item_ = 0;
    std::vector<Finding>* out_ = nullptr;
};

Checker::Checker(const RuleSet& rules) : rules_(rules), sink_(std::make_unique<Sink>(rules)) {
    for (const RuleProvider* provider : rules.providers()) {
        bool any_enabled = false;
        for (const RuleInfo& info : provider->rules()) any_enabled |= rules.enabled(info.id);
        std::unique_ptr<ItemChecker> checker;
        if (any_enabled) {
            try {
                checker = provider->make_checker(rules);
                if (!checker) throw Error("the plugin made no checker");
            } catch (...) {
                const std::string what = what_of(std::current_exception());
                for (const RuleInfo& info : provider->rules())
                    if (rules.enabled(info.id))
                        setup_failures_.push_back(
                            Finding{info.id,
                                    Severity::Error,
                                    0,
                                    {},
                                    fmt::format("rule {} failed to start: {}", info.id, what),
                                    {}});
            }
        }
        checkers_.push_back(std::move(checker));
    }
}

Checker::~Checker() = default;

std::vector<Finding> Checker::check(const ItemInput& input) {
    std::vector<Finding> findings;
    check(input, findings);
    return findings;
}

void Checker::check(const ItemInput& input, std::vector<Finding>& out) {
    const std::size_t first = out.size();
    const std::uint64_t item = input.item.id();
    const auto providers = rules_.providers();
    for (std::size_t i = 0; i < checkers_.size(); ++i) {
        if (!checkers_[i]) continue;
        sink_->bind(providers[i], item, &out);
        try {
            checkers_[i]->check(input, *sink_);
        } catch (...) {
            const std::string what = what_of(std::current_exception());
            for (const RuleInfo& info : providers[i]->rules())
                if (rules_.enabled(info.id)) sink_->rule_failed(info.id, what);
        }
    }
    if (out.size() - first > 1)
        std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                         [](const Finding& a, const Finding& b) {
                             if (a.rule != b.rule) return a.rule < b.rule;
                             return a.annotations < b.annotations;
                         });
}

// --- Runs --------------------------------------------------------------------

namespace {

constexpr std::size_t kBatchItems = 256;

/// Items handed to a worker together, and what it found in them.
struct Batch {
    std::uint64_t sequence = 0;
    std::vector<ItemBuffers> items;
    std::vector<Finding> findings;
    std::vector<std::pair<std::uint64_t, std::string>> uris;
    std::uint64_t annotations = 0;
};

/// The work queue between the reading thread and the workers.
class Pipeline {
public:
    Pipeline(const RuleSet& rules, std::span<const std::uint8_t> schema, unsigned threads)
        : rules_(rules),
          schema_bytes_(schema),
          schema_(flatbuffers::GetRoot<v1::LabelSchema>(schema.data())),
          max_in_flight_(threads * 4) {
        // A std::thread that is still joinable when destroyed calls std::terminate,
        // and no destructor runs for a constructor that throws: when starting a
        // worker fails, stop and join the ones already started before rethrowing.
        try {
            workers_.reserve(threads);
            for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
        } catch (const std::exception& e) {
            finish();
            throw Error(fmt::format("cannot start QA worker thread {} of {}: {}",
                                    workers_.size() + 1, threads, e.what()));
        }
    }

    ~Pipeline() { finish(); }

    /// Queues a batch, waiting while too many are in flight; false once a worker failed.
    bool push(std::unique_ptr<Batch> batch) {
        std::unique_lock lock(mutex_);
        space_.wait(lock, [&] { return in_flight_ < max_in_flight_ || error_; });
        if (error_) return false;
        ++in_flight_;
        queue_.push_back(std::move(batch));
        ready_.notify_one();
        return true;
    }

    /// Finished batches, in sequence order, as far as they are contiguous.
    std::vector<std::unique_ptr<Batch>> take_done() {
        std::lock_guard lock(mutex_);
        std::vector<std::unique_ptr<Batch>> out;
        while (!done_.empty() && done_.begin()->first == next_done_) {
            out.push_back(std::move(done_.begin()->second));
            done_.erase(done_.begin());
            ++next_done_;
        }
        return out;
    }

    /// Stops the workers after the queued batches; rethrows a worker's error.
    void finish() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        ready_.notify_all();
        for (std::thread& worker : workers_)
            if (worker.joinable()) worker.join();
    }

    void rethrow() const {
        if (error_) std::rethrow_exception(error_);
    }

    /// Setup failures of every worker, without repeats.
    std::vector<Finding> setup_failures() const { return setup_failures_; }

private:
    void work() {
        try {
            Checker checker(rules_);
            {
                std::lock_guard lock(mutex_);
                for (const Finding& failure : checker.setup_failures()) {
                    const bool seen = std::any_of(
                        setup_failures_.begin(), setup_failures_.end(), [&](const Finding& f) {
                            return f.rule == failure.rule && f.message == failure.message;
                        });
                    if (!seen) setup_failures_.push_back(failure);
                }
            }
            for (;;) {
                std::unique_ptr<Batch> batch;
                {
                    std::unique_lock lock(mutex_);
                    ready_.wait(lock, [&] { return !queue_.empty() || closed_ || error_; });
                    if (error_ || queue_.empty()) return;
                    batch = std::move(queue_.front());
                    queue_.pop_front();
                }
                check(checker, *batch);
                std::lock_guard lock(mutex_);
                --in_flight_;
                done_.emplace(batch->sequence, std::move(batch));
                space_.notify_one();
            }
        } catch (...) {
            std::lock_guard lock(mutex_);
            if (!error_) error_ = std::current_exception();
            space_.notify_all();
            ready_.notify_all();
        }
    }

    void check(Checker& checker, Batch& batch) {
        for (ItemBuffers& buffers : batch.items) {
            const auto* item = flatbuffers::GetRoot<v1::Item>(buffers.item.data());
            const auto* set = flatbuffers::GetRoot<v1::AnnotationSet>(buffers.annotations.data());
            const std::size_t before = batch.findings.size();
            checker.check(
                ItemInput{schema_bytes_, buffers.item, buffers.annotations, *schema_, *item, *set},
                batch.findings);
            if (set->annotations()) batch.annotations += set->annotations()->size();
            if (batch.findings.size() != before) {
                const auto* media = item->media();
                batch.uris.emplace_back(
                    item->id(), media && media->uri() ? media->uri()->str() : std::string());
            }
            buffers = {};  // free the buffers early
        }
    }

    const RuleSet& rules_;
    std::span<const std::uint8_t> schema_bytes_;
    const v1::LabelSchema* schema_;
    const std::size_t max_in_flight_;

    std::mutex mutex_;
    std::condition_variable ready_, space_;
    std::deque<std::unique_ptr<Batch>> queue_;
    std::map<std::uint64_t, std::unique_ptr<Batch>> done_;
    std::uint64_t next_done_ = 0;
    std::size_t in_flight_ = 0;
    bool closed_ = false;
    std::exception_ptr error_;
    std::vector<Finding> setup_failures_;
    std::vector<std::thread> workers_;
};

/// Items of a project, read on the calling thread.
class ProjectSource final : public ItemSource {
public:
    explicit ProjectSource(const store::Project& project)
        : project_(project), items_(project.items()) {}

    std::uint64_t count() const override { return items_.size(); }

    bool next(ItemBuffers& out) override {
        if (next_ == items_.size()) return false;
        const store::ItemId id = items_[next_++].id;
        out.owned_item = project_.item(id);
        out.owned_annotations = project_.annotations(id);
        out.item = out.owned_item;
        out.annotations = out.owned_annotations;
        return true;
    }

private:
    const store::Project& project_;
    std::vector<store::ItemSummary> items_;
    std::size_t next_ = 0;
};

}  // namespace

Report run(ItemSource& items, std::span<const std::uint8_t> schema,
           std::span<const RuleProvider* const> providers, const RuleSettings& settings,
           const RunOptions& options) {
    detail::RunTotals totals;
    totals.time = now_ms();
    const RuleSet rules({providers.begin(), providers.end()}, settings, options.only_rules,
                        options.default_plugins);
    const unsigned threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    const std::uint64_t total = items.count();

    std::vector<Finding> findings;
    std::map<std::uint64_t, std::string> uris;
    const auto collect = [&](std::vector<std::unique_ptr<Batch>> done) {
        for (auto& batch : done) {
            totals.items_checked += batch->items.size();
            totals.annotations_checked += batch->annotations;
            std::move(batch->findings.begin(), batch->findings.end(), std::back_inserter(findings));
            for (auto& [id, uri] : batch->uris) uris.emplace(id, std::move(uri));
        }
        if (!done.empty() && options.progress) options.progress(totals.items_checked, total);
    };

    Pipeline pipeline(rules, schema, threads);
    std::uint64_t sequence = 0;
    bool more = true;
    while (more && !options.stop.stop_requested()) {
        auto batch = std::make_unique<Batch>();
        batch->sequence = sequence++;
        batch->items.reserve(kBatchItems);
        ItemBuffers buffers;
        while (batch->items.size() < kBatchItems && (more = items.next(buffers))) {
            batch->items.push_back(std::move(buffers));
            buffers = {};
        }
        if (!pipeline.push(std::move(batch))) break;
        collect(pipeline.take_done());
    }
    pipeline.finish();
    pipeline.rethrow();
    collect(pipeline.take_done());

    // Rules whose checker could not start did not run: say so first, as item 0.
    std::vector<Finding> failures = pipeline.setup_failures();
    std::sort(failures.begin(), failures.end(),
              [](const Finding& a, const Finding& b) { return a.rule < b.rule; });
    for (const std::string& id : rules.enabled_rules()) {
        const bool failed = std::any_of(failures.begin(), failures.end(),
                                        [&](const Finding& f) { return f.rule == id; });
        if (!failed) totals.rules.push_back(id);
    }
    findings.insert(findings.begin(), std::make_move_iterator(failures.begin()),
                    std::make_move_iterator(failures.end()));
    return detail::build_report(totals, findings, std::move(uris));
}

Report run(const store::Project& project, std::span<const RuleProvider* const> providers,
           const RuleSettings& settings, const RunOptions& options) {
    const store::ReadSnapshot snapshot(project);
    const store::Bytes schema = project.label_schema();
    ProjectSource source(project);
    return run(source, schema, providers, settings, options);
}

}  // namespace tessera::qa
