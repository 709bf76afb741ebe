#pragma once
// The edit tables of ui:submit (plugins/lua/README.md "Views in Lua") turned
// into a tessera.v1.EditBatch:
//
//   ui:submit{
//     { op = "add", label = "utterance",
//       geometry = { time_span = { start = 1.5, ["end"] = 3 } },
//       attributes = { speaker = "A" }, text = "...", tier = "yi" },
//     { op = "update", id = 17,
//       geometry = { box = { left = 0, top = 0, right = 8, bottom = 8 } } },
//     { op = "delete", id = 18 },
//   }
//
// Implemented geometries: box, polygon (one ring), polyline, keypoints, point,
//   circle, time_span, text_span.
// Missing: rotated_box, multi_polygon, mask and cuboid cannot be written (an
//   update that leaves `geometry` out keeps them); attributes cannot be removed.

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/data_api.hpp"
#include "lua/sandbox.hpp"

namespace tessera::lua {

/// What the edits of one ui:submit refer to.
struct EditTarget {
    /// The open item and its annotations (updates start from the stored annotation).
    std::uint64_t item = 0;
    const v1::AnnotationSet* annotations = nullptr;
    /// The project's label schema, or nullptr: attribute values are typed by
    /// their class's attribute specs where it declares them, else by their Lua type.
    const v1::LabelSchema* schema = nullptr;
    /// Who edits (batch author, provenance of new annotations) and when
    /// (milliseconds since the Unix epoch).
    std::string_view author;
    std::int64_t time_ms = 0;
};

/// Reads the list of edit tables at stack index `ops` into an EditBatch buffer
/// with `comment`. Throws Error naming the bad field: "ui:submit: ops[2].geometry.box.left:
/// required, a number". Host side: hold a Sandbox::HostScope; raises no Lua error.
[[nodiscard]] std::vector<std::uint8_t> read_edit_batch(lua_State* L, int ops,
                                                        const EditTarget& target,
                                                        std::string_view comment);

}  // namespace tessera::lua
