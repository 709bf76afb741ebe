#pragma once
// Building the QaReport buffer of a run (internal to the engine).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "qa/engine.hpp"

namespace tessera::qa::detail {

/// What a run found and counted, in report order.
struct RunTotals {
    std::int64_t time = 0;
    std::vector<std::string> rules;
    std::uint64_t items_checked = 0;
    std::uint64_t annotations_checked = 0;
};

/// The report of a run: `findings` must already be ordered by item, rule and annotation.
[[nodiscard]] Report build_report(const RunTotals& totals, const std::vector<Finding>& findings,
                                  std::map<std::uint64_t, std::string> uris);

}  // namespace tessera::qa::detail
