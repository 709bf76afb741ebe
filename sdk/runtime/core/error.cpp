#include "core/error.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/std.h>

namespace tessera {

TextPosition position_of(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    TextPosition pos;
    const std::string_view before = text.substr(0, offset);
    pos.line += static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    const std::size_t line_start = before.rfind('\n');
    pos.column = line_start == std::string_view::npos ? offset + 1 : offset - line_start;
    return pos;
}

void fail_at(const std::filesystem::path& file, std::string_view text, std::size_t offset,
             std::string_view message) {
    const TextPosition pos = position_of(text, offset);
    throw Error(fmt::format("{}:{}:{}: {}", file.generic_string(), pos.line, pos.column, message));
}

void fail(const std::filesystem::path& file, std::string_view message) {
    throw Error(fmt::format("{}: {}", file.generic_string(), message));
}

}  // namespace tessera
