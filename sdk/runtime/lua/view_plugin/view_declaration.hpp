#pragma once
// The view a Lua plugin defines: a table entry of init.lua's `views`
// (plugins/lua/README.md "Views in Lua"), as read when the plugin loads.
//
//   views = { { name = "Timeline", media_kinds = "Audio,Video",
//               tools = { { id = "select", name = "Select", key = "V" } },
//               open_item = function(item, annotations, media_path) end,
//               set_annotations = function(annotations, item) end,
//               frame = function(ui, state) end,
//               options = function(ui) end } }          -- options may be left out

#include <string>
#include <vector>

#include "lua/table_reader.hpp"

namespace tessera::lua {

/// A tool of a Lua view (tessera_view_tool_t).
struct ViewTool {
    std::string id;
    std::string name;
    /// TESSERA_KEY_* or upper-case ASCII; 0 for none.
    int key = 0;
    bool operator==(const ViewTool&) const = default;
};

/// What a Lua view declares besides its functions.
struct ViewDeclaration {
    std::string name;
    /// Comma-separated tessera.v1.MediaKind names, as written (checked).
    std::string media_kinds;
    /// At least one; the first is the default.
    std::vector<ViewTool> tools;
    bool has_options = false;
    bool operator==(const ViewDeclaration&) const = default;
};

/// Reads and checks the view table at stack index `view` (`path` in messages,
/// e.g. "views[2]"): its fields, tools and functions. Throws Error naming the
/// file and the path of the bad value.
[[nodiscard]] ViewDeclaration read_view_declaration(const TableReader& reader, int view,
                                                    const std::string& path);

}  // namespace tessera::lua
