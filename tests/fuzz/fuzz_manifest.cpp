// libFuzzer target for plugin.json manifests, read before any plugin code runs.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "loader/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)tessera::plugins::parse_manifest("fuzz/plugin.json", text);
    } catch (const tessera::Error&) {
    }
    return 0;
}
