#pragma once
// Helpers shared by the YOLO reader and writer; not part of the module's interface.

#include <filesystem>
#include <optional>
#include <string_view>

namespace tessera::formats::yolo::detail {

/// `path` with its last folder named `from` renamed to `to`
/// ("train/labels/a.txt", "labels", "images" → "train/images/a.txt"); nullopt when
/// no folder of `path` is named `from`.
[[nodiscard]] std::optional<std::filesystem::path> mirror(const std::filesystem::path& path,
                                                          std::string_view from,
                                                          std::string_view to);

}  // namespace tessera::formats::yolo::detail
