// Placeholder until the labelme module lands; replaced by the real implementation.
#include "builtin_formats.hpp"
#include "core/error.hpp"

namespace tessera::formats {
namespace {
Dataset read_placeholder(const std::filesystem::path& p, const ReadOptions&) { fail(p, "labelme: not built yet"); }
void write_placeholder(const ItemSource&, const std::filesystem::path& p, const WriteOptions&) { fail(p, "labelme: not built yet"); }
}  // namespace
const Format& labelme_format() {
    static const Format format{"labelme", "placeholder", read_placeholder, write_placeholder};
    return format;
}
}  // namespace tessera::formats
