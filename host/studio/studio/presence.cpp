#include "studio/presence.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <system_error>

#include <fmt/format.h>

namespace tessera::studio {
namespace {

std::string host_name() {
    std::array<char, 256> name{};
    if (gethostname(name.data(), name.size() - 1) != 0) return "localhost";
    return name.data();
}

// The first line of an open file, at most 512 bytes.
std::string first_line(int fd) {
    std::array<char, 512> buffer{};
    const ssize_t n = pread(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) return {};
    std::string text(buffer.data(), static_cast<std::size_t>(n));
    text.erase(std::find(text.begin(), text.end(), '\n'), text.end());
    return text;
}

}  // namespace

Presence::Presence(const std::filesystem::path& project_dir, std::string_view author)
    : folder_(project_dir / ".tessera-sessions") {
    std::error_code error;
    std::filesystem::create_directories(folder_, error);
    // Hosts may embed several studios in one process: each is counted.
    static std::atomic<unsigned> count{0};
    const std::string name = fmt::format("{}-{}-{}", host_name(), getpid(), count++);
    // Written and locked under a temporary name, then renamed: a file under
    // its final name is always locked while its studio runs, so no other
    // studio takes it for a dead one's.
    const std::filesystem::path temporary = folder_ / ("." + name + ".new");
    fd_ = ::open(temporary.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return;
    const std::string line = fmt::format("{} (pid {} on {})\n", author, getpid(), host_name());
    if (flock(fd_, LOCK_EX | LOCK_NB) != 0 ||
        write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
        std::rename(temporary.c_str(), (folder_ / name).c_str()) != 0) {
        ::close(fd_);
        fd_ = -1;
        std::filesystem::remove(temporary, error);
        return;
    }
    own_ = folder_ / name;
}

Presence::~Presence() {
    if (fd_ < 0) return;
    std::error_code error;
    std::filesystem::remove(own_, error);
    ::close(fd_);
}

const std::vector<std::string>& Presence::others(std::chrono::steady_clock::duration max_age) {
    const auto now = std::chrono::steady_clock::now();
    if (looked_once_ && now - looked_ < max_age) return others_;
    looked_once_ = true;
    looked_ = now;
    others_.clear();
    std::error_code error;
    for (std::filesystem::directory_iterator it(folder_, error), end; !error && it != end;
         it.increment(error)) {
        const std::filesystem::path& path = it->path();
        if (path == own_ || path.filename().string().starts_with(".")) continue;
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) continue;
        if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
            others_.push_back(first_line(fd));  // locked: its studio runs
        } else {
            std::error_code ignored;  // a studio that is gone; a read-only folder keeps it
            std::filesystem::remove(path, ignored);
        }
        ::close(fd);
    }
    std::sort(others_.begin(), others_.end());
    return others_;
}

}  // namespace tessera::studio
