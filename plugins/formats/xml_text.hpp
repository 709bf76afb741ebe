#pragma once
// XML annotation files (VOC, CVAT) read with pugixml: parsing a document held
// in memory, and errors placed at a node as "file:line:col: message".

#include <filesystem>
#include <string_view>

#include <pugixml.hpp>

namespace tessera::formats {

/// Parses `text`, read from `file`, into `doc`; throws Error at the position
/// where it stops being well-formed XML.
void parse_xml(const std::filesystem::path& file, std::string_view text, pugi::xml_document& doc);

/// Throws Error "file:line:col: message" at `node` of the document parsed from
/// `text` (at the start of the file when `node` is null).
[[noreturn]] void fail_at_node(const std::filesystem::path& file, std::string_view text,
                               const pugi::xml_node& node, std::string_view message);

}  // namespace tessera::formats
