#include "xml_text.hpp"

#include <algorithm>
#include <cstddef>

#include <fmt/format.h>

#include "core/error.hpp"

namespace tessera::formats {

void parse_xml(const std::filesystem::path& file, std::string_view text, pugi::xml_document& doc) {
    const pugi::xml_parse_result result =
        doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_auto);
    if (!result)
        fail_at(file, text, static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0)),
                fmt::format("expected well-formed XML ({})", result.description()));
}

void fail_at_node(const std::filesystem::path& file, std::string_view text,
                  const pugi::xml_node& node, std::string_view message) {
    const std::ptrdiff_t offset = node ? node.offset_debug() : -1;
    fail_at(file, text, offset < 0 ? 0 : static_cast<std::size_t>(offset), message);
}

std::string xml_escaped(std::string_view text, XmlPlace place) {
    const bool attribute = place == XmlPlace::Attribute;
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\n':
                out += attribute ? "&#10;" : "\n";
                break;
            case '\r':
                out += "&#13;";
                break;
            case '\t':
                out += attribute ? "&#9;" : "\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20)
                    out += "\xEF\xBF\xBD";
                else
                    out.push_back(c);
        }
    }
    return out;
}

}  // namespace tessera::formats
