#pragma once
// Whole-file reads and crash-safe writes.

#include <filesystem>
#include <string>
#include <string_view>

namespace tessera {

/// Reads a whole file; throws Error naming the file when it cannot be read.
[[nodiscard]] std::string read_file(const std::filesystem::path& path);

/// Replaces `path` with `contents` so that a crash leaves either the old or
/// the new file, never a torn one: write a sibling temporary, fsync, rename,
/// fsync the folder. Throws Error on failure.
void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

}  // namespace tessera
