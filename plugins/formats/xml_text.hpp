#pragma once
// XML annotation files (VOC, CVAT): read with pugixml (parsing a document held
// in memory, errors placed at a node as "file:line:col: message") and text
// escaped for writing them.

#include <filesystem>
#include <string>
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

/// Where escaped text goes in an XML document.
enum class XmlPlace { Text, Attribute };

/// `text` escaped for element text or an attribute value (in double quotes):
/// & < > " as entities; CR always as a reference, and LF and tab as references
/// in attribute values, since a parser turns them into LF and spaces
/// otherwise; other control characters, which XML 1.0 cannot hold even as
/// references, as U+FFFD.
[[nodiscard]] std::string xml_escaped(std::string_view text, XmlPlace place);

}  // namespace tessera::formats
