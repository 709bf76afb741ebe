#pragma once
// Progress of long work, reported by the runtime and drawn by the hosts.

#include <cstdint>
#include <functional>

namespace tessera {

/// Called with the units done so far and the total (0 when unknown). May be
/// empty. Called from the thread doing the work.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

}  // namespace tessera
