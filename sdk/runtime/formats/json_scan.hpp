#pragma once
// Finding where a JSON value ends without parsing it, so that a large document
// can be parsed one value at a time (the COCO reader's "images" and
// "annotations"). Only the structure is followed: strings, escapes and brackets.
// Whether the value is valid JSON is for the parser to say.

namespace tessera::formats {

/// The first byte at or after `p` that is not JSON whitespace (space, tab, CR,
/// LF), or `end`.
[[nodiscard]] const char* skip_json_space(const char* p, const char* end);

/// Just past the JSON value starting at `p`: a string to its closing quote, an
/// object or array to its matching bracket, anything else to the next
/// whitespace, comma, colon or bracket. nullptr when the text ends first, a
/// closing bracket does not match its opening one, or the value nests deeper
/// than 64 levels.
[[nodiscard]] const char* json_value_end(const char* p, const char* end);

}  // namespace tessera::formats
