#pragma once
// The limits of a Lua plugin's sandbox (docs/architecture.md §5), on their own so that
// code which sets them (the plugin loader, the project file) needs no Lua headers.
// plugins/lua/README.md ("The sandbox") documents them for plugin authors.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace tessera::lua {

/// Resource limits of one Lua state, per host-to-Lua call where it says so.
struct Limits {
    /// Bytes the state may hold at once (all its allocations together).
    std::size_t memory = 64u << 20;
    /// VM instructions one host-to-Lua call may execute.
    std::uint64_t instructions = 10'000'000;
    /// Wall-clock time one host-to-Lua call may take.
    std::chrono::milliseconds time{2000};
    /// Bytes of text the host may hold for the plugin: strings read from its
    /// tables when it loads, and the findings one QA worker keeps from it.
    std::size_t host_bytes = 64u << 20;
};

}  // namespace tessera::lua
