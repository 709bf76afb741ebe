#pragma once
// `tessera validate`: every stored buffer verified, every reference resolved.

#include <string>
#include <vector>

#include "core/progress.hpp"
#include "store/project.hpp"

namespace tessera::store {

/// One problem found in a project.
struct Problem {
    ItemId item = 0;      ///< the item concerned; 0 = the project as a whole
    std::string message;  ///< one line, naming the item's URI and what is wrong
};

/// Reports the damage found when the project was opened (Project::damage:
/// lost commits, a half-written import), checks the database's integrity,
/// that every annotation set matches its checksum, that every item, annotation
/// set, journal entry and review record passes the Verifier, and that
/// references resolve:
/// annotation ids unique and non-zero, labels declared by the schema (when it
/// declares any), geometry kinds allowed by the class, parents and relation
/// targets present in the same item, well-formed polygons, keypoints and masks,
/// media files present, assignee names that assignee_problem accepts, and
/// annotation strings that are valid UTF-8 without NUL bytes or U+FFFD
/// replacement characters, in NFC. Returns every problem found, in item order.
[[nodiscard]] std::vector<Problem> validate(const Project& project,
                                            const ProgressFn& progress = {});

}  // namespace tessera::store
