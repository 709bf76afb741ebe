#pragma once
// Helpers shared by the YOLO reader and writer; not part of the module's interface.

#include <filesystem>
#include <optional>
#include <string_view>

namespace tessera::formats::yolo::detail {

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code
/// points above U+10FFFF).
[[nodiscard]] bool valid_utf8(std::string_view text);

/// `path` with its last folder named `from` renamed to `to`
/// ("train/labels/a.txt", "labels", "images" → "train/images/a.txt"); nullopt when
/// no folder of `path` is named `from`.
[[nodiscard]] std::optional<std::filesystem::path> mirror(const std::filesystem::path& path,
                                                          std::string_view from,
                                                          std::string_view to);

}  // namespace tessera::formats::yolo::detail
