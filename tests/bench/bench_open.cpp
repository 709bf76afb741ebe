// Time to open a project and read one item with its annotations.
//
//   bench_open DIR [--runs N]
//
// Each run opens the project afresh, reads the middle item's Item and
// AnnotationSet buffers (verified) and closes it. Prints min, median and max.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "args.hpp"
#include "store/project.hpp"

int main(int argc, char** argv) {
    const auto [dir, runs] =
        tessera::bench::parse_runs_args(argc, argv, "usage: bench_open DIR [--runs N]\n", 20);
    std::vector<double> ms;
    std::size_t bytes = 0;
    try {
        for (int run = 0; run < runs; ++run) {
            const auto start = std::chrono::steady_clock::now();
            const auto project = tessera::store::Project::open(dir);
            const tessera::store::ItemId id = project.item_count() / 2 + 1;
            const auto item = project.item(id);
            const auto annotations = project.annotations(id);
            bytes = item.size() + annotations.size();
            ms.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "open + read one item (%zu bytes), %d runs: min %.2f ms, median %.2f ms, max %.2f ms\n",
        bytes, runs, ms.front(), ms[ms.size() / 2], ms.back());
    return 0;
}
