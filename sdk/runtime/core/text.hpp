#pragma once
// Plain-text helpers the store, the formats and the hosts share: checking
// UTF-8 and writing numbers.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tessera {

/// Byte offset of the first byte of `text` that does not start or continue a
/// well-formed UTF-8 sequence (overlong forms, surrogates and code points above
/// U+10FFFF are ill-formed); nullopt when all of `text` is valid UTF-8.
[[nodiscard]] std::optional<std::size_t> first_invalid_utf8(std::string_view text);

/// Appends `value` as fmt's "{}" writes a double: the shortest text that reads
/// back to the same value, integers without a fraction ("12", "12.5", "nan").
/// Faster than fmt for values with at most two decimals, as most coordinates are.
void append_double(std::string& out, double value);

}  // namespace tessera
