#pragma once
// Image size from the file header, without decoding pixels. stb_image is not
// hardened against hostile files (docs/architecture.md §6), so sizes are read and checked
// here before anything decodes.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

#include "core/data_api.hpp"

namespace tessera::media {

/// What the header of an image says.
struct ImageHeader {
    std::string_view format;  ///< "png", "jpeg", "bmp", "gif", "webp", "tiff"
    std::uint32_t width = 0;
    std::uint32_t height = 0;
};

/// Largest width or height accepted for an image, in pixels.
inline constexpr std::uint32_t kMaxImageSide = 65535;

/// Parses the header of an image held in `bytes` (the first few KiB suffice
/// except for JPEG, whose size may come later). nullopt when the bytes are not
/// a recognised image or the header is malformed or over kMaxImageSide.
[[nodiscard]] std::optional<ImageHeader> parse_image_header(std::span<const std::uint8_t> bytes);

/// Reads the header of the image at `path`; nullopt as above or if unreadable.
[[nodiscard]] std::optional<ImageHeader> read_image_header(const std::filesystem::path& path);

/// Media kind of a file from its extension (case-insensitive); Unknown if not known.
[[nodiscard]] v1::MediaKind media_kind_from_extension(const std::filesystem::path& path);

}  // namespace tessera::media
