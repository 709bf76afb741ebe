// Placeholder until the voc module lands; replaced by the real implementation.
#include "builtin_formats.hpp"
#include "core/error.hpp"

namespace tessera::formats {
namespace {
Dataset read_placeholder(const std::filesystem::path& p, const ReadOptions&) { fail(p, "voc: not built yet"); }
void write_placeholder(const ItemSource&, const std::filesystem::path& p, const WriteOptions&) { fail(p, "voc: not built yet"); }
}  // namespace
const Format& voc_format() {
    static const Format format{"voc", "placeholder", read_placeholder, write_placeholder};
    return format;
}
}  // namespace tessera::formats
