#pragma once
// Small helpers the format tests share.

#include <filesystem>
#include <fstream>
#include <string_view>

#include "core/data_api.hpp"

namespace tessera::test {

/// Writes `bytes` to `path`, creating its folders.
inline void put(const std::filesystem::path& path, std::string_view bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// The attribute `key` of `annotation`, or nullptr.
inline const v1::AttributeT* attribute(const v1::AnnotationT& annotation, std::string_view key) {
    for (const auto& a : annotation.attributes)
        if (a->key == key) return a.get();
    return nullptr;
}

}  // namespace tessera::test
