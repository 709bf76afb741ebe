#pragma once
// Running the CLI so that a test can act while a command is known to be in the
// middle of its work: deterministic concurrency tests without sleeping.

#include <sys/types.h>
#include <functional>
#include <string>
#include <vector>

#include "support/run.hpp"

namespace tessera::test {

/// What run_cli_paused did.
struct PausedRun {
    RunResult result;     ///< `err` is what the command drew on its terminal
    bool paused = false;  ///< the command blocked at its progress bar and `while_paused` ran
};

/// Runs the `tessera` CLI with standard error on a terminal whose output is
/// stopped (as by Ctrl+S), so that the command blocks at the first draw of its
/// progress bar (the bar is drawn only on a terminal, after the first unit of
/// work: inside the command's reads or writes). Once it is blocked there,
/// `while_paused` runs; then output resumes and the command runs to its end.
/// When the command ends without drawing a bar, `while_paused` does not run.
PausedRun run_cli_paused(const std::vector<std::string>& args,
                         const std::function<void(pid_t)>& while_paused);

/// A program started in the background, with standard output and error captured.
class Started {
public:
    Started(const std::string& program, const std::vector<std::string>& args);
    Started(const Started&) = delete;
    Started& operator=(const Started&) = delete;
    /// Kills the program if it was not waited for.
    ~Started();

    [[nodiscard]] pid_t pid() const { return pid_; }
    /// Waits for the program to end.
    RunResult wait();

private:
    std::string dir_;  // where the output goes
    pid_t pid_ = -1;
};

/// Starts the `tessera` CLI in the background.
Started start_cli(const std::vector<std::string>& args);

/// Waits (up to 60 s) until one of `pid`'s threads sits in one of `syscalls`
/// (numbers from <sys/syscall.h>), optionally with `first_argument` as its first
/// argument; false when the process ended or the time ran out. Reads
/// /proc/PID/task/TID/syscall: Linux only, and the caller must be allowed to
/// trace the process (its parent is).
bool wait_until_in_syscall(pid_t pid, const std::vector<long>& syscalls, long first_argument = -1);

}  // namespace tessera::test
