#pragma once
// The command line of the benchmark programs that read one input: INPUT [--runs N].

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tessera::bench {

struct RunsArgs {
    const char* input;
    int runs;
};

/// `INPUT [--runs N]`, N at least 1 (`default_runs` without --runs). `--help` or
/// `-h` prints `usage` and exits 0; anything else prints it to stderr and exits 2.
inline RunsArgs parse_runs_args(int argc, char** argv, const char* usage, int default_runs) {
    if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
        std::fputs(usage, stdout);
        std::exit(0);
    }
    const bool with_runs = argc == 4 && std::strcmp(argv[2], "--runs") == 0;
    const int runs = with_runs ? std::atoi(argv[3]) : default_runs;
    if ((argc != 2 && !with_runs) || runs < 1) {
        std::fputs(usage, stderr);
        std::exit(2);
    }
    return {argv[1], runs};
}

}  // namespace tessera::bench
