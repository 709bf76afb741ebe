// libFuzzer target for studio profiles (tessera-studio --profile FILE).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "studio/profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)tessera::studio::parse_profile("fuzz/profile.json", text);
    } catch (const tessera::Error&) {
    }
    return 0;
}
