#include "core/schema_pattern.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <re2/re2.h>

namespace tessera {
namespace {

/// Reads a decimal count at `at` (advancing it), saturating; false when there is no digit.
bool read_count(std::string_view text, std::size_t& at, std::uint64_t& value) {
    const std::size_t begin = at;
    value = 0;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at)
        value = std::min<std::uint64_t>(value * 10 + static_cast<unsigned>(text[at] - '0'),
                                        std::uint64_t{1} << 40);
    return at > begin;
}

/// The index just past the character class opening at `open` (a '['), read as
/// RE2 reads it: a ']' first (after an optional '^') is a member, "[:alpha:]"
/// is a member, a backslash escapes the next character.
std::size_t class_end(std::string_view text, std::size_t open) {
    std::size_t at = open + 1;
    if (at < text.size() && text[at] == '^') ++at;
    if (at < text.size() && text[at] == ']') ++at;
    while (at < text.size() && text[at] != ']') {
        if (text[at] == '\\') {
            at += 2;
        } else if (text.substr(at, 2) == "[:") {
            const std::size_t close = text.find(":]", at + 2);
            at = close == std::string_view::npos ? at + 1 : close + 2;
        } else {
            ++at;
        }
    }
    return std::min(at + 1, text.size());
}

/// Why `source` is refused before RE2 sees it (length, nesting, repetition
/// counts), or empty. One pass, no recursion, whatever the input.
std::string refuse_early(std::string_view source) {
    if (source.size() > kMaxPatternBytes)
        return fmt::format("it is {} bytes long, above the limit of {} bytes", source.size(),
                           kMaxPatternBytes);
    std::size_t depth = 0;
    for (std::size_t at = 0; at < source.size(); ++at) {
        const char c = source[at];
        if (c == '\\') {
            if (at + 1 < source.size() && source[at + 1] == 'Q') {  // \Q...\E is literal text
                const std::size_t end = source.find("\\E", at + 2);
                at = end == std::string_view::npos ? source.size() : end + 1;
            } else {
                ++at;
            }
        } else if (c == '[') {
            at = class_end(source, at) - 1;
        } else if (c == '(') {
            if (++depth > kMaxPatternDepth)
                return fmt::format("its groups are nested more than {} deep", kMaxPatternDepth);
        } else if (c == ')') {
            if (depth > 0) --depth;
        } else if (c == '{') {
            std::size_t end = at + 1;
            std::uint64_t low = 0, high = 0;
            if (!read_count(source, end, low)) continue;  // "{" alone or "{,n}": literal text
            high = low;
            if (end < source.size() && source[end] == ',') {
                ++end;
                if (!read_count(source, end, high)) high = low;  // {n,}
            }
            if (end >= source.size() || source[end] != '}') continue;
            if (std::max(low, high) > kMaxPatternRepeat)
                return fmt::format("its repetition {} asks for more than {} repeats",
                                   source.substr(at, end + 1 - at), kMaxPatternRepeat);
            at = end;
        }
    }
    return {};
}

/// The reason for RE2's refusal of `source`, naming what RE2 does not do.
std::string explain(std::string_view source, const re2::RE2& re) {
    const std::string& arg = re.error_arg();
    switch (re.error_code()) {
        case re2::RE2::ErrorPatternTooLarge:
            return fmt::format("it compiles to more than the memory limit of {} bytes",
                               kMaxPatternMemory);
        case re2::RE2::ErrorBadEscape:
            if (arg.size() == 2 && arg[1] >= '1' && arg[1] <= '9')
                return fmt::format("back-references ({}) are not supported", arg);
            if (arg == "\\k") return "back-references (\\k<name>) are not supported";
            if (arg == "\\u") {
                const std::size_t at = source.find("\\u");
                std::string_view hex = source.substr(at + 2, 4);
                if (hex.size() < 4 || !std::all_of(hex.begin(), hex.end(), [](char c) {
                        return std::isxdigit(static_cast<unsigned char>(c));
                    }))
                    hex = "HHHH";
                return fmt::format("\\u escapes are not supported, write \\x{{{}}} for \\u{}", hex,
                                   hex);
            }
            if (arg == "\\c") return "\\c escapes are not supported, write \\x{HH}";
            break;
        case re2::RE2::ErrorMissingParen:
        case re2::RE2::ErrorBadPerlOp:
        case re2::RE2::ErrorBadNamedCapture:
            if (arg.rfind("(?=", 0) == 0 || arg.rfind("(?!", 0) == 0)
                return fmt::format("lookahead {}) is not supported", arg.substr(0, 3));
            if (arg.rfind("(?<", 0) == 0) {
                const std::size_t at = source.find("(?<");
                const char next = at + 3 < source.size() ? source[at + 3] : '\0';
                if (next == '=' || next == '!')
                    return fmt::format("lookbehind (?<{}) is not supported", next);
                return "named groups are written (?P<name>...)";
            }
            break;
        default:
            break;
    }
    return "not RE2 syntax (" + re.error() + ")";
}

}  // namespace

SchemaPattern SchemaPattern::compile(std::string_view source) {
    SchemaPattern pattern;
    pattern.error_ = refuse_early(source);
    if (!pattern.error_.empty()) return pattern;
    re2::RE2::Options options;
    options.set_encoding(re2::RE2::Options::EncodingUTF8);
    options.set_log_errors(false);  // refusals are reported by the callers, not on stderr
    options.set_never_capture(true);
    options.set_max_mem(kMaxPatternMemory);
    auto compiled =
        std::make_shared<re2::RE2>(re2::StringPiece(source.data(), source.size()), options);
    if (compiled->ok())
        pattern.compiled_ = std::move(compiled);
    else
        pattern.error_ = explain(source, *compiled);
    return pattern;
}

bool SchemaPattern::matches(std::string_view value) const {
    return compiled_ &&
           re2::RE2::FullMatch(re2::StringPiece(value.data(), value.size()), *compiled_);
}

}  // namespace tessera
