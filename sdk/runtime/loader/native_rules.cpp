// tessera.qa-rules/1 of a native plugin as a qa::RuleProvider.
//
// Implemented: rule listing, enabled rules and parameters through the
// context, findings copied into the engine's sink (those naming a rule that
// is not the plugin's are dropped with a warning), one rule's failure
// (rule_failed) reported as a finding about that rule, a failing check_item()
// (status or escaping exception) reported as a finding about every enabled rule.

#include <deque>
#include <exception>
#include <set>

#include <tessera/ext/qa_rules.h>

#include "loader/native_plugin.hpp"

namespace tessera::plugins {
namespace {

class NativeRules final : public qa::RuleProvider {
public:
    NativeRules(std::shared_ptr<NativePlugin> plugin, const tessera_plugin_qa_rules_t& ext,
                std::shared_ptr<HostExtensions> host);

    [[nodiscard]] std::string_view plugin_id() const override { return plugin_->id(); }
    [[nodiscard]] std::span<const qa::RuleInfo> rules() const override { return rules_; }
    [[nodiscard]] std::unique_ptr<qa::ItemChecker> make_checker(
        const qa::RunConfig& config) const override;

    [[nodiscard]] bool owns(std::string_view rule) const { return ids_.find(rule) != ids_.end(); }
    void warn(std::string_view message) const {
        host_->log(TESSERA_LOG_WARNING, plugin_->id(), message);
    }
    const NativePlugin& plugin() const { return *plugin_; }
    const tessera_plugin_qa_rules_t& ext() const { return ext_; }

private:
    std::shared_ptr<NativePlugin> plugin_;
    const tessera_plugin_qa_rules_t& ext_;
    std::shared_ptr<HostExtensions> host_;
    std::vector<qa::RuleInfo> rules_;
    std::set<std::string, std::less<>> ids_;
};

// One check_item() call: what the context's callbacks reach through ctx.
struct CallState {
    const NativeRules& rules;
    const qa::RunConfig& config;
    qa::FindingSink& findings;
    std::set<std::string, std::less<>>& warned;  // rule ids already warned about, per checker
    std::deque<std::string> params;              // get_param results, valid for the call
    std::exception_ptr failure;                  // thrown by the sink; rethrown after the call
};

CallState& state_of(const tessera_qa_context_t* context) {
    return *static_cast<CallState*>(context->ctx);
}

bool TESSERA_ABI is_enabled(const tessera_qa_context_t* context, const char* rule_id) {
    if (context == nullptr || rule_id == nullptr) return false;
    try {
        return state_of(context).config.enabled(rule_id);
    } catch (...) {
        return false;
    }
}

const char* TESSERA_ABI get_param(const tessera_qa_context_t* context, const char* rule_id,
                                  const char* key) {
    if (context == nullptr || rule_id == nullptr || key == nullptr) return nullptr;
    CallState& state = state_of(context);
    try {
        const auto value = state.config.param(rule_id, key);
        if (!value) return nullptr;
        return state.params.emplace_back(*value).c_str();
    } catch (...) {
        return nullptr;
    }
}

void TESSERA_ABI report(const tessera_qa_context_t* context, const tessera_qa_finding_t* finding) {
    if (context == nullptr) return;
    CallState& state = state_of(context);
    try {
        if (finding == nullptr || finding->rule_id == nullptr || finding->message == nullptr) {
            state.rules.warn("finding dropped: it has no rule id or no message");
            return;
        }
        const std::string_view rule = finding->rule_id;
        if (!state.rules.owns(rule)) {
            if (state.warned.insert(std::string(rule)).second)
                state.rules.warn(
                    fmt::format("finding of rule \"{}\" dropped: it is not a rule of "
                                "this plugin",
                                rule));
            return;
        }
        if (finding->annotations == nullptr && finding->annotation_count > 0) {
            state.rules.warn(
                fmt::format("finding of rule \"{}\" dropped: annotations is NULL "
                            "with a count of {}",
                            rule, finding->annotation_count));
            return;
        }
        const std::span<const std::uint64_t> annotations(finding->annotations,
                                                         finding->annotation_count);
        state.findings.report(rule, annotations, finding->message,
                              finding->fix != nullptr ? finding->fix : "");
    } catch (...) {
        if (!state.failure) state.failure = std::current_exception();
    }
}

void TESSERA_ABI rule_failed(const tessera_qa_context_t* context, const char* rule_id,
                             const char* message) {
    if (context == nullptr) return;
    CallState& state = state_of(context);
    try {
        if (rule_id == nullptr) {
            state.rules.warn("rule failure dropped: it has no rule id");
            return;
        }
        const std::string_view rule = rule_id;
        if (!state.rules.owns(rule)) {
            if (state.warned.insert(std::string(rule)).second)
                state.rules.warn(
                    fmt::format("failure of rule \"{}\" dropped: it is not a rule of "
                                "this plugin",
                                rule));
            return;
        }
        state.findings.rule_failed(
            rule, fmt::format("plugin {}: {}", state.rules.plugin_id(),
                              message != nullptr && *message != '\0' ? message : "no message"));
    } catch (...) {
        if (!state.failure) state.failure = std::current_exception();
    }
}

class NativeChecker final : public qa::ItemChecker {
public:
    NativeChecker(const NativeRules& rules, const qa::RunConfig& config)
        : rules_(rules), config_(config) {}

    void check(const qa::ItemInput& input, qa::FindingSink& findings) override {
        CallState state{rules_, config_, findings, warned_, {}, {}};
        const auto bytes = [](std::span<const std::uint8_t> s) {
            return tessera_bytes_t{s.data(), s.size()};
        };
        const tessera_qa_context_t context{
            .ctx = &state,
            .label_schema = bytes(input.schema_bytes),
            .item = bytes(input.item_bytes),
            .annotations = bytes(input.annotation_bytes),
            .is_enabled = is_enabled,
            .get_param = get_param,
            .report = report,
            .rule_failed = rule_failed,
        };
        const NativePlugin& plugin = rules_.plugin();
        std::string failure;
        try {
            const tessera_status_t status = call_plugin(
                "check_item()", [&] { return rules_.ext().check_item(plugin.get(), &context); });
            if (status != TESSERA_OK)
                failure = fmt::format("plugin {}: check_item() returned status {}{}", plugin.id(),
                                      status, plugin.quoted_last_error());
        } catch (const Error& e) {
            failure = fmt::format("plugin {}: {}", plugin.id(), e.what());
        }
        if (state.failure) std::rethrow_exception(state.failure);
        if (failure.empty()) return;
        bool reported = false;
        for (const qa::RuleInfo& rule : rules_.rules()) {
            if (!config_.enabled(rule.id)) continue;
            findings.rule_failed(rule.id, failure);
            reported = true;
        }
        if (!reported)  // never a silent pass
            for (const qa::RuleInfo& rule : rules_.rules()) findings.rule_failed(rule.id, failure);
    }

private:
    const NativeRules& rules_;
    const qa::RunConfig& config_;
    std::set<std::string, std::less<>> warned_;
};

NativeRules::NativeRules(std::shared_ptr<NativePlugin> plugin, const tessera_plugin_qa_rules_t& ext,
                         std::shared_ptr<HostExtensions> host)
    : plugin_(std::move(plugin)), ext_(ext), host_(std::move(host)) {
    const std::uint32_t count =
        call_plugin("qa-rules count()", [&] { return ext_.count(plugin_->get()); });
    for (std::uint32_t i = 0; i < count; ++i) {
        tessera_qa_rule_info_t info{};
        if (!call_plugin("qa-rules get()", [&] { return ext_.get(plugin_->get(), i, &info); }))
            throw Error(fmt::format("QA rule {} of {}: get() failed{}", i, count,
                                    plugin_->quoted_last_error()));
        if (info.id == nullptr || *info.id == '\0')
            throw Error(fmt::format("QA rule {} has no id", i));
        if (info.default_severity < TESSERA_SEVERITY_INFO ||
            info.default_severity > TESSERA_SEVERITY_ERROR)
            throw Error(fmt::format(
                "QA rule \"{}\": default_severity {} is not info (0), warning (1) or error (2)",
                info.id, static_cast<int>(info.default_severity)));
        if (!ids_.insert(info.id).second)
            throw Error(fmt::format("QA rule \"{}\" is listed twice", info.id));
        rules_.push_back({info.id, info.description != nullptr ? info.description : "",
                          static_cast<qa::Severity>(info.default_severity)});
    }
}

std::unique_ptr<qa::ItemChecker> NativeRules::make_checker(const qa::RunConfig& config) const {
    return std::make_unique<NativeChecker>(*this, config);
}

}  // namespace

std::shared_ptr<qa::RuleProvider> make_native_rules(std::shared_ptr<NativePlugin> plugin,
                                                    const void* extension,
                                                    std::shared_ptr<HostExtensions> host) {
    const auto& ext = *static_cast<const tessera_plugin_qa_rules_t*>(extension);
    if (ext.count == nullptr) throw Error("tessera.qa-rules/1 count is NULL; it is required");
    if (ext.get == nullptr) throw Error("tessera.qa-rules/1 get is NULL; it is required");
    if (ext.check_item == nullptr)
        throw Error("tessera.qa-rules/1 check_item is NULL; it is required");
    return std::make_shared<NativeRules>(std::move(plugin), ext, std::move(host));
}

}  // namespace tessera::plugins
