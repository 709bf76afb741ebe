#pragma once
// Label schemas written in Lua (plugins/lua/README.md "Label schemas") turned
// into the data API's tessera.v1.LabelSchema.

#include <cstdint>
#include <string>
#include <vector>

#include "core/data_api.hpp"
#include "lua/table_reader.hpp"

namespace tessera::lua {

/// Converts the schema table at stack index `index` (an entry of
/// label_schemas, found at `path`) into a LabelSchemaT. Throws Error naming
/// the file and the path of the first bad value.
[[nodiscard]] v1::LabelSchemaT read_label_schema(const TableReader& reader, int index,
                                                 const std::string& path);

/// Packs `schema` as a "TSCH" buffer and verifies it.
[[nodiscard]] std::vector<std::uint8_t> pack_label_schema(const v1::LabelSchemaT& schema);

}  // namespace tessera::lua
