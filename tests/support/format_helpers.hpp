#pragma once
// Small helpers the format tests share.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/data_api.hpp"

namespace tessera::test {

/// Writes `bytes` to `path`, creating its folders.
inline void put(const std::filesystem::path& path, std::string_view bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// Writes a PNG signature and IHDR chunk to `path`: all an image header reader needs.
inline void put_png_header(const std::filesystem::path& path, std::uint32_t width,
                           std::uint32_t height) {
    const auto be32 = [](std::uint32_t v) {
        return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                           static_cast<char>(v >> 8), static_cast<char>(v)};
    };
    put(path, std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + "IHDR" + be32(width) + be32(height) +
                  std::string("\x08\x02\x00\x00\x00", 5) + be32(0));
}

/// The attribute `key` of `annotation`, or nullptr.
inline const v1::AttributeT* attribute(const v1::AnnotationT& annotation, std::string_view key) {
    for (const auto& a : annotation.attributes)
        if (a->key == key) return a.get();
    return nullptr;
}

}  // namespace tessera::test
