#pragma once
// The data API's timestamps: milliseconds since the Unix epoch, UTC.

#include <chrono>
#include <cstdint>

namespace tessera {

/// Now, as the data API stores times (Provenance, EditBatch, ReviewRecord, QaReport).
[[nodiscard]] inline std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace tessera
