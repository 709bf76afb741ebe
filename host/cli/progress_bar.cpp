#include "progress_bar.hpp"

#include <algorithm>
#include <cstdio>

#include <unistd.h>

#include <fmt/format.h>

namespace tessera::cli {

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)), enabled_(::isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
    if (drawn_) std::fputs("\r\033[K", stderr);
}

ProgressFn ProgressBar::callback() {
    if (!enabled_) return {};
    return [this](std::uint64_t done, std::uint64_t total) { update(done, total); };
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && done != total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    constexpr int kWidth = 30;
    if (total == 0) {
        fmt::print(stderr, "\r{} {}\033[K", label_, done);
    } else {
        const double fraction =
            std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
        const int filled = static_cast<int>(fraction * kWidth);
        fmt::print(stderr, "\r{} [{}{}] {:3.0f}% {}/{}\033[K", label_, std::string(filled, '#'),
                   std::string(kWidth - filled, '.'), fraction * 100, done, total);
    }
    std::fflush(stderr);
}

}  // namespace tessera::cli
