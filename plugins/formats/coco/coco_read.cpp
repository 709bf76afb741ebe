// Placeholder until the coco module lands; replaced by the real implementation.
#include "builtin_formats.hpp"
#include "core/error.hpp"

namespace tessera::formats {
namespace {
Dataset read_placeholder(const std::filesystem::path& p, const ReadOptions&) { fail(p, "coco: not built yet"); }
void write_placeholder(const ItemSource&, const std::filesystem::path& p, const WriteOptions&) { fail(p, "coco: not built yet"); }
}  // namespace
const Format& coco_format() {
    static const Format format{"coco", "placeholder", read_placeholder, write_placeholder};
    return format;
}
}  // namespace tessera::formats
