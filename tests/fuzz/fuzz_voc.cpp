// libFuzzer target for the Pascal VOC XML reader (one document held in memory).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "voc/voc.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    tessera::formats::voc::DatasetBuilder builder;
    try {
        tessera::formats::voc::read_document("fuzz/a.xml", text, builder);
    } catch (const tessera::Error&) {
    }
    return 0;
}
