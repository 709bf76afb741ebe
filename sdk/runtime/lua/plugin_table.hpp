#pragma once
// Reading a Lua plugin's table, shared by loading (lua_plugin.cpp) and by
// each QA worker's own sandbox (checker.cpp).

#include <functional>
#include <string>
#include <string_view>

#include "lua/sandbox.hpp"
#include "lua/table_reader.hpp"
#include "qa/rule.hpp"

namespace tessera::lua {

/// Runs the plugin source `source` (named `chunk` in messages) in `sandbox`
/// with the instruction budget armed and leaves the table it returns on the
/// stack. Throws Error naming the file.
void run_init(Sandbox& sandbox, std::string_view source, const std::string& chunk);

/// Reads the qa_rules of the plugin table at `table`, calling `each(rule,
/// check)` with the stack index of each rule's check function. Throws Error.
void read_rules(const TableReader& reader, int table,
                const std::function<void(qa::RuleInfo, int)>& each);

}  // namespace tessera::lua
