#pragma once
// A sandboxed Lua 5.4 state (docs/architecture.md §5): a counting allocator with a memory
// cap, only the allowlisted libraries, text chunks only, `require` limited to
// host-registered tessera.* modules, and for each host-to-Lua call an
// instruction budget and a wall-clock deadline (a call nested in another
// shares the outer one's).
//
// Implemented: base (allowlisted), string (without dump), table, math, utf8;
//   load/dofile/loadfile/loadstring removed; collectgarbage("count") only;
//   no finalizers and no weak tables (metatables.hpp);
//   print goes to the sandbox's log function, one line of at most 4 KiB;
//   xpcall's message handler is skipped once a limit is reached (Lua would
//   run it with hooks off). The deadline is checked by the count hook every
//   kTimeCheckInstructions instructions, by every library function on entry
//   and inside its loops (bounded_library.cpp), and by the allocator at each
//   large allocation (work on big strings allocates).
// Missing: a comparison of two long strings is one instruction that runs in
//   C; the deadline is seen at most kTimeCheckInstructions of those later.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <lua.hpp>

#include "lua/limits.hpp"

namespace tessera::lua {

class Handles;

/// Why a protected call failed.
enum class Failure { None, Error, Budget, Time, Memory };

/// Outcome of Sandbox::try_call.
struct CallResult {
    Failure failure = Failure::None;
    /// What went wrong, one line ("init.lua:3: boom", "instruction budget of 10000000
    /// exceeded", "out of memory (limit 64 MiB)"); empty on success.
    std::string message;
    [[nodiscard]] bool ok() const { return failure == Failure::None; }
};

/// One sandboxed lua_State. Not thread-safe: one per plugin and per worker thread.
class Sandbox {
public:
    /// Opens a state for plugin `name` (used in log lines). Throws Error if
    /// the state cannot be created within the memory cap.
    explicit Sandbox(std::string name, Limits limits = {});
    ~Sandbox();
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    /// The state. Host code that pushes values between calls should hold a HostScope.
    [[nodiscard]] lua_State* state() const { return state_; }
    [[nodiscard]] const Limits& limits() const { return limits_; }
    [[nodiscard]] const std::string& name() const { return name_; }
    /// True once the current call has spent its instruction budget or its time.
    [[nodiscard]] bool limit_reached() const { return budget_spent_ || time_spent_; }
    /// Raises a Lua error once the running call is past its deadline (and at
    /// every later check of that call). Cheap: one read of a coarse clock.
    /// Library functions that loop in C call it as they go.
    static void check_time(lua_State* L);
    /// Bytes the state holds now.
    [[nodiscard]] std::size_t memory_used() const { return used_; }
    /// Runs a full garbage collection (host side, not counted against any budget).
    void collect_garbage();

    /// Makes `require "NAME"` call `open` (once; its single result is cached).
    /// NAME must start with "tessera.".
    void add_module(std::string name, lua_CFunction open);

    /// Where print() writes; by default stderr, each line prefixed with the sandbox name.
    void set_log(std::function<void(std::string_view)> log) { log_ = std::move(log); }

    /// Compiles `code` as a text chunk (binary chunks are refused) named
    /// `chunk_name` in messages and pushes it as a function. Throws Error.
    void load(std::string_view code, const std::string& chunk_name);

    /// Calls the function below `nargs` arguments with the instruction budget
    /// armed. On success leaves `nresults` results; on failure leaves nothing
    /// and says why. Never throws. A call made while another runs (the host
    /// calling back into Lua from a function Lua called) spends the budget of
    /// the outer call, and once it is spent the outer call fails too.
    [[nodiscard]] CallResult try_call(int nargs, int nresults);
    /// As try_call, but throws Error("WHAT: message") on failure.
    void call(int nargs, int nresults, std::string_view what);

    /// While alive, allocations made by the host (pushing handles, reading
    /// tables, taking references) are not refused by the memory cap: a refused
    /// allocation outside a protected call would abort the process.
    class HostScope {
    public:
        explicit HostScope(Sandbox& sandbox) : sandbox_(sandbox) { ++sandbox_.host_depth_; }
        ~HostScope() { --sandbox_.host_depth_; }
        HostScope(const HostScope&) = delete;
        HostScope& operator=(const HostScope&) = delete;

    private:
        Sandbox& sandbox_;
    };

    /// The sandbox owning `L` (stored in the state's extra space).
    [[nodiscard]] static Sandbox& of(lua_State* L) {
        return **static_cast<Sandbox**>(lua_getextraspace(L));
    }

    /// The handles registered on this state, or nullptr.
    [[nodiscard]] Handles* handles() const { return handles_; }
    void set_handles(Handles* handles) { handles_ = handles; }

private:
    static void* allocate(void* ud, void* ptr, std::size_t osize, std::size_t nsize) noexcept;
    static void count_hook(lua_State* L, lua_Debug* ar);
    static int require(lua_State* L);
    static int print(lua_State* L);
    static int collectgarbage(lua_State* L);
    void open_libraries();
    [[nodiscard]] std::string memory_message() const;
    [[noreturn]] static void raise_time(lua_State* L);

    std::string name_;
    Limits limits_;
    lua_State* state_ = nullptr;
    std::size_t used_ = 0;
    int host_depth_ = 0;
    bool memory_refused_ = false;
    bool budget_spent_ = false;
    bool time_spent_ = false;
    std::int64_t deadline_ = 0;  // of the outermost running call, coarse_now() units
    // "time limit of 2 s exceeded", made once: raise_time cannot build it across its longjmp.
    std::string time_message_;
    int call_depth_ = 0;  // try_call()s running now
    std::uint64_t budget_left_ = 0;
    int hook_step_ = 0;
    std::map<std::string, lua_CFunction, std::less<>> modules_;
    std::function<void(std::string_view)> log_;
    Handles* handles_ = nullptr;
};

/// "64 MiB", "1.5 KiB", "12 bytes".
[[nodiscard]] std::string format_bytes(std::size_t bytes);
/// "2 s", "0.5 s", "250 ms".
[[nodiscard]] std::string format_duration(std::chrono::milliseconds time);

}  // namespace tessera::lua
