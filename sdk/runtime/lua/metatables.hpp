#pragma once
// setmetatable, getmetatable and rawset of the sandbox: no finalizers and no
// weak tables (docs/architecture.md §5). A finalizer (__gc) would run whenever the
// collector gets to it, outside any budget; a weak-keyed table (an ephemeron)
// makes the collector's atomic step quadratic in the number of such tables —
// 40,000 of them, 7 MB, take 15 s to collect — and no hook can interrupt it.
//
// __mode may be added to a table after it became a metatable, so a table is
// "sealed" when it becomes one: its own metatable becomes a host table whose
// __newindex refuses the key __mode (and otherwise stores as before), and
// rawset refuses __mode everywhere. A sealed table that already had a
// metatable gets a copy of it with that guard; getmetatable still returns the
// plugin's table.
//
// Implemented: refusing __gc and __mode in setmetatable; sealing; getmetatable
//   seeing through seals; rawset refusing __mode.
// Missing: a table's own metatable is copied when the table is sealed (only
//   when it is used as a metatable while having one itself, as a class with
//   inheritance): fields added to that metatable later do not apply to it.

#include <lua.hpp>

namespace tessera::lua {

/// Replaces setmetatable, getmetatable and rawset in the globals of `L`.
void open_metatable_guard(lua_State* L);

}  // namespace tessera::lua
