#include "support/paused_cli.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char** environ;

namespace tessera::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Spawns `program` with stdin from /dev/null, stdout to `out`, stderr to `err_fd`
/// (or to the file `err` when err_fd < 0).
pid_t spawn(const std::string& program, const std::vector<std::string>& args,
            const std::string& out, const std::string& err, int err_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err_fd >= 0)
        posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    else
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + program);
    return pid;
}

int wait_status(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::filesystem::path fresh_dir() {
    std::string name = (std::filesystem::temp_directory_path() / "tessera-run-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return name;
}

/// True when a thread of `pid` is in one of `syscalls` (with `first_argument`).
bool in_syscall(pid_t pid, const std::vector<long>& syscalls, long first_argument) {
    std::error_code ec;
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
        std::ifstream in(task.path() / "syscall");
        long number = -1;
        std::string argument;
        if (!(in >> number >> argument)) continue;  // "running", or gone
        for (const long s : syscalls)
            if (number == s && (first_argument < 0 ||
                                std::strtol(argument.c_str(), nullptr, 16) == first_argument))
                return true;
    }
    return false;
}

}  // namespace

bool wait_until_in_syscall(pid_t pid, const std::vector<long>& syscalls, long first_argument) {
    const auto limit = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < limit) {
        if (in_syscall(pid, syscalls, first_argument)) return true;
        siginfo_t info{};
        if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid == pid)
            return false;  // ended
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
}

PausedRun run_cli_paused(const std::vector<std::string>& args,
                         const std::function<void(pid_t)>& while_paused) {
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0)
        throw std::runtime_error("cannot open a pseudo-terminal");
    const int terminal = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (terminal < 0) throw std::runtime_error("cannot open the pseudo-terminal's other end");
    ::tcflow(terminal, TCOOFF);  // writes to the terminal block from now on

    const std::filesystem::path dir = fresh_dir();
    PausedRun run;
    const pid_t pid = spawn(TESSERA_CLI, args, (dir / "out").string(), {}, terminal);
    run.paused = wait_until_in_syscall(pid, {SYS_write, SYS_writev}, STDERR_FILENO);
    if (run.paused) while_paused(pid);
    ::tcflow(terminal, TCOON);
    ::close(terminal);

    // Drain the terminal until the command ends (the last writer gone: EIO).
    for (;;) {
        char buffer[4096];
        const ssize_t n = ::read(master, buffer, sizeof buffer);
        if (n > 0) {
            run.result.err.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        break;
    }
    ::close(master);
    run.result.exit_code = wait_status(pid);
    run.result.out = slurp(dir / "out");
    std::filesystem::remove_all(dir);
    return run;
}

Started::Started(const std::string& program, const std::vector<std::string>& args)
    : dir_(fresh_dir().string()) {
    pid_ = spawn(program, args, dir_ + "/out", dir_ + "/err", -1);
}

Started::~Started() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        (void)wait_status(pid_);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

RunResult Started::wait() {
    RunResult result;
    result.exit_code = wait_status(std::exchange(pid_, -1));
    result.out = slurp(dir_ + "/out");
    result.err = slurp(dir_ + "/err");
    return result;
}

Started start_cli(const std::vector<std::string>& args) {
    return Started(TESSERA_CLI, args);
}

}  // namespace tessera::test
