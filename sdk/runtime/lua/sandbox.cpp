#include "lua/sandbox.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include <time.h>

#include "core/error.hpp"
#include "lua/bounded_library.hpp"
#include "lua/metatables.hpp"

namespace tessera::lua {
namespace {

// The count hook checks the deadline every so many instructions. A plain
// instruction takes nanoseconds, but one that concatenates or compares long
// strings can take milliseconds: the smaller the step, the sooner such a loop
// is stopped, the more hook calls an ordinary rule pays for.
constexpr int kTimeCheckInstructions = 256;

// Allocations from this size on check the deadline: the work of a library
// function or an instruction on long strings allocates its result.
constexpr std::size_t kTimeCheckAllocation = 64u << 10;

// print() keeps at most this much of a line.
constexpr std::size_t kMaxPrintBytes = 4u << 10;

// A coarse monotonic clock, in nanoseconds: a few nanoseconds to read, with a
// resolution (a few milliseconds) far below any deadline.
std::int64_t coarse_now() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

// Registry key of the table caching the results of require().
constexpr const char* kLoadedKey = "tessera.sandbox.loaded";

// The base library functions a plugin keeps (docs/architecture.md §5). Everything else
// luaopen_base registers (load, dofile, loadfile, warn, ...) is removed;
// print, collectgarbage, setmetatable and require are replaced below.
constexpr std::array kBaseAllowed = {
    "_G",     "_VERSION", "assert",   "error",    "getmetatable", "ipairs",
    "next",   "pairs",    "pcall",    "rawequal", "rawget",       "rawlen",
    "rawset", "select",   "tonumber", "tostring", "type",         "xpcall",
};

int panic(lua_State* L) {
    const char* message = lua_tostring(L, -1);
    std::fprintf(stderr, "tessera: unprotected Lua error: %s\n",
                 message ? message : "(not a string)");
    std::fflush(stderr);
    std::abort();
}

// No traceback: the message names the chunk and line already, and a rule's
// finding is one line.
int message_handler(lua_State* L) {
    const int type = lua_type(L, 1);
    if (type == LUA_TSTRING) return 1;
    if (type == LUA_TNUMBER) {
        lua_tostring(L, 1);
        return 1;
    }
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    return 1;
}

// The message handler of xpcall, as the plugin gave it (upvalue 1). Lua calls
// a message handler from within the count hook that raised "budget
// exceeded", where hooks are off: the plugin's handler would run unbounded,
// so once the budget is spent it is skipped.
int guarded_message_handler(lua_State* L) {
    if (Sandbox::of(L).limit_reached()) return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

// xpcall(f, handler, ...) with the handler guarded; upvalue 1 is the base library's xpcall.
int xpcall(lua_State* L) {
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, guarded_message_handler, 1);
    lua_replace(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

}  // namespace

std::string format_duration(std::chrono::milliseconds time) {
    const auto ms = time.count();
    if (ms < 1000) return std::to_string(ms) + " ms";
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000);
    return text;
}

std::string format_bytes(std::size_t bytes) {
    char text[64];
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
        std::snprintf(text, sizeof text, "%zu MiB", bytes >> 20);
    else if (bytes >= (1u << 20))
        std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1u << 20));
    else if (bytes >= 1024)
        std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
    else
        std::snprintf(text, sizeof text, "%zu bytes", bytes);
    return text;
}

Sandbox::Sandbox(std::string name, Limits limits) : name_(std::move(name)), limits_(limits) {
    state_ = lua_newstate(&Sandbox::allocate, this);
    if (state_ == nullptr)
        throw Error(name_ + ": cannot create a Lua state within the memory limit of " +
                    format_bytes(limits_.memory));
    *static_cast<Sandbox**>(lua_getextraspace(state_)) = this;
    time_message_ = "time limit of " + format_duration(limits_.time) + " exceeded";
    lua_atpanic(state_, panic);
    // Handles are many small, short-lived objects: the generational collector suits them.
    lua_gc(state_, LUA_GCGEN, 0, 0);
    HostScope host(*this);
    open_libraries();
}

Sandbox::~Sandbox() {
    if (state_ != nullptr) lua_close(state_);
}

void* Sandbox::allocate(void* ud, void* ptr, std::size_t osize, std::size_t nsize) noexcept {
    auto& self = *static_cast<Sandbox*>(ud);
    // With ptr == NULL, osize tells the kind of object being created, not a size.
    const std::size_t old = ptr != nullptr ? osize : 0;
    if (nsize == 0) {
        std::free(ptr);
        self.used_ -= old;
        return nullptr;
    }
    if (nsize > old && self.host_depth_ == 0) {
        const std::size_t cap = self.limits_.memory;
        if (self.used_ > cap || nsize - old > cap - self.used_) {
            self.memory_refused_ = true;
            return nullptr;
        }
        // A refused allocation is a Lua error, which try_call reports as the time limit.
        if (self.call_depth_ > 0 && (self.time_spent_ || (nsize >= kTimeCheckAllocation &&
                                                          coarse_now() >= self.deadline_))) {
            self.time_spent_ = true;
            return nullptr;
        }
    }
    void* block = std::realloc(ptr, nsize);
    if (block == nullptr) {
        self.memory_refused_ = true;
        return nullptr;  // Lua keeps ptr, so nothing changes hands
    }
    self.used_ = self.used_ - old + nsize;
    return block;
}

void Sandbox::open_libraries() {
    lua_State* L = state_;
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    lua_pop(L, 1);

    // Keep only the allowlisted globals of the base library.
    lua_pushglobaltable(L);
    std::vector<std::string> removed;
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
            const char* key = lua_tostring(L, -1);
            if (std::none_of(kBaseAllowed.begin(), kBaseAllowed.end(),
                             [&](const char* allowed) { return std::strcmp(key, allowed) == 0; }))
                removed.emplace_back(key);
        }
    }
    for (const std::string& key : removed) {
        lua_pushnil(L);
        lua_setfield(L, -2, key.c_str());
    }
    lua_pushcfunction(L, &Sandbox::print);
    lua_setfield(L, -2, "print");
    lua_pushcfunction(L, &Sandbox::collectgarbage);
    lua_setfield(L, -2, "collectgarbage");
    lua_pushcfunction(L, &Sandbox::require);
    lua_setfield(L, -2, "require");
    lua_getfield(L, -1, "xpcall");
    lua_pushcclosure(L, xpcall, 1);
    lua_setfield(L, -2, "xpcall");
    lua_pop(L, 1);
    open_metatable_guard(L);

    const std::array<std::pair<const char*, lua_CFunction>, 4> libraries = {{
        {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table},
        {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8},
    }};
    for (const auto& [name, open] : libraries) {
        luaL_requiref(L, name, open, 1);
        lua_pop(L, 1);
    }
    // string.dump would turn a function into a binary chunk.
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    // Library functions check the deadline; those that loop in C check it as they go.
    bound_library(L);

    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, kLoadedKey);
}

void Sandbox::collect_garbage() {
    HostScope host(*this);
    lua_gc(state_, LUA_GCCOLLECT);
}

void Sandbox::add_module(std::string name, lua_CFunction open) {
    if (!name.starts_with("tessera."))
        throw Error(name_ + ": module \"" + name + "\" must be named tessera.*");
    modules_[std::move(name)] = open;
}

void Sandbox::load(std::string_view code, const std::string& chunk_name) {
    if (!code.empty() && code.front() == LUA_SIGNATURE[0])
        throw Error(chunk_name +
                    ": binary (precompiled) chunks are not accepted, only Lua source text");
    const std::string source = "@" + chunk_name;
    const int status = luaL_loadbufferx(state_, code.data(), code.size(), source.c_str(), "t");
    if (status == LUA_OK) return;
    std::string message;
    if (status == LUA_ERRMEM)
        message = chunk_name + ": " + memory_message();
    else if (const char* text = lua_tostring(state_, -1))
        message = text;
    else
        message = chunk_name + ": cannot be loaded";
    lua_pop(state_, 1);
    throw Error(message);
}

std::string Sandbox::memory_message() const {
    return "out of memory (limit " + format_bytes(limits_.memory) + ")";
}

void Sandbox::raise_time(lua_State* L) {
    Sandbox& self = of(L);
    self.time_spent_ = true;
    // Fire at every instruction from now on, so that a pcall cannot swallow it.
    lua_sethook(L, &Sandbox::count_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "%s", self.time_message_.c_str());
    std::abort();  // luaL_error does not return
}

void Sandbox::check_time(lua_State* L) {
    const Sandbox& self = of(L);
    if (self.call_depth_ == 0) return;  // the host's own work is not timed
    if (self.time_spent_ || coarse_now() >= self.deadline_) raise_time(L);
}

void Sandbox::count_hook(lua_State* L, lua_Debug*) {
    Sandbox& self = of(L);
    if (self.time_spent_ || coarse_now() >= self.deadline_) raise_time(L);
    if (self.budget_left_ > 0) {
        const int step =
            static_cast<int>(std::min<std::uint64_t>(self.budget_left_, kTimeCheckInstructions));
        self.budget_left_ -= static_cast<std::uint64_t>(step);
        if (step != self.hook_step_) {
            self.hook_step_ = step;
            lua_sethook(L, &Sandbox::count_hook, LUA_MASKCOUNT, step);
        }
        return;
    }
    // Fire again at the very next instruction, so that a pcall in the plugin
    // cannot swallow the error and go on.
    self.budget_spent_ = true;
    lua_sethook(L, &Sandbox::count_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "instruction budget of %I exceeded",
               static_cast<lua_Integer>(
                   std::min<std::uint64_t>(self.limits_.instructions, LUA_MAXINTEGER)));
}

CallResult Sandbox::try_call(int nargs, int nresults) {
    lua_State* L = state_;
    lua_checkstack(L, 2);
    const int function = lua_gettop(L) - nargs;
    lua_pushcfunction(L, message_handler);
    lua_insert(L, function);

    // A call made while another runs (a host function that Lua called calling
    // back into the plugin) runs on what is left of the outer call's budget and
    // leaves the hook armed: a fresh budget there would renew the outer call's
    // at every callback, and removing the hook would leave it none at all.
    const bool nested = call_depth_ > 0;
    const bool outer_memory_refused = std::exchange(memory_refused_, false);
    if (!nested) {
        budget_spent_ = false;
        time_spent_ = false;
        deadline_ = coarse_now() +
                    std::chrono::duration_cast<std::chrono::nanoseconds>(limits_.time).count();
        const std::uint64_t budget = std::max<std::uint64_t>(limits_.instructions, 1);
        hook_step_ = static_cast<int>(std::min<std::uint64_t>(budget, kTimeCheckInstructions));
        budget_left_ = budget - static_cast<std::uint64_t>(hook_step_);
        lua_sethook(L, &Sandbox::count_hook, LUA_MASKCOUNT, hook_step_);
    }
    ++call_depth_;
    const int status = lua_pcall(L, nargs, nresults, function);
    --call_depth_;
    if (!nested) lua_sethook(L, nullptr, 0, 0);
    lua_remove(L, function);
    const bool memory_refused = memory_refused_;  // by this call; the outer one saw it too
    memory_refused_ = memory_refused || outer_memory_refused;
    if (status == LUA_OK) return {};

    CallResult result;
    const char* text = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : nullptr;
    if (budget_spent_) {
        result.failure = Failure::Budget;
        result.message =
            "instruction budget of " + std::to_string(limits_.instructions) + " exceeded";
    } else if (time_spent_) {
        result.failure = Failure::Time;
        result.message = time_message_;
    } else if (status == LUA_ERRMEM ||
               (memory_refused && text != nullptr && std::strcmp(text, "not enough memory") == 0)) {
        result.failure = Failure::Memory;
        result.message = memory_message();
    } else {
        result.failure = Failure::Error;
        result.message = text != nullptr ? text : "(error object is not a string)";
    }
    lua_pop(L, 1);
    return result;
}

void Sandbox::call(int nargs, int nresults, std::string_view what) {
    CallResult result = try_call(nargs, nresults);
    if (!result.ok()) throw Error(std::string(what) + ": " + result.message);
}

int Sandbox::require(lua_State* L) {
    std::size_t length = 0;
    const char* name = luaL_checklstring(L, 1, &length);
    lua_settop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, kLoadedKey);
    lua_pushvalue(L, 1);
    if (lua_rawget(L, 2) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    const std::string_view wanted(name, length);
    if (!wanted.starts_with("tessera."))
        return luaL_error(L, "module '%s' is not available in the sandbox (only tessera.* modules)",
                          name);
    const Sandbox& self = of(L);
    const auto found = self.modules_.find(wanted);
    if (found == self.modules_.end()) return luaL_error(L, "module '%s' not found", name);
    lua_pushcfunction(L, found->second);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -2);
    lua_rawset(L, 2);
    return 1;
}

int Sandbox::print(lua_State* L) {
    const int count = lua_gettop(L);
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    for (int i = 1; i <= count; ++i) {
        if (i > 1) luaL_addchar(&buffer, '\t');
        luaL_tolstring(L, i, nullptr);  // may run __tostring, under the budget
        luaL_addvalue(&buffer);
    }
    luaL_pushresult(&buffer);
    std::size_t length = 0;
    const char* text = lua_tolstring(L, -1, &length);
    Sandbox& self = of(L);
    // The host keeps log lines (the studio's log panel): a plugin gets 4 KiB a line.
    std::string_view line(text, length);
    std::string cut;
    if (length > kMaxPrintBytes) {
        cut = std::string(line.substr(0, kMaxPrintBytes)) + "... (" +
              format_bytes(length - kMaxPrintBytes) + " more)";
        line = cut;
    }
    try {
        if (self.log_)
            self.log_(line);
        else
            std::fprintf(stderr, "%s: %.*s\n", self.name_.c_str(), static_cast<int>(line.size()),
                         line.data());
    } catch (...) {
        // A failing log loses the line; the plugin goes on.
    }
    return 0;
}

int Sandbox::collectgarbage(lua_State* L) {
    const char* option = luaL_optstring(L, 1, "collect");
    if (std::strcmp(option, "count") != 0)
        return luaL_error(L, "collectgarbage: only \"count\" is allowed in the sandbox");
    lua_pushnumber(L, static_cast<lua_Number>(of(L).used_) / 1024.0);
    return 1;
}

}  // namespace tessera::lua
