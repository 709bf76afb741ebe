// Placeholder until the yolo module lands; replaced by the real implementation.
#include "builtin_formats.hpp"
#include "core/error.hpp"

namespace tessera::formats {
namespace {
Dataset read_placeholder(const std::filesystem::path& p, const ReadOptions&) { fail(p, "yolo: not built yet"); }
void write_placeholder(const ItemSource&, const std::filesystem::path& p, const WriteOptions&) { fail(p, "yolo: not built yet"); }
}  // namespace
const Format& yolo_format() {
    static const Format format{"yolo", "placeholder", read_placeholder, write_placeholder};
    return format;
}
}  // namespace tessera::formats
