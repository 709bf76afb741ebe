#pragma once
// The sandbox's library functions, bounded in time (docs/architecture.md §5). A library
// function runs in C, inside one VM instruction, where the instruction budget
// cannot see it: each one checks the call's deadline (Sandbox::check_time)
// when it is called, and those that loop check it as they go.
//
// Implemented: every C function of the base library, string, table and utf8
//   checks the deadline on entry (one read of a coarse clock); string.rep of
//   an empty string returns at once; table.concat, insert, remove, move and
//   sort are the sandbox's own, checking the deadline every few elements
//   (their elements may come from C metamethods, unseen by the budget), and
//   table.move refuses more than 2^24 elements at once; the pattern
//   functions (find, match, gmatch, gsub) are the sandbox's own as well
//   (lua_patterns.hpp), checking the deadline as they backtrack.
// Missing: table.sort is a heapsort: it sorts what Lua's sort sorts, but
//   elements that compare equal may end in another order than with Lua's.

#include <lua.hpp>

namespace tessera::lua {

/// Replaces the library functions of the opened libraries in `L`'s globals by
/// their bounded versions. Call once, after the libraries are opened.
void bound_library(lua_State* L);

}  // namespace tessera::lua
