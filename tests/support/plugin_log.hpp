#pragma once
// Collects what a plugins::PluginHost logs, for tests to look at.

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "loader/host_extensions.hpp"

namespace tessera::test {

/// Log lines the host received, as "[plugin] message".
struct PluginLog {
    std::mutex mutex;
    std::vector<std::string> lines;
    plugins::LogFn fn() {
        return [this](tessera_log_level_t, std::string_view id, std::string_view message) {
            const std::lock_guard lock(mutex);
            lines.push_back("[" + std::string(id) + "] " + std::string(message));
        };
    }
    /// True when some line contains `text`.
    bool has(std::string_view text) {
        const std::lock_guard lock(mutex);
        for (const auto& line : lines)
            if (line.find(text) != std::string::npos) return true;
        return false;
    }
};

}  // namespace tessera::test
