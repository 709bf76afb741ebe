// The user's saved layout (layout.hpp).
//
// Implemented: one small text file per user and profile, written atomically
// after each move or resize; malformed lines skipped with a warning.
// Missing: collapsed state and closable panels' open state are not saved.

#include "studio/layout.hpp"

#include <cstdlib>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/file_io.hpp"

namespace tessera::studio {
namespace {

constexpr std::string_view kHeader = "tessera-studio-layout 1";

}  // namespace

SavedLayout::SavedLayout(std::filesystem::path file) : file_(std::move(file)) {
    std::error_code ec;
    if (file_.empty() || !std::filesystem::exists(file_, ec)) return;
    try {
        rects_ = parse(read_file(file_), file_.string());
    } catch (const Error& e) {
        fmt::print(stderr, "tessera-studio: the saved layout is not used: {}\n", e.what());
    }
}

std::filesystem::path SavedLayout::file_for(const std::filesystem::path& profile) {
    std::filesystem::path config;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && xdg[0] == '/')
        config = xdg;
    else if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0')
        config = std::filesystem::path(home) / ".config";
    else
        return {};
    const std::string name = profile.empty() ? "default" : profile.stem().string();
    return config / "tessera" / "studio" / "layouts" / (name + ".layout");
}

const LayoutRect* SavedLayout::find(std::string_view id) const {
    const auto found = rects_.find(id);
    return found != rects_.end() ? &found->second : nullptr;
}

void SavedLayout::set(const std::string& id, LayoutRect rect) {
    rects_[id] = rect;
}

void SavedLayout::save() const {
    if (file_.empty()) return;
    std::error_code ec;
    std::filesystem::create_directories(file_.parent_path(), ec);
    if (ec)
        throw Error(fmt::format("cannot create the folder {}: {}", file_.parent_path().string(),
                                ec.message()));
    write_file_atomic(file_, format(rects_));
}

void SavedLayout::clear() {
    rects_.clear();
    std::error_code ec;
    if (!file_.empty()) std::filesystem::remove(file_, ec);
}

std::string SavedLayout::format(const std::map<std::string, LayoutRect, std::less<>>& rects) {
    std::string text = fmt::format("{}\n", kHeader);
    for (const auto& [id, r] : rects)
        text += fmt::format("{} {:.6f} {:.6f} {:.6f} {:.6f}\n", id, r.x, r.y, r.width, r.height);
    return text;
}

std::map<std::string, LayoutRect, std::less<>> SavedLayout::parse(std::string_view text,
                                                                  const std::string& name) {
    std::istringstream in{std::string(text)};
    std::string line;
    if (!std::getline(in, line) || line != kHeader)
        throw Error(fmt::format("{}:1: expected \"{}\"", name, kHeader));
    std::map<std::string, LayoutRect, std::less<>> rects;
    for (int number = 2; std::getline(in, line); ++number) {
        if (line.empty()) continue;
        std::istringstream fields(line);
        std::string id;
        LayoutRect r;
        std::string rest;
        const bool numbers = static_cast<bool>(fields >> id >> r.x >> r.y >> r.width >> r.height);
        const bool in_range = numbers && r.x >= 0 && r.y >= 0 && r.width > 0 && r.height > 0 &&
                              r.x + r.width <= 1.5f && r.y + r.height <= 1.5f;
        if (!in_range || (fields >> rest)) {
            fmt::print(stderr,
                       "tessera-studio: {}:{}: expected \"PANEL X Y WIDTH HEIGHT\" with fractions "
                       "of the window, skipped\n",
                       name, number);
            continue;
        }
        rects[id] = r;
    }
    return rects;
}

}  // namespace tessera::studio
