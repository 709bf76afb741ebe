#pragma once
// The human-readable project file, tessera-project.json:
//
//   {
//     "tessera_project": 1,
//     "name": "traffic-2026-q4",
//     "database": "project.db",
//     "synchronous": "FULL",
//     "schema": "tessera.driving",
//     "qa": {
//       "rules": {
//         "builtin.near-duplicate": { "severity": "warning", "params": { "iou": 0.9 } },
//         "driving.light-state": { "enabled": false }
//       }
//     }
//   }
//
// "tessera_project" (required) is the version of this file's format. "name"
// (required) names the project. "database" (default "project.db") is the
// SQLite database, a plain file name inside the project folder. "synchronous"
// (default "FULL") is SQLite's durability level: FULL or EXTRA survive power
// loss, NORMAL only a crash of the program. "schema" (default "", none) is the
// id of the label schema the project was created with (`tessera init --schema`).
// "qa" → "rules" configures QA rules by rule id: "enabled" (boolean),
// "severity" ("error", "warning" or "info") and "params" (an object of numbers,
// strings or booleans, passed to the rule as text); other keys in a rule's
// object are refused as typos. Unknown top-level keys are ignored.

#include <filesystem>
#include <string>

#include "formats/json_text.hpp"
#include "qa/rule.hpp"
#include "store/project.hpp"

namespace tessera::store {

/// Version of the project file format this program reads and writes.
inline constexpr int kProjectFileVersion = 1;

/// Everything the project file says.
struct ProjectFile {
    /// Name and durability level.
    ProjectSettings settings;
    /// File name of the database inside the project folder.
    std::string database{kDatabaseFileName};
    /// Id of the label schema the project was created with; empty = none.
    std::string schema;
    /// The "qa" → "rules" section: per-rule enablement, severity and parameters.
    qa::RuleSettings qa_rules;
};

/// Reads and checks a project file; throws Error "FILE:LINE:COL: expected ..." when it is invalid.
[[nodiscard]] ProjectFile read_project_file(const std::filesystem::path& file);
/// Same for `text`, the contents of `file` (tests, fuzzing).
[[nodiscard]] ProjectFile parse_project_file(const std::filesystem::path& file, std::string_view text);

/// Reads a "qa" object ({"rules": {RULE: {"enabled", "severity", "params"}}})
/// into `rules`, as the project file holds it; studio profiles share the
/// format. Keys other than "rules" are left to newer programs. Throws Error
/// "FILE:LINE:COL: ..." when it is invalid.
void read_qa_section(const formats::JsonText& json, simdjson::ondemand::value& value, qa::RuleSettings& rules);

/// Writes a project file atomically (a crash leaves the old or the new file).
void write_project_file(const std::filesystem::path& file, const ProjectFile& contents);

}  // namespace tessera::store
