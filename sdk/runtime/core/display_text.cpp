#include "core/display_text.hpp"

#include <fmt/format.h>

namespace tessera {

Utf8Step next_utf8(std::string_view text, std::size_t at) {
    static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};  // by sequence length
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) return {lead, 1};
    const std::size_t length = (lead & 0xE0) == 0xC0   ? 2
                               : (lead & 0xF0) == 0xE0 ? 3
                               : (lead & 0xF8) == 0xF0 ? 4
                                                       : 0;
    if (length == 0 || at + length > text.size()) return {};
    char32_t code = lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[at + k]);
        if ((next & 0xC0) != 0x80) return {};
        code = (code << 6) | (next & 0x3F);
    }
    if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return {};
    return {code, length};
}

bool is_control_code_point(char32_t code) {
    return code < 0x20 || (code >= 0x7F && code <= 0x9F) || (code >= 0x202A && code <= 0x202E) ||
           (code >= 0x2066 && code <= 0x2069) || code == 0x2028 || code == 0x2029;
}

std::string terminal_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte < 0x7F) {  // the common case: printable ASCII
            out.push_back(static_cast<char>(byte));
            ++i;
            continue;
        }
        const Utf8Step step = next_utf8(text, i);
        if (!step.code) {
            fmt::format_to(std::back_inserter(out), "\\x{:02x}", byte);
        } else if (*step.code == '\n') {
            out += "\\n";
        } else if (*step.code == '\r') {
            out += "\\r";
        } else if (*step.code == '\t') {
            out += "\\t";
        } else if (*step.code < 0x80 && is_control_code_point(*step.code)) {
            fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned>(*step.code));
        } else if (is_control_code_point(*step.code)) {
            fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(*step.code));
        } else {
            out.append(text.substr(i, step.length));
        }
        i += step.length;
    }
    return out;
}

}  // namespace tessera
