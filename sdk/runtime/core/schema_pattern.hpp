#pragma once
// Attribute patterns of label schemas (AttributeSpec.pattern): compiled with
// limits and matched against whole String values, in one place for every
// reader of a schema (the Lua schema reader, the built-in QA rules, the
// studio's attribute editor).
//
// Patterns come from plugins and from projects, so they are untrusted: they
// are compiled by RE2 (linear-time matching, no backtracking, a memory bound)
// after checks of our own that run before RE2's parser sees the text.
//
// Implemented: RE2 syntax, UTF-8 matched by code point, whole-value matching;
// limits on length, group nesting, repetition counts and compiled size; a
// clear reason for every refusal, naming what RE2 cannot do (back-references,
// lookaround, ECMAScript's \u and \c escapes, (?<name>...) groups).
// Missing: translation of ECMAScript-only syntax (it is refused, not rewritten).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace tessera {

/// A longer pattern is refused.
inline constexpr std::size_t kMaxPatternBytes = 512;
/// Groups nested deeper are refused (checked before RE2 parses the pattern).
inline constexpr std::size_t kMaxPatternDepth = 100;
/// A repetition {n}, {n,} or {n,m} with a count above this is refused.
inline constexpr std::uint64_t kMaxPatternRepeat = 1000;
/// Memory RE2 may use for one pattern: its compiled program and its DFA
/// cache. A pattern whose program does not fit is refused.
inline constexpr std::int64_t kMaxPatternMemory = std::int64_t{2} << 20;
/// Values longer than this are not matched: the QA rule reports them as too
/// long to check (matching is linear, this bounds the time per value).
inline constexpr std::size_t kMaxPatternValueBytes = 4096;

/// A compiled pattern, or the reason it was refused. Copies share the
/// compiled program; matching is safe from many threads at once.
class SchemaPattern {
public:
    /// Compiles `source` within the limits above. Never throws for a bad
    /// pattern: ok() is false and error() says why, e.g. "its groups are
    /// nested more than 100 deep" or "lookahead (?=) is not supported".
    [[nodiscard]] static SchemaPattern compile(std::string_view source);

    [[nodiscard]] bool ok() const noexcept { return compiled_ != nullptr; }
    /// Why the pattern was refused; empty when ok().
    [[nodiscard]] const std::string& error() const noexcept { return error_; }
    /// True when the whole of `value` matches (false when !ok()).
    [[nodiscard]] bool matches(std::string_view value) const;

private:
    std::shared_ptr<const re2::RE2> compiled_;
    std::string error_;
};

}  // namespace tessera
