// libFuzzer target: image header parsing must never read out of bounds.
#include <cstddef>
#include <cstdint>

#include "media/image_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)tessera::media::parse_image_header({data, size});
    return 0;
}
