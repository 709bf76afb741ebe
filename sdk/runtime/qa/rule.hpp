#pragma once
// What every source of QA rules implements: the built-in native rules, a
// native plugin's tessera.qa-rules/1 and a Lua plugin's qa_rules. The engine
// (qa/engine.hpp) runs them; it never knows which kind it holds.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_api.hpp"
#include "store/rule_settings.hpp"

namespace tessera::qa {

using Severity = v1::Severity;

/// A rule as listed to users (`tessera qa --list`, the studio's QA panel).
struct RuleInfo {
    /// Unique across all plugins, e.g. "builtin.box-degenerate", "driving.light-state".
    std::string id;
    /// One line saying what the rule checks.
    std::string description;
    /// Severity unless the project configures another.
    Severity default_severity = Severity::Error;
};

/// The project's configuration of one rule (store/rule_settings.hpp: the
/// project file holds it, so it lives below the QA engine).
using RuleSetting = store::RuleSetting;
/// Rule settings by rule id.
using RuleSettings = store::RuleSettings;

/// One item as a checker sees it: verified buffers and their parsed roots,
/// valid for the duration of ItemChecker::check().
struct ItemInput {
    std::span<const std::uint8_t> schema_bytes;
    std::span<const std::uint8_t> item_bytes;
    std::span<const std::uint8_t> annotation_bytes;
    const v1::LabelSchema& schema;
    const v1::Item& item;
    const v1::AnnotationSet& annotations;
};

/// Where a checker reports. The engine fills in the item id and the configured severity.
class FindingSink {
public:
    virtual ~FindingSink() = default;
    /// One finding of rule `rule` (one of the provider's ids) about `annotations`
    /// (empty = the item as a whole). `fix` may be empty.
    virtual void report(std::string_view rule, std::span<const std::uint64_t> annotations,
                        std::string_view message, std::string_view fix = {}) = 0;
    /// Rule `rule` itself failed on this item (a Lua error, a spent budget, a
    /// plugin's error status): becomes an Error-severity finding about the rule.
    virtual void rule_failed(std::string_view rule, std::string_view message) = 0;
};

/// Which rules of a run are enabled and with which parameters. Thread-safe to read.
class RunConfig {
public:
    virtual ~RunConfig() = default;
    [[nodiscard]] virtual bool enabled(std::string_view rule) const = 0;
    /// Parameter `key` of `rule` as configured, or nullopt.
    [[nodiscard]] virtual std::optional<std::string_view> param(std::string_view rule,
                                                                std::string_view key) const = 0;
    /// Parameter `key` of `rule` as a number, `fallback` when unset; throws
    /// Error naming the rule when it is set but not a number.
    [[nodiscard]] double number(std::string_view rule, std::string_view key, double fallback) const;
};

/// Checks items for the rules of one provider. One per worker thread, so it
/// may keep per-thread state (a lua_State); never shared between threads.
class ItemChecker {
public:
    virtual ~ItemChecker() = default;
    /// Runs every enabled rule of the provider over one item. A failing rule is
    /// reported through FindingSink::rule_failed; an exception escaping this
    /// call becomes a finding about every rule of the provider.
    virtual void check(const ItemInput& input, FindingSink& findings) = 0;
};

/// A source of rules.
class RuleProvider {
public:
    virtual ~RuleProvider() = default;
    /// Id of the plugin providing the rules ("tessera.builtin" for the built-in ones).
    [[nodiscard]] virtual std::string_view plugin_id() const = 0;
    /// The rules offered.
    [[nodiscard]] virtual std::span<const RuleInfo> rules() const = 0;
    /// A checker for one worker thread. May throw Error (the provider is then
    /// reported as failed for the run).
    [[nodiscard]] virtual std::unique_ptr<ItemChecker> make_checker(
        const RunConfig& config) const = 0;
};

}  // namespace tessera::qa
