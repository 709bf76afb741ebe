// libFuzzer target for the labelme JSON reader (one document held in memory).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "labelme/labelme.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    tessera::formats::labelme::DatasetBuilder builder;
    try {
        tessera::formats::labelme::read_document("fuzz/a.json", text, builder);
    } catch (const tessera::Error&) {
    }
    return 0;
}
