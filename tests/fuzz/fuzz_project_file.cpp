// libFuzzer target for tessera-project.json, including its qa.rules section.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"
#include "store/project_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)tessera::store::parse_project_file("fuzz/tessera-project.json", text);
    } catch (const tessera::Error&) {
    }
    return 0;
}
