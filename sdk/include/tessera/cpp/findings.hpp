#pragma once
// A QA rule's view of tessera_qa_context_t: its parameters and where it
// reports findings.

#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "../ext/qa_rules.h"
#include "error.hpp"

namespace tessera::cpp {

/// Reports the findings of one rule during one check_item() call. Not
/// copied across threads: each call has its own.
class Findings {
public:
    /// Reports into `context` on behalf of rule `rule_id` (one of the
    /// plugin's rule ids; must outlive this object).
    Findings(const tessera_qa_context_t& context, const std::string& rule_id) noexcept
        : context_(context), rule_(rule_id) {}
    /// A temporary rule id would dangle: keep the id in a std::string that outlives this.
    Findings(const tessera_qa_context_t& context, std::string&& rule_id) = delete;

    /// The rule these findings belong to.
    [[nodiscard]] const std::string& rule() const noexcept { return rule_; }

    /// True when the project enables this rule for the run.
    [[nodiscard]] bool enabled() const {
        return !context_.is_enabled || context_.is_enabled(&context_, rule_.c_str());
    }

    /// The project's parameter `key` of this rule as text, or nullopt when it
    /// is not configured.
    [[nodiscard]] std::optional<std::string> param(std::string_view key) const {
        if (!context_.get_param) return std::nullopt;
        const std::string k(key);
        const char* value = context_.get_param(&context_, rule_.c_str(), k.c_str());
        if (!value) return std::nullopt;
        return std::string(value);
    }

    /// Parameter `key` as text, `fallback` when not configured.
    [[nodiscard]] std::string text(std::string_view key, std::string_view fallback) const {
        auto value = param(key);
        return value ? *value : std::string(fallback);
    }

    /// Parameter `key` as a number, `fallback` when not configured. Throws
    /// Error (TESSERA_INVALID_ARGUMENT) naming the rule when it is set but is
    /// not a number.
    [[nodiscard]] double number(std::string_view key, double fallback) const {
        auto value = param(key);
        if (!value) return fallback;
        double result = 0;
        const char* first = value->data();
        const char* last = first + value->size();
        auto [end, ec] = std::from_chars(first, last, result);
        if (ec != std::errc() || end != last || value->empty()) {
            throw Error(TESSERA_INVALID_ARGUMENT, "rule " + rule_ + ": parameter " +
                                                      std::string(key) + " = \"" + *value +
                                                      "\" is not a number");
        }
        return result;
    }

    /// Reports one finding about `annotations` (empty = the item as a whole)
    /// with a UTF-8 `message` and an optional suggested `fix`.
    void report(std::string_view message, std::span<const std::uint64_t> annotations = {},
                std::string_view fix = {}) {
        const std::string message_text(message);
        const std::string fix_text(fix);
        const tessera_qa_finding_t finding = {
            .rule_id = rule_.c_str(),
            .annotations = annotations.empty() ? nullptr : annotations.data(),
            .annotation_count = annotations.size(),
            .message = message_text.c_str(),
            .fix = fix.empty() ? nullptr : fix_text.c_str(),
        };
        context_.report(&context_, &finding);
        ++count_;
    }

    /// Reports one finding about a single annotation.
    void report(std::uint64_t annotation, std::string_view message, std::string_view fix = {}) {
        report(message, std::span<const std::uint64_t>(&annotation, 1), fix);
    }

    /// Tells the host this rule could not check the item, with a UTF-8
    /// `message`; the host reports an error finding about this rule only.
    /// PluginBase calls it for a rule that throws. False when the host's
    /// context offers no rule_failed (the caller must fail otherwise).
    bool fail(std::string_view message) const noexcept {
        if (!context_.rule_failed) return false;
        try {
            const std::string text(message);
            context_.rule_failed(&context_, rule_.c_str(), text.c_str());
        } catch (...) {
            context_.rule_failed(&context_, rule_.c_str(), "out of memory");
        }
        return true;
    }

    /// Number of findings reported through this object.
    [[nodiscard]] std::size_t count() const noexcept { return count_; }

private:
    const tessera_qa_context_t& context_;
    const std::string& rule_;
    std::size_t count_ = 0;
};

}  // namespace tessera::cpp
