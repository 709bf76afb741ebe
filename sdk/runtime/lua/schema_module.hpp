#pragma once
// tessera.schema: the Lua module of helpers for writing label schemas and QA
// rules (plugins/lua/README.md, "The tessera.schema module"), offered to every
// Lua plugin's init.lua through require.

#include "lua/sandbox.hpp"

namespace tessera::lua {

/// The name plugins require the module by.
inline constexpr const char* kSchemaModule = "tessera.schema";

/// Opens tessera.schema in the running state and returns its table (a
/// lua_CFunction for Sandbox::add_module). Runs under the caller's budget.
int open_schema_module(lua_State* L);

}  // namespace tessera::lua
