#pragma once
// Running a chunk of Lua in a sandbox from a test, and reading its one result.

#include <catch2/catch.hpp>

#include <string>

#include "lua/sandbox.hpp"

namespace tessera::test {

/// Runs `code` as a chunk named test.lua; on success, when `value` is given,
/// stores tostring() of its one result there.
inline lua::CallResult run_chunk(lua::Sandbox& sandbox, const std::string& code,
                                 std::string* value = nullptr) {
    sandbox.load(code, "test.lua");
    lua::CallResult result = sandbox.try_call(0, 1);
    if (result.ok()) {
        lua_State* L = sandbox.state();
        if (value != nullptr) *value = luaL_tolstring(L, -1, nullptr);
        lua_pop(L, value != nullptr ? 2 : 1);
    }
    return result;
}

/// tostring() of the one result of `code`, which must succeed.
inline std::string chunk_value(lua::Sandbox& sandbox, const std::string& code) {
    std::string value;
    const lua::CallResult result = run_chunk(sandbox, code, &value);
    INFO(result.message);
    REQUIRE(result.ok());
    return value;
}

}  // namespace tessera::test
