#pragma once
// The human-readable project file, tessera-project.json:
//
//   {
//     "tessera_project": 1,
//     "name": "traffic-2026-q4",
//     "database": "project.db",
//     "synchronous": "FULL"
//   }
//
// "tessera_project" (required) is the version of this file's format. "name"
// (required) names the project. "database" (default "project.db") is the
// SQLite database, a plain file name inside the project folder. "synchronous"
// (default "FULL") is SQLite's durability level: FULL or EXTRA survive power
// loss, NORMAL only a crash of the program. Unknown keys are ignored.

#include <filesystem>
#include <string>

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
};

/// Reads and checks a project file; throws Error "FILE:LINE:COL: expected ..." when it is invalid.
[[nodiscard]] ProjectFile read_project_file(const std::filesystem::path& file);

/// Writes a project file atomically (a crash leaves the old or the new file).
void write_project_file(const std::filesystem::path& file, const ProjectFile& contents);

}  // namespace tessera::store
