#pragma once
// Text that plugins and imported data provide, made safe to show: one line on
// a terminal whatever it holds, and UTF-8 that a JSON reader accepts.
//
// Implemented: UTF-8 decoding one sequence at a time; which code points a
//   terminal acts on (C0, DEL, C1, bidi embeddings/overrides/isolates, the
//   Unicode line and paragraph separators); escaping them for a terminal line.
// Missing: width-aware truncation; other invisible format characters (U+200B..)
//   are shown as they are.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tessera {

/// One step through UTF-8 text.
struct Utf8Step {
    /// The code point of the sequence at the offset; nullopt when the byte there
    /// starts no well-formed sequence (stray continuation, overlong form,
    /// surrogate, above U+10FFFF, cut short).
    std::optional<char32_t> code{};
    /// Bytes the sequence takes; 1 for an ill-formed byte.
    std::size_t length = 1;
};

/// The sequence of `text` starting at byte `at` (< text.size()).
[[nodiscard]] Utf8Step next_utf8(std::string_view text, std::size_t at);

/// Whether a terminal acts on `code` rather than showing it: C0 controls
/// (newline, ESC, ...), DEL, C1 controls (U+0080..U+009F), bidi embeddings,
/// overrides and isolates (U+202A..U+202E, U+2066..U+2069) and the line and
/// paragraph separators (U+2028, U+2029).
[[nodiscard]] bool is_control_code_point(char32_t code);

/// `text` as one terminal line: control characters as \n, \r, \t, \xNN (other
/// C0 and DEL) or \uNNNN (the others above), bytes that are not UTF-8 as \xNN,
/// everything else (backslashes included) unchanged. The result holds no
/// control character and no invalid UTF-8. Used for every plugin-provided or
/// imported string the CLI prints.
[[nodiscard]] std::string terminal_text(std::string_view text);

}  // namespace tessera
