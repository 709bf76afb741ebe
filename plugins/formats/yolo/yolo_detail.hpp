#pragma once
// Helpers shared by the YOLO reader and writer; not part of the module's interface.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/data_api.hpp"

namespace tessera::formats::yolo::detail {

/// `path` with its last folder named `from` renamed to `to`
/// ("train/labels/a.txt", "labels", "images" → "train/images/a.txt"); nullopt when
/// no folder of `path` is named `from`.
[[nodiscard]] std::optional<std::filesystem::path> mirror(const std::filesystem::path& path,
                                                          std::string_view from,
                                                          std::string_view to);

/// The data.yaml entry of a subset named `subset`: "train" for train, training,
/// train2017, …; "val" for val, valid, validation, val2017, …; "test" for test,
/// testing, …; "" when it names no split.
[[nodiscard]] std::string_view split_key(std::string_view subset);

/// `--yolo-task`: which kind of label file an export writes.
enum class Task {
    Detect,   ///< every line `class cx cy w h`
    Segment,  ///< every line `class x1 y1 x2 y2 x3 y3 ...`
};

/// Records that an annotation was converted or left out, as `what`.
using Note = std::function<void(std::string_view what)>;

/// Appends the label lines of `annotation` (class `index`, image `width` ×
/// `height` pixels) to `out` in the form of `task`, calling `note` for every
/// conversion and omission; appends nothing for shapes YOLO cannot hold.
void append_lines(std::string& out, const v1::Annotation& annotation, std::size_t index,
                  double width, double height, Task task, const Note& note);

}  // namespace tessera::formats::yolo::detail
