#pragma once
// Which other studios have the project open. SQLite lets several processes
// write one project safely, but two annotators editing the same items should
// know of each other: each studio keeps a small file in the project folder's
// .tessera-sessions/, locked (flock) for as long as it runs and naming its
// author, host and process. A file whose lock can be taken was left by a
// studio that is gone (killed), and is removed.

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::studio {

class Presence {
public:
    /// Announces this studio in `project_dir`. Never throws: in a folder that
    /// cannot be written nobody sees this studio, and others() still works.
    Presence(const std::filesystem::path& project_dir, std::string_view author);
    ~Presence();
    Presence(const Presence&) = delete;
    Presence& operator=(const Presence&) = delete;

    /// The other studios with the project open, as "alice (pid 42 on host)",
    /// re-read when `max_age` has passed since the last look.
    [[nodiscard]] const std::vector<std::string>& others(
        std::chrono::steady_clock::duration max_age = std::chrono::seconds(2));

private:
    std::filesystem::path folder_;
    std::filesystem::path own_;
    int fd_ = -1;
    std::vector<std::string> others_;
    std::chrono::steady_clock::time_point looked_{};
    bool looked_once_ = false;
};

}  // namespace tessera::studio
