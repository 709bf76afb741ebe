// libFuzzer target for Lua plugins: any init.lua must either load into a
// schema and rules or be refused with an Error — never crash or escape the
// sandbox's memory cap and instruction budget.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "core/error.hpp"
#include "lua/lua_plugin.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("tessera-fuzz-lua-" + std::to_string(::getpid()));
    static const bool made = std::filesystem::create_directories(dir) || true;
    (void)made;
    std::ofstream(dir / "init.lua", std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    try {
        // Small limits keep each run short; the limits themselves are what is tested.
        (void)tessera::lua::load_lua_plugin(dir, "fuzz.plugin", "init.lua",
                                            {.memory = 8u << 20, .instructions = 200'000});
    } catch (const tessera::Error&) {
    }
    return 0;
}
