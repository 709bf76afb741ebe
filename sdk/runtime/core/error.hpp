#pragma once
// Errors a user can act on. Every message names the file, the position and
// what was expected: "coco.json:1:48213: annotation 17: bbox has 3 numbers, expected 4".

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace tessera {

/// An error caused by bad input or a bad project; the message is complete and
/// meant to be shown to the user as one line.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    /// `detail` is for developers (the SQL statement that failed, SQLite's codes):
    /// shown only on request (`tessera --verbose`), never instead of the message.
    Error(const std::string& message, std::string detail)
        : std::runtime_error(message), detail_(std::move(detail)) {}

    /// What failed inside, for `--verbose`; empty when the message says it all.
    [[nodiscard]] const std::string& detail() const noexcept { return detail_; }

private:
    std::string detail_;
};

/// 1-based line and column (in bytes) of a position in a text.
struct TextPosition {
    std::size_t line = 1;
    std::size_t column = 1;
};

/// Line and column of byte `offset` in `text`; offsets past the end clamp to it.
[[nodiscard]] TextPosition position_of(std::string_view text, std::size_t offset);

/// Throws Error("FILE:LINE:COL: message") for byte `offset` of `text`, the contents of `file`.
[[noreturn]] void fail_at(const std::filesystem::path& file, std::string_view text,
                          std::size_t offset, std::string_view message);

/// Throws Error("FILE: message").
[[noreturn]] void fail(const std::filesystem::path& file, std::string_view message);

}  // namespace tessera
