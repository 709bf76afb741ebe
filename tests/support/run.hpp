#pragma once
// Runs a program (usually the real `tessera` CLI) and captures what it did.

#include <string>
#include <vector>

namespace tessera::test {

struct RunResult {
    int exit_code = -1;  ///< exit status, or 128 + signal
    std::string out;     ///< standard output
    std::string err;     ///< standard error
};

/// Runs `program` with `args`, standard input closed, and waits for it.
RunResult run(const std::string& program, const std::vector<std::string>& args);

/// Runs the `tessera` CLI built with the tests.
RunResult run_cli(const std::vector<std::string>& args);

}  // namespace tessera::test
