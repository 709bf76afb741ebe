#include "lua/lua_plugin.hpp"

#include <array>
#include <set>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/regular_file.hpp"
#include "lua/plugin_table.hpp"
#include "lua/schema.hpp"
#include "lua/schema_module.hpp"

namespace tessera::lua {
namespace {

constexpr std::array<std::pair<const char*, qa::Severity>, 3> kSeverities = {{
    {"error", qa::Severity::Error},
    {"warning", qa::Severity::Warning},
    {"info", qa::Severity::Info},
}};

// How Lua names a chunk "@NAME" in messages (luaO_chunkid): long names keep their tail.
std::string chunk_id(const std::string& name) {
    if (name.size() + 1 <= LUA_IDSIZE) return name;
    return "..." + name.substr(name.size() - (LUA_IDSIZE - 4));
}

}  // namespace

void read_rules(const TableReader& reader, int table,
                const std::function<void(qa::RuleInfo, int)>& each) {
    std::set<std::string, std::less<>> ids;
    reader.list_field(table, "", "qa_rules", [&](int rule, const std::string& path) {
        reader.check_fields(rule, path, {"id", "description", "severity", "check"});
        qa::RuleInfo info;
        info.id = reader.required_string(rule, path, "id");
        if (!ids.insert(info.id).second)
            reader.fail(field_path(path, "id"), "\"" + info.id + "\" is declared twice");
        info.description = reader.string_field(rule, path, "description").value_or("");
        if (const auto severity = reader.string_field(rule, path, "severity")) {
            bool known = false;
            for (const auto& [name, value] : kSeverities)
                if (*severity == name) {
                    info.default_severity = value;
                    known = true;
                }
            if (!known) {
                StackTop top(reader.state());
                (void)reader.push_field(rule, "severity");
                reader.wrong_type(-1, field_path(path, "severity"), "one of error, warning, info");
            }
        }
        StackTop top(reader.state());
        if (reader.push_field(rule, "check") != LUA_TFUNCTION)
            reader.wrong_type(-1, field_path(path, "check"), "a function(item, ctx)");
        each(std::move(info), lua_gettop(reader.state()));
    });
}

LuaPlugin::LuaPlugin(std::filesystem::path file, std::string source, Limits limits,
                     LuaPluginInfo info, PrintFn print)
    : file_(std::move(file)),
      source_(std::move(source)),
      limits_(limits),
      info_(std::move(info)),
      print_(std::move(print)) {}

void run_init(Sandbox& sandbox, std::string_view source, const std::string& chunk) {
    sandbox.add_module(kSchemaModule, open_schema_module);
    sandbox.load(source, chunk);
    CallResult result = sandbox.try_call(0, 1);
    if (!result.ok()) {
        // A Lua error names the chunk and line already; a spent budget or memory does not.
        const bool located =
            result.failure == Failure::Error && result.message.starts_with(chunk_id(chunk));
        throw Error(located ? result.message : chunk + ": " + result.message);
    }
    lua_State* L = sandbox.state();
    if (lua_type(L, -1) != LUA_TTABLE) {
        const std::string got = luaL_typename(L, -1);
        lua_pop(L, 1);
        throw Error(chunk + ": must return the plugin table { api = 1, id = ..., ... }, got " +
                    got);
    }
}

void LuaPlugin::run_init(Sandbox& sandbox) const {
    lua::run_init(sandbox, source_, file_.generic_string());
}

std::unique_ptr<LuaPlugin> load_lua_plugin(const std::filesystem::path& dir,
                                           std::string_view manifest_id, std::string_view file,
                                           Limits limits, PrintFn print) {
    const std::filesystem::path path = dir / file;
    // Only a regular file inside the plugin folder, and not larger than a source can sensibly be.
    std::string source =
        RegularFile(path, dir).read_all(kMaxSourceBytes, "a Lua plugin's main file");
    LuaPluginInfo info;
    info.id = manifest_id;

    Sandbox sandbox(std::string(manifest_id), limits);
    if (print) sandbox.set_log(print);
    run_init(sandbox, source, path.generic_string());
    Sandbox::HostScope host(sandbox);
    lua_State* L = sandbox.state();
    StackTop top(L);
    const int table = lua_gettop(L);
    const TableReader reader(L, path.generic_string(), limits.host_bytes);
    reader.check_fields(table, "", {"api", "id", "label_schemas", "qa_rules", "views"});

    {
        StackTop field(L);
        if (reader.push_field(table, "api") == LUA_TNIL) reader.fail("api", "required, 1");
        if (reader.to_integer(-1, "api") != 1)
            reader.fail("api", "this host reads Lua API 1, the plugin is written for " +
                                   std::to_string(lua_tointeger(L, -1)));
    }
    // The id is plugin.json's; init.lua may leave it out, and one it gives must agree.
    if (const std::optional<std::string> id = reader.string_field(table, "", "id");
        id && *id != manifest_id)
        reader.fail("id", "\"" + *id + "\" differs from plugin.json's id \"" +
                              std::string(manifest_id) + "\"");

    std::set<std::string, std::less<>> schema_ids;
    reader.list_field(table, "", "label_schemas", [&](int schema_table, const std::string& at) {
        const v1::LabelSchemaT schema = read_label_schema(reader, schema_table, at);
        if (!schema_ids.insert(schema.id).second)
            reader.fail(field_path(at, "id"), "\"" + schema.id + "\" is declared twice");
        info.label_schemas.push_back(pack_label_schema(schema));
    });
    read_rules(reader, table,
               [&](qa::RuleInfo rule, int) { info.rules.push_back(std::move(rule)); });
    std::size_t entry = 0;
    reader.list_field(table, "", "views", [&](int view, const std::string& at) {
        ++entry;
        if (lua_type(L, view) == LUA_TTABLE) {
            // A native plugin has one view; so has a Lua plugin.
            if (info.view)
                reader.fail(at, "a plugin defines at most one view, and views[" +
                                    std::to_string(info.view_entry) + "] is one");
            info.view = read_view_declaration(reader, view, at);
            info.view_entry = entry;
            return;
        }
        if (lua_type(L, view) != LUA_TSTRING)
            reader.wrong_type(view, at, "a view id (string) or a view table");
        std::string name = reader.to_string(view, at);
        if (name.empty()) reader.fail(at, "expected a view id, got an empty string");
        info.views.push_back(std::move(name));
    });
    return std::make_unique<LuaPlugin>(path, std::move(source), limits, std::move(info),
                                       std::move(print));
}

}  // namespace tessera::lua
