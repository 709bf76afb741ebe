// The QA checker of a Lua plugin: one sandbox per worker thread, each rule's
// check(item, ctx) called with the budget and deadline armed, failures turned
// into findings about the rule. The text of the findings a checker keeps counts
// against Limits::host_bytes, and a rule that fails on a limit
// kMaxLimitFailures times is not run again by that checker: a rule that takes
// its whole deadline on every item would otherwise stall the run for days.

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/error.hpp"
#include "lua/handles.hpp"
#include "lua/lua_plugin.hpp"
#include "lua/plugin_table.hpp"

namespace tessera::lua {
namespace {

constexpr const char* kContextMeta = "tessera.context";

/// Longest message + fix of one finding.
constexpr std::size_t kMaxFindingText = 64u << 10;
/// Failures on a limit after which a rule is skipped for the rest of the run.
constexpr int kMaxLimitFailures = 3;

struct ContextHandle {
    std::uint64_t generation;
};

// What ctx:report and ctx:param need; reached through an upvalue of both.
struct Context {
    const qa::RunConfig* config = nullptr;
    qa::FindingSink* sink = nullptr;
    const qa::RuleInfo* rule = nullptr;
    std::vector<std::uint64_t> ids;  // reused by every report
    char error[256] = {};            // a host failure to raise once out of the try
    std::size_t held = 0;            // bytes of the findings reported so far
    std::size_t host_bytes = 0;      // the limit of `held`
    bool over_host_bytes = false;    // the last report went past it
};

// The functions below may raise Lua errors (longjmp): no C++ object with a
// destructor lives across a Lua API call.

Context& check_context(lua_State* L) {
    auto* context = static_cast<Context*>(lua_touserdata(L, lua_upvalueindex(1)));
    const auto* handle = static_cast<ContextHandle*>(luaL_checkudata(L, 1, kContextMeta));
    Handles* handles = Sandbox::of(L).handles();
    if (handles == nullptr || !handles->active() || handles->generation() != handle->generation ||
        context->rule == nullptr)
        luaL_error(L, "ctx used after its check call returned");
    return *context;
}

// ctx:report(target, message [, fix]); target is an annotation, a list of them, or nil.
int context_report(lua_State* L) {
    Context& context = check_context(L);
    std::size_t message_length = 0, fix_length = 0;
    const char* message = luaL_checklstring(L, 3, &message_length);
    const char* fix = luaL_optlstring(L, 4, "", &fix_length);
    if (message_length + fix_length > kMaxFindingText) {
        {
            const std::string length = format_bytes(message_length + fix_length);
            const std::string limit = format_bytes(kMaxFindingText);
            std::snprintf(context.error, sizeof context.error,
                          "a message of %s is longer than the limit of %s", length.c_str(),
                          limit.c_str());
        }
        return luaL_error(L, "ctx:report: %s", context.error);
    }
    const int target = lua_type(L, 2);
    std::size_t count = 0;
    if (target == LUA_TUSERDATA) {
        count = 1;
        (void)Handles::check_annotation(L, 2);
    } else if (target == LUA_TTABLE) {
        count = static_cast<std::size_t>(lua_rawlen(L, 2));
        for (std::size_t i = 1; i <= count; ++i) {
            lua_rawgeti(L, 2, static_cast<lua_Integer>(i));
            if (!Handles::is_annotation(L, -1))
                luaL_error(L, "ctx:report: target[%d] is a %s, expected an annotation",
                           static_cast<int>(i), luaL_typename(L, -1));
            (void)Handles::check_annotation(L, -1);
            lua_pop(L, 1);
        }
    } else if (target != LUA_TNIL && target != LUA_TNONE) {
        luaL_argexpected(L, false, 2, "annotation, list of annotations or nil");
    }

    const std::size_t bytes = message_length + fix_length + count * sizeof(std::uint64_t);
    if (bytes > context.host_bytes - std::min(context.held, context.host_bytes)) {
        context.over_host_bytes = true;
        {
            const std::string limit = format_bytes(context.host_bytes);
            std::snprintf(context.error, sizeof context.error,
                          "the findings of this plugin would take the host past its limit of "
                          "%s (host_bytes)",
                          limit.c_str());
        }
        return luaL_error(L, "ctx:report: %s", context.error);
    }
    context.held += bytes;
    bool failed = false;
    try {
        context.ids.resize(count);
    } catch (...) {
        failed = true;
    }
    if (failed) return luaL_error(L, "ctx:report: out of memory");
    if (target == LUA_TUSERDATA) {
        context.ids[0] = Handles::check_annotation(L, 2).id();
    } else {
        for (std::size_t i = 1; i <= count; ++i) {
            lua_rawgeti(L, 2, static_cast<lua_Integer>(i));
            context.ids[i - 1] = Handles::check_annotation(L, -1).id();
            lua_pop(L, 1);
        }
    }
    try {
        context.sink->report(context.rule->id, context.ids,
                             std::string_view(message, message_length),
                             std::string_view(fix, fix_length));
    } catch (const std::exception& e) {
        std::snprintf(context.error, sizeof context.error, "%s", e.what());
        failed = true;
    } catch (...) {
        std::snprintf(context.error, sizeof context.error, "unknown error");
        failed = true;
    }
    if (failed) return luaL_error(L, "ctx:report: %s", context.error);
    return 0;
}

// ctx:param(key [, default]): the project's value, a number when it reads as one.
int context_param(lua_State* L) {
    Context& context = check_context(L);
    std::size_t key_length = 0;
    const char* key = luaL_checklstring(L, 2, &key_length);
    std::optional<std::string_view> value;
    bool failed = false;
    try {
        value = context.config->param(context.rule->id, std::string_view(key, key_length));
    } catch (const std::exception& e) {
        std::snprintf(context.error, sizeof context.error, "%s", e.what());
        failed = true;
    }
    if (failed) return luaL_error(L, "ctx:param: %s", context.error);
    if (!value) {
        lua_settop(L, 3);  // the default, or nil
        return 1;
    }
    lua_pushlstring(L, value->data(), value->size());
    const char* text = lua_tostring(L, -1);
    const std::size_t converted = lua_stringtonumber(L, text);
    if (converted != 0 && converted != value->size() + 1) lua_pop(L, 1);  // a number, then a NUL
    return 1;  // the number if it converted, else the string
}

int context_read_only(lua_State* L) {
    return luaL_error(L, "ctx is read-only");
}

class LuaChecker final : public qa::ItemChecker {
public:
    LuaChecker(const LuaPlugin& plugin, const qa::RunConfig& config) : plugin_(plugin) {
        context_.config = &config;
        context_.host_bytes = plugin.limits().host_bytes;
        for (std::size_t i = 0; i < plugin.rules().size(); ++i)
            if (config.enabled(plugin.rules()[i].id)) enabled_.push_back(i);
        limit_failures_.assign(enabled_.size(), 0);
        open();
    }

    void check(const qa::ItemInput& input, qa::FindingSink& findings) override {
        context_.sink = &findings;
        struct EndItem {
            LuaChecker& self;
            ~EndItem() { self.end_item(); }
        } end{*this};
        for (std::size_t n = 0; n < enabled_.size(); ++n) {
            const qa::RuleInfo& rule = plugin_.rules()[enabled_[n]];
            if (limit_failures_[n] >= kMaxLimitFailures) continue;
            if (!sandbox_) {
                try {
                    open();
                } catch (const Error& e) {
                    for (; n < enabled_.size(); ++n)
                        findings.rule_failed(plugin_.rules()[enabled_[n]].id, e.what());
                    return;
                }
            }
            lua_State* L = sandbox_->state();
            if (!handles_->active()) {
                // Slots 1 and 2 hold the item handle and ctx for every rule of this item.
                Sandbox::HostScope host(*sandbox_);
                lua_settop(L, 0);
                handles_->begin_item(input.item, input.annotations);
                handles_->push_item(L);
                auto* handle =
                    static_cast<ContextHandle*>(lua_newuserdatauv(L, sizeof(ContextHandle), 0));
                handle->generation = handles_->generation();
                luaL_setmetatable(L, kContextMeta);
            }
            context_.rule = &rule;
            context_.over_host_bytes = false;
            lua_rawgeti(L, LUA_REGISTRYINDEX, checks_[enabled_[n]]);
            lua_pushvalue(L, 1);
            lua_pushvalue(L, 2);
            const CallResult result = sandbox_->try_call(2, 0);
            context_.rule = nullptr;
            if (result.ok()) continue;
            if (result.failure == Failure::Memory)
                close();  // start afresh: its globals may fill the cap
            const bool on_limit = result.failure != Failure::Error || context_.over_host_bytes;
            if (on_limit && ++limit_failures_[n] == kMaxLimitFailures)
                findings.rule_failed(rule.id, result.message + "; after " +
                                                  std::to_string(kMaxLimitFailures) +
                                                  " failures on its limits the rule is not run "
                                                  "on the remaining items of this run");
            else
                findings.rule_failed(rule.id, result.message);
        }
    }

private:
    void open() {
        auto sandbox =
            std::make_unique<Sandbox>(std::string(plugin_.plugin_id()), plugin_.limits());
        if (plugin_.print()) sandbox->set_log(plugin_.print());
        auto handles = std::make_unique<Handles>(*sandbox);
        plugin_.run_init(*sandbox);
        lua_State* L = sandbox->state();
        Sandbox::HostScope host(*sandbox);
        const int table = lua_gettop(L);
        std::vector<int> checks;
        std::size_t index = 0;
        const TableReader reader(L, plugin_.file().generic_string(), plugin_.limits().host_bytes);
        read_rules(reader, table, [&](qa::RuleInfo rule, int check) {
            if (index >= plugin_.rules().size() || plugin_.rules()[index].id != rule.id)
                reader.fail("qa_rules", "declares other rules than when the plugin was loaded");
            lua_pushvalue(L, check);
            checks.push_back(luaL_ref(L, LUA_REGISTRYINDEX));
            ++index;
        });
        if (index != plugin_.rules().size())
            reader.fail("qa_rules", "declares other rules than when the plugin was loaded");
        lua_settop(L, 0);

        luaL_newmetatable(L, kContextMeta);
        lua_createtable(L, 0, 2);
        const luaL_Reg methods[] = {
            {"report", context_report}, {"param", context_param}, {nullptr, nullptr}};
        lua_pushlightuserdata(L, &context_);
        luaL_setfuncs(L, methods, 1);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, context_read_only);
        lua_setfield(L, -2, "__newindex");
        lua_pushliteral(L, "protected");
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);

        checks_ = std::move(checks);
        handles_ = std::move(handles);
        sandbox_ = std::move(sandbox);
    }

    void close() {
        handles_.reset();
        sandbox_.reset();
    }

    void end_item() {
        context_.sink = nullptr;
        if (handles_ && handles_->active()) {
            handles_->end_item();
            lua_settop(sandbox_->state(), 0);
        }
    }

    const LuaPlugin& plugin_;
    std::vector<std::size_t> enabled_;
    Context context_;
    std::unique_ptr<Sandbox> sandbox_;
    std::unique_ptr<Handles> handles_;  // destroyed before sandbox_
    std::vector<int> checks_;           // registry references of each rule's check function
    std::vector<int> limit_failures_;   // per enabled rule
};

}  // namespace

std::unique_ptr<qa::ItemChecker> LuaPlugin::make_checker(const qa::RunConfig& config) const {
    return std::make_unique<LuaChecker>(*this, config);
}

}  // namespace tessera::lua
