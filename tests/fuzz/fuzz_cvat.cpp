// libFuzzer target for the CVAT for images 1.1 XML reader (one document held in memory).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "cvat/cvat.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    tessera::formats::Losses losses;
    tessera::formats::ReadOptions options;
    options.losses = &losses;
    try {
        (void)tessera::formats::cvat::read_document("fuzz/annotations.xml", text, options);
    } catch (const tessera::Error&) {
    }
    return 0;
}
