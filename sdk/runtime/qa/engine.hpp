#pragma once
// The QA engine: runs every enabled rule of every provider (built-in, native
// plugin, Lua) over every item of a project — 100% inspection — on a thread
// pool, and writes a tessera.v1.QaReport. The same rules run on one item at a
// time through Checker, for the studio's live QA.
//
// Threads: the calling thread reads items (a store::Project is not
// thread-safe) and hands verified buffers to the workers; each worker holds
// one ItemChecker per provider (so one lua_State per worker for Lua rules).
// A rule that throws or reports a failure becomes an Error finding about the
// rule; the run goes on.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_api.hpp"
#include "core/progress.hpp"
#include "qa/rule.hpp"

namespace tessera::store {
class Project;
}

namespace tessera::qa {

/// Plugin id of the rules built into Tessera (plugins/rules); enabled by default.
inline constexpr std::string_view kBuiltinPluginId = "tessera.builtin";

/// One finding, as the engine reports it.
struct Finding {
    /// Id of the rule that found it.
    std::string rule;
    /// The project's severity for the rule, else the rule's default.
    Severity severity = Severity::Error;
    /// Item id; 0 = about a rule or the run as a whole.
    std::uint64_t item = 0;
    /// Annotation ids involved; empty = the item as a whole.
    std::vector<std::uint64_t> annotations;
    /// One line explaining the problem.
    std::string message;
    /// Suggested fix; empty when the rule has none.
    std::string fix;
};

/// "error", "warning" or "info".
[[nodiscard]] std::string_view severity_name(Severity severity);

/// The rules of a run: the providers' rules resolved against the project's
/// settings and the run's choice of rules. Implements RunConfig for the
/// providers' checkers. Immutable once built, so thread-safe to read.
///
/// A rule is enabled when `only_rules` is given and names it (or its
/// plugin's id); otherwise when its setting says so; otherwise when its
/// provider is the built-in one or in `default_plugins`.
class RuleSet final : public RunConfig {
public:
    /// Throws Error when two providers offer the same rule id, or when
    /// `only_rules` or `settings` name a rule no provider offers (the message
    /// lists the known ids).
    RuleSet(std::vector<const RuleProvider*> providers, RuleSettings settings,
            std::span<const std::string> only_rules = {},
            std::span<const std::string> default_plugins = {});

    [[nodiscard]] bool enabled(std::string_view rule) const override;
    [[nodiscard]] std::optional<std::string_view> param(std::string_view rule,
                                                        std::string_view key) const override;
    /// Severity of `rule`'s findings: the project's setting, else the rule's default.
    [[nodiscard]] Severity severity(std::string_view rule) const;
    /// The provider offering `rule`, or nullptr.
    [[nodiscard]] const RuleProvider* provider_of(std::string_view rule) const;
    /// Ids of the enabled rules, sorted.
    [[nodiscard]] const std::vector<std::string>& enabled_rules() const { return enabled_; }
    /// Ids of every rule offered, sorted.
    [[nodiscard]] std::vector<std::string> known_rules() const;
    /// The providers, in the order given.
    [[nodiscard]] std::span<const RuleProvider* const> providers() const { return providers_; }

private:
    struct Rule {
        const RuleProvider* provider = nullptr;
        Severity severity = Severity::Error;
        bool enabled = false;
    };
    std::vector<const RuleProvider*> providers_;
    RuleSettings settings_;
    std::map<std::string, Rule, std::less<>> rules_;
    std::vector<std::string> enabled_;
};

/// Checks one item at a time with every enabled rule of a RuleSet. Holds one
/// ItemChecker per provider, so it belongs to one thread: build one per
/// thread. The RuleSet must outlive it.
class Checker {
public:
    /// Calls every provider's make_checker; a provider that throws is recorded
    /// in setup_failures() and its rules do not run.
    explicit Checker(const RuleSet& rules);
    ~Checker();
    Checker(const Checker&) = delete;
    Checker& operator=(const Checker&) = delete;

    /// Findings of the enabled rules on one item, ordered by rule then annotation.
    [[nodiscard]] std::vector<Finding> check(const ItemInput& input);
    /// Same, appended to `out`; reusing `out` saves allocations in hot loops.
    void check(const ItemInput& input, std::vector<Finding>& out);
    /// Error findings (item 0) about the rules of providers whose checker
    /// could not be made; empty when every provider started.
    [[nodiscard]] const std::vector<Finding>& setup_failures() const { return setup_failures_; }

private:
    class Sink;
    const RuleSet& rules_;
    std::vector<std::unique_ptr<ItemChecker>> checkers_;  // null where make_checker failed
    std::vector<Finding> setup_failures_;
    std::unique_ptr<Sink> sink_;
};

/// Options of a QA run.
struct RunOptions {
    /// Worker threads; 0 = the hardware's concurrency.
    unsigned threads = 0;
    /// When not empty, exactly these rules run (a plugin id selects all its rules).
    std::vector<std::string> only_rules;
    /// Plugins whose rules run by default besides the built-in ones.
    std::vector<std::string> default_plugins;
    /// Items checked so far and the total; called on the calling thread.
    ProgressFn progress;
    /// When stop is requested the run ends early: items not read yet are not
    /// checked, and the report covers those that were.
    std::stop_token stop;
};

/// The buffers of one item to check. `item` and `annotations` must have
/// passed the Verifier; they point into the owned vectors, or into memory the
/// source keeps alive for the whole run.
struct ItemBuffers {
    std::span<const std::uint8_t> item;
    std::span<const std::uint8_t> annotations;
    std::vector<std::uint8_t> owned_item;
    std::vector<std::uint8_t> owned_annotations;
};

/// Where a run gets its items from, in item id order. Called on the calling thread only.
class ItemSource {
public:
    virtual ~ItemSource() = default;
    /// Number of items, for progress; 0 when unknown.
    [[nodiscard]] virtual std::uint64_t count() const = 0;
    /// Fills `out` with the next item; false when there are no more.
    virtual bool next(ItemBuffers& out) = 0;
};

/// The outcome of a run.
struct Report {
    /// A tessera.v1.QaReport buffer with file identifier "TQAR".
    std::vector<std::uint8_t> buffer;
    /// Media URI of every item that has findings.
    std::map<std::uint64_t, std::string> uris;
    /// Number of findings of each severity.
    std::size_t errors = 0;
    std::size_t warnings = 0;
    std::size_t infos = 0;

    /// The report's root table.
    [[nodiscard]] const v1::QaReport& root() const;
};

/// Runs the rules over every item of `project` under one read snapshot.
/// Throws Error for an unknown rule id (see RuleSet) or a project it cannot read.
[[nodiscard]] Report run(const store::Project& project,
                         std::span<const RuleProvider* const> providers,
                         const RuleSettings& settings, const RunOptions& options);

/// Runs the rules over every item of `items` against the verified LabelSchema buffer `schema`.
[[nodiscard]] Report run(ItemSource& items, std::span<const std::uint8_t> schema,
                         std::span<const RuleProvider* const> providers,
                         const RuleSettings& settings, const RunOptions& options);

/// The report as JSON for `tessera qa --json`: time, rules, items_checked,
/// annotations_checked, errors, warnings, infos and findings, each finding with
/// rule, severity ("error"/"warning"/"info"), item, uri (null for item 0),
/// annotations, message and fix (null when none).
[[nodiscard]] std::string report_json(const Report& report);

}  // namespace tessera::qa
