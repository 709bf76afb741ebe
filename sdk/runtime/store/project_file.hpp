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
//     },
//     "lua": { "instructions": 10000000, "time_ms": 2000, "memory_mib": 64, "host_mib": 64 }
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
// object are refused as typos. "lua" sets the limits of the Lua sandbox for
// every plugin the project's commands load (each optional, a positive integer
// up to the bound in kLuaLimitBounds; other keys are refused). Unknown
// top-level keys are ignored.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/json_text.hpp"
#include "store/project.hpp"
#include "store/rule_settings.hpp"

namespace tessera::store {

/// Version of the project file format this program reads and writes.
inline constexpr int kProjectFileVersion = 1;

/// The "lua" section: limits of the Lua sandbox; unset = the program's default.
struct LuaLimitSettings {
    std::optional<std::uint64_t> instructions;  ///< per host-to-Lua call
    std::optional<std::uint64_t> time_ms;       ///< wall clock per host-to-Lua call
    std::optional<std::uint64_t> memory_mib;    ///< Lua heap per state
    std::optional<std::uint64_t> host_mib;      ///< text the host holds for a plugin
    [[nodiscard]] bool empty() const {
        return !instructions && !time_ms && !memory_mib && !host_mib;
    }
};

/// The largest value each "lua" setting takes.
inline constexpr struct {
    std::uint64_t instructions = 10'000'000'000;
    std::uint64_t time_ms = 600'000;
    std::uint64_t memory_mib = 16384;
    std::uint64_t host_mib = 16384;
} kLuaLimitBounds{};

/// Everything the project file says.
struct ProjectFile {
    /// Name and durability level.
    ProjectSettings settings;
    /// File name of the database inside the project folder.
    std::string database{kDatabaseFileName};
    /// Id of the label schema the project was created with; empty = none.
    std::string schema;
    /// The "qa" → "rules" section: per-rule enablement, severity and parameters.
    RuleSettings qa_rules;
    /// The "lua" section.
    LuaLimitSettings lua;
};

/// Reads and checks a project file; throws Error "FILE:LINE:COL: expected ..." when it is invalid.
[[nodiscard]] ProjectFile read_project_file(const std::filesystem::path& file);
/// Same for `text`, the contents of `file` (tests, fuzzing).
[[nodiscard]] ProjectFile parse_project_file(const std::filesystem::path& file,
                                             std::string_view text);

/// Reads a "qa" object ({"rules": {RULE: {"enabled", "severity", "params"}}})
/// into `rules`, as the project file holds it; studio profiles share the
/// format. Keys other than "rules" are left to newer programs. Throws Error
/// "FILE:LINE:COL: ..." when it is invalid.
void read_qa_section(const JsonText& json, simdjson::ondemand::value& value, RuleSettings& rules);

/// Writes a project file atomically (a crash leaves the old or the new file).
void write_project_file(const std::filesystem::path& file, const ProjectFile& contents);

}  // namespace tessera::store
