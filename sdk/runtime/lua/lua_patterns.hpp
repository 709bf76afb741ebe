#pragma once
// Lua 5.4's pattern functions (string.find, string.match, string.gmatch,
// string.gsub) reimplemented so that a running match can be interrupted.
// The stock functions match inside one VM instruction, so neither the count
// hook nor a deadline can stop a backtracking pattern such as
// s:find(".-.-.-.-.-b") on a long s; these call a host function as they go.
//
// open_bounded_patterns(L, tick) replaces the four fields of the global
// `string` table, which must already be open (luaopen_string). That table is
// also the __index of the string metatable, so s:find(...) and friends use
// the replacements too. Call it before plugin code runs: a plugin that kept a
// reference to a stock function keeps that function.
//
// The tick contract:
// - tick(L) is called at least once by every call of find, match, gmatch,
//   gsub and of a gmatch iterator, and again at least every kTickSteps
//   matching steps (a step is one character comparison, one byte scanned
//   while searching, one byte of a back-reference or plain-find candidate
//   compared, one backtracking step, one '%' in a gsub replacement).
// - tick may raise a Lua error (lua_error / luaL_error, i.e. longjmp): the
//   error leaves the string function unchanged (same value, no position
//   added). The matcher holds only plain C data and Lua-owned buffers across
//   a tick, so nothing leaks.
// - tick must otherwise return with the Lua stack as it found it (gsub calls
//   it while a luaL_Buffer is open).
// - L is the state or coroutine that called the string function.
//
// Semantics: those of Lua 5.4 (reference manual §6.4 and §6.4.1): find's
// init and plain arguments, negative init, captures including position
// captures "()", %b, %f, back-references %1-%9, anchors, the quantifiers
// - * + ?, the classes %a %c %d %g %l %p %s %u %w %x (and the deprecated %z,
// the zero byte, which Lua 5.4 still accepts) and their complements
// (classified by <cctype> in the current C locale, as stock Lua does), sets
// with ranges and classes, gsub with string/table/function replacements,
// %0-%9 and %% in replacement strings, the maximum count and the count
// result, gmatch's init argument, its rule that an empty match right after
// the previous match is skipped, and its literal '^'. Errors of a gsub
// replacement function or table (__index) pass through unchanged. Malformed patterns raise the
// stock messages ("malformed pattern (ends with '%')", "invalid capture index %1",
// ...) at the same point the stock matcher would: only when the match
// reaches the malformed item, so "a%" still finds nothing in "b".
//
// Limits: at most 32 captures ("too many captures"); at most 199 pending
// backtracking points, which with the first attempt is the stock limit of
// 200 nested matcher calls ("pattern too complex"). The points live in a
// fixed array (about 5 KiB of C stack per call), not in recursion, so no
// pattern can overflow the C stack.
//
// Implemented: everything above, checked against the stock library by
//   tests/unit/lua_patterns_test.cpp.
// Missing: nothing known.

#include <lua.hpp>

namespace tessera::lua {

/// Matching steps between two calls of the tick function, at most.
inline constexpr int kTickSteps = 1024;

/// Replaces string.find, string.match, string.gmatch and string.gsub in the
/// global `string` table of L with versions that call tick(L) as they work.
void open_bounded_patterns(lua_State* L, void (*tick)(lua_State*));

}  // namespace tessera::lua
