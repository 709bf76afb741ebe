#pragma once
// A progress bar on stderr, drawn only when stderr is a terminal.

#include <chrono>
#include <cstdint>
#include <string>

#include "core/progress.hpp"

namespace tessera::cli {

/// Draws "label [#####.....]  42% 4200/10000" on stderr, at most ten times a
/// second; clears the line when destroyed. Does nothing when stderr is not a TTY.
class ProgressBar {
public:
    explicit ProgressBar(std::string label);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    /// A callback for the runtime's long operations.
    [[nodiscard]] ProgressFn callback();
    void update(std::uint64_t done, std::uint64_t total);

private:
    std::string label_;
    bool enabled_ = false;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace tessera::cli
