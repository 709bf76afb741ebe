#pragma once
// Small helpers the format tests share.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>

#include "core/data_api.hpp"
#include "core/error.hpp"
#include "support/temp_dir.hpp"

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

/// The message of the tessera::Error `run()` throws; `none` when it throws none.
template <class Run>
std::string error_message(Run&& run, std::string_view none = "") {
    try {
        std::forward<Run>(run)();
    } catch (const Error& e) {
        return e.what();
    }
    return std::string(none);
}

/// The error `read(path)` gives for `text` written to a file `name` in a
/// fresh folder, with the folder left out of it (`a.json:3:5: ...`); "" when
/// it reads.
template <class Read>
std::string error_reading(std::string_view name, std::string_view text, Read&& read) {
    TempDir dir;
    const std::filesystem::path path = dir / name;
    put(path, text);
    const std::string message = error_message([&] { read(path); });
    const std::string prefix = path.generic_string();
    return message.starts_with(prefix) ? std::string(name) + message.substr(prefix.size())
                                       : message;
}

}  // namespace tessera::test
