#pragma once
// The project's configuration of QA rules, as the "qa" → "rules" section of
// tessera-project.json (store/project_file.hpp) and studio profiles hold it.
// Plain data kept in the store layer so that the project file does not depend
// on the QA engine; qa/rule.hpp names these types qa::RuleSetting and
// qa::RuleSettings, and the engine applies them.

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/data_api.hpp"

namespace tessera::store {

/// The project's configuration of one rule: the "qa" → "rules" → ID object
/// of tessera-project.json. Unset fields keep the rule's defaults.
struct RuleSetting {
    std::optional<bool> enabled;
    std::optional<v1::Severity> severity;
    /// Parameter values as text: numbers as written ("0.95"), strings unquoted.
    std::map<std::string, std::string, std::less<>> params;
};

/// Rule settings by rule id.
using RuleSettings = std::map<std::string, RuleSetting, std::less<>>;

}  // namespace tessera::store
