#include "core/text.hpp"

#include <cmath>
#include <cstdint>
#include <iterator>

#include <fmt/format.h>

namespace tessera {

std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
    static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};  // by sequence length
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80             ? 1
                                   : (lead & 0xE0) == 0xC0 ? 2
                                   : (lead & 0xF0) == 0xE0 ? 3
                                   : (lead & 0xF8) == 0xF0 ? 4
                                                           : 0;
        if (length == 0 || i + length > text.size()) return i;
        char32_t code = length == 1 ? lead : lead & (0x7F >> length);
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return i;
            code = (code << 6) | (next & 0x3F);
        }
        if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return i;
        i += length;
    }
    return std::nullopt;
}

void append_double(std::string& out, double value) {
    // If k/100 rounds to `value`, the decimal k/100 reads back as `value`; below 1e9 two
    // such decimals are farther apart than the doubles around them, so no shorter text
    // reads back as `value` either: this is the text the shortest-form formatter writes.
    if (std::abs(value) < 1e9 && !(value == 0 && std::signbit(value))) {
        const auto k = static_cast<std::int64_t>(std::nearbyint(value * 100));
        if (static_cast<double>(k) / 100 == value) {
            char text[24];
            char* p = text + sizeof text;
            std::uint64_t magnitude =
                k < 0 ? static_cast<std::uint64_t>(-k) : static_cast<std::uint64_t>(k);
            const auto cents = static_cast<unsigned>(magnitude % 100);
            magnitude /= 100;
            if (cents != 0) {
                if (cents % 10 != 0) *--p = static_cast<char>('0' + cents % 10);
                *--p = static_cast<char>('0' + cents / 10);
                *--p = '.';
            }
            do {
                *--p = static_cast<char>('0' + magnitude % 10);
                magnitude /= 10;
            } while (magnitude != 0);
            if (k < 0) *--p = '-';
            out.append(p, static_cast<std::size_t>(text + sizeof text - p));
            return;
        }
    }
    fmt::format_to(std::back_inserter(out), "{}", value);
}

}  // namespace tessera
