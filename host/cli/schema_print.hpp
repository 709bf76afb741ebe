#pragma once
// Renders a label schema for `tessera schema show`: as text for people and as
// JSON (--json) for scripts.

#include <string>

#include "core/data_api.hpp"

namespace tessera::cli {

/// The schema as an indented outline: classes with their attributes, tiers, defects.
[[nodiscard]] std::string schema_text(const v1::LabelSchema& schema);

/// The schema as one JSON object whose keys follow label_schema.fbs.
[[nodiscard]] std::string schema_json(const v1::LabelSchema& schema);

/// The display name for `lang` ("zh-CN", "en"), else the first one, else "".
[[nodiscard]] std::string localized(
    const flatbuffers::Vector<flatbuffers::Offset<v1::LocalizedText>>* names,
    std::string_view lang);

}  // namespace tessera::cli
