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

}  // namespace tessera::formats
