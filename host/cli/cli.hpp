#pragma once
// The `tessera` command line: argument parsing and the commands.

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <filesystem>
#include <memory>

namespace tessera::plugins {
class PluginHost;
}

namespace tessera::cli {

/// Bad command-line usage: printed with a hint, exit code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Parsed arguments of one command.
struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> values;  ///< --name VALUE or --name=VALUE
    std::set<std::string> flags;                ///< --json
    /// Options the command does not know itself (a format's `--voc-origin 1`),
    /// when the command takes them.
    std::map<std::string, std::string> others;

    /// The value of `name`, or `fallback` when absent.
    [[nodiscard]] std::string value(const std::string& name,
                                    const std::string& fallback = "") const;
    [[nodiscard]] bool flag(const std::string& name) const { return flags.count(name) > 0; }
};

/// Parses `args`; `with_value` lists options taking a value, `switches` those
/// that do not. Anything else starting with "--" is a UsageError, unless
/// `other_values`: then it takes a value and goes to Args::others.
[[nodiscard]] Args parse_args(const std::vector<std::string>& args,
                              const std::set<std::string>& with_value,
                              const std::set<std::string>& switches, bool other_values = false);

/// What every command gets.
class Context {
public:
    Context();
    ~Context();
    /// The host's plugins (built-in formats and rules, then the search path),
    /// loaded on first use with `project_dir`'s plugins/ folder searched first.
    [[nodiscard]] plugins::PluginHost& plugins(const std::filesystem::path& project_dir = {}) const;
    /// Keeps the loader's log lines (refused plugins) off stderr, for commands
    /// that list them anyway. Call before plugins().
    void quiet_plugin_log() const { quiet_ = true; }

private:
    mutable std::unique_ptr<plugins::PluginHost> plugins_;
    mutable bool quiet_ = false;
};

/// Exit codes shared by every command.
inline constexpr int kOk = 0;
inline constexpr int kFindings = 1;  ///< findings or bad input
inline constexpr int kUsage = 2;

int run_init(const Context& context, const Args& args);
int run_add(const Context& context, const Args& args);
int run_import(const Context& context, const Args& args);
int run_export(const Context& context, const Args& args);
int run_info(const Context& context, const Args& args);
int run_assign(const Context& context, const Args& args);
int run_validate(const Context& context, const Args& args);
int run_formats(const Context& context, const Args& args);
int run_plugins(const Context& context, const Args& args);
int run_schema(const Context& context, const Args& args);
int run_qa(const Context& context, const Args& args);
int run_role(const Context& context, const Args& args);

/// The user recorded as author: --author, else $USER, else "unknown".
[[nodiscard]] std::string author_of(const Args& args);

}  // namespace tessera::cli
