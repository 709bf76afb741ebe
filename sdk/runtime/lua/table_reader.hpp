#pragma once
// Reading the plain tables a plugin's init.lua returns, from the host side:
// raw access only (no metamethod of the plugin runs), and every error names
// the file and the path of the bad value:
// "plugins/lua/driving/init.lua: label_schemas[1].classes[3].color: expected "#RRGGBB" or
// "#RRGGBBAA", got "orange"".

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <lua.hpp>

namespace tessera::lua {

/// Restores the stack top on scope exit, also when a read throws half way.
class StackTop {
public:
    explicit StackTop(lua_State* L) : L_(L), top_(lua_gettop(L)) {}
    ~StackTop() { lua_settop(L_, top_); }
    StackTop(const StackTop&) = delete;
    StackTop& operator=(const StackTop&) = delete;

private:
    lua_State* L_;
    int top_;
};

/// Raw, checked reads of Lua tables. Throws Error; leaves the stack as it found it.
/// Hold a Sandbox::HostScope while reading. Every string it copies out counts
/// against `host_bytes` (Limits::host_bytes): past it, the read fails.
class TableReader {
public:
    TableReader(lua_State* L, std::string file, std::size_t host_bytes)
        : L_(L), file_(std::move(file)), host_bytes_(host_bytes) {}

    [[nodiscard]] lua_State* state() const { return L_; }
    [[nodiscard]] const std::string& file() const { return file_; }

    /// Throws Error("FILE: PATH: message").
    [[noreturn]] void fail(std::string_view path, std::string_view message) const;
    /// Throws the error for a value of the wrong type at `index`: "expected WHAT, got TYPE".
    [[noreturn]] void wrong_type(int index, std::string_view path, std::string_view what) const;

    /// Checks that the table at `table` has only the string keys in `allowed`.
    void check_fields(int table, std::string_view path,
                      std::initializer_list<const char*> allowed) const;

    /// Pushes field `name` of the table at `table` (raw) and returns its Lua type.
    int push_field(int table, const char* name) const;

    [[nodiscard]] std::optional<std::string> string_field(int table, std::string_view path,
                                                          const char* name) const;
    [[nodiscard]] std::string required_string(int table, std::string_view path,
                                              const char* name) const;
    [[nodiscard]] std::optional<double> number_field(int table, std::string_view path,
                                                     const char* name) const;
    [[nodiscard]] std::optional<lua_Integer> integer_field(int table, std::string_view path,
                                                           const char* name) const;
    [[nodiscard]] std::optional<bool> bool_field(int table, std::string_view path,
                                                 const char* name) const;

    /// Calls `each(element_index, element_path)` for the elements of the list
    /// in field `name`, each pushed at the top of the stack during the call.
    /// An absent field is an empty list.
    void list_field(int table, std::string_view path, const char* name,
                    const std::function<void(int, const std::string&)>& each) const;
    /// As list_field, for the list at stack index `list`.
    void list(int list, std::string_view path,
              const std::function<void(int, const std::string&)>& each) const;
    /// Calls `each(key, value_index, path)` for every string key of the table in field `name`
    /// (in no particular order); an absent field is an empty table.
    void map_field(
        int table, std::string_view path, const char* name,
        const std::function<void(const std::string&, int, const std::string&)>& each) const;

    /// The string at `index` or throws.
    [[nodiscard]] std::string to_string(int index, std::string_view path) const;
    /// The integer at `index` (a float with an integral value counts) or throws.
    [[nodiscard]] lua_Integer to_integer(int index, std::string_view path) const;

private:
    /// Counts `bytes` more copied out of Lua; throws past the limit.
    void hold(std::size_t bytes, std::string_view path) const;

    lua_State* L_;
    std::string file_;
    std::size_t host_bytes_;
    mutable std::size_t held_ = 0;
};

/// PATH.NAME
[[nodiscard]] std::string field_path(std::string_view path, std::string_view name);

}  // namespace tessera::lua
