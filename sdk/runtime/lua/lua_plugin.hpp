#pragma once
// Lua plugins (docs/architecture.md §4-5, plugins/lua/README.md): a folder whose init.lua
// returns { api = 1, id = ..., label_schemas = {...}, qa_rules = {...}, views = {...} }.
// Loading runs init.lua once in a sandbox to read what it declares; every QA
// worker then gets a sandbox of its own that runs init.lua again.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lua/sandbox.hpp"
#include "lua/view_plugin/view_declaration.hpp"
#include "qa/rule.hpp"

namespace tessera::lua {

/// What a Lua plugin declares.
struct LuaPluginInfo {
    /// The plugin id (equal to plugin.json's).
    std::string id;
    /// Each of label_schemas as a verified tessera.v1.LabelSchema ("TSCH") buffer.
    std::vector<std::vector<std::uint8_t>> label_schemas;
    /// The qa_rules, in the order written.
    std::vector<qa::RuleInfo> rules;
    /// The view ids of `views` (its string entries), for the studio.
    std::vector<std::string> views;
    /// The view the plugin defines (the table entry of `views`), if any, and
    /// its 1-based position in `views`.
    std::optional<ViewDeclaration> view;
    std::size_t view_entry = 0;
};

/// Where a plugin's print() lines go (the host's log); empty = stderr.
using PrintFn = std::function<void(std::string_view line)>;

/// A loaded Lua plugin; its QA rules run through make_checker().
class LuaPlugin final : public qa::RuleProvider {
public:
    /// Use load_lua_plugin().
    LuaPlugin(std::filesystem::path file, std::string source, Limits limits, LuaPluginInfo info,
              PrintFn print = {});

    [[nodiscard]] const LuaPluginInfo& info() const { return info_; }
    /// The init file, as named in messages.
    [[nodiscard]] const std::filesystem::path& file() const { return file_; }
    [[nodiscard]] const Limits& limits() const { return limits_; }
    /// Where print() goes in every sandbox of this plugin. Thread-safe to call.
    [[nodiscard]] const PrintFn& print() const { return print_; }

    [[nodiscard]] std::string_view plugin_id() const override { return info_.id; }
    [[nodiscard]] std::span<const qa::RuleInfo> rules() const override { return info_.rules; }
    /// A checker with a sandbox of its own (init.lua runs again in it). Throws
    /// Error when init.lua fails there or declares other rules than at load.
    /// Thread-safe; `config` must outlive the checker.
    [[nodiscard]] std::unique_ptr<qa::ItemChecker> make_checker(
        const qa::RunConfig& config) const override;

    /// Opens a sandbox, runs init.lua in it and leaves its table on the stack.
    /// Throws Error naming the file.
    void run_init(Sandbox& sandbox) const;

private:
    std::filesystem::path file_;
    std::string source_;
    Limits limits_;
    LuaPluginInfo info_;
    PrintFn print_;
};

/// The largest main Lua file a plugin may have: 4 MiB.
inline constexpr std::uint64_t kMaxSourceBytes = 4u << 20;

/// Loads the Lua plugin in `dir` whose plugin.json says `manifest_id`: reads
/// `file` as text (a regular file inside `dir`, symlinks allowed that stay
/// inside, at most kMaxSourceBytes), runs it in a sandbox with `limits`, checks `api == 1` and
/// `id == manifest_id`, and converts what it declares. Throws Error naming
/// the file and the path of the first bad value.
[[nodiscard]] std::unique_ptr<LuaPlugin> load_lua_plugin(const std::filesystem::path& dir,
                                                         std::string_view manifest_id,
                                                         std::string_view file = "init.lua",
                                                         Limits limits = {}, PrintFn print = {});

}  // namespace tessera::lua
