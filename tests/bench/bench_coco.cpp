// COCO throughput: MB/s of COCO JSON read, imported into a project, and written.
//
//   bench_coco FILE.json [--runs N] [--read-only]
//
// Prints for each stage the best of N runs (default 3):
//   read    parse the file into a Dataset (simdjson on-demand)
//   store   write that Dataset into a fresh project (one transaction,
//           synchronous=FULL, matching items, assigning ids)
//   import  read and store at once into a fresh project: what `tessera import`
//           does (formats::import_file: items are stored while the reader
//           still reads annotations)
//   read+store  read, then store (the sum of the two stages above)
//   export  write the project back as COCO JSON
// Throughput is the input file's size divided by the stage's wall time.
// --read-only times only the read stage (and prints only it): what is compared
// with Python's json.load of the same file (see RESULTS.md).

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include <unistd.h>

#include "args.hpp"
#include "builtin_formats.hpp"
#include "core/heap.hpp"
#include "formats/import.hpp"
#include "store/project.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<char*> args;
    bool read_only = false;
    for (int i = 0; i < argc; ++i) {
        if (i > 0 && std::strcmp(argv[i], "--read-only") == 0) {
            read_only = true;
        } else {
            args.push_back(argv[i]);
        }
    }
    const auto [input_name, runs] = tessera::bench::parse_runs_args(
        static_cast<int>(args.size()), args.data(),
        "usage: bench_coco FILE.json [--runs N] [--read-only]\n", 3);
    tessera::tune_heap_for_batch_programs();  // as the CLI does
    const std::filesystem::path input = input_name;
    std::error_code error;
    const auto size = std::filesystem::file_size(input, error);
    if (error) {
        std::fprintf(stderr, "%s: %s\n", input.c_str(), error.message().c_str());
        return 1;
    }
    const double mb = static_cast<double>(size) / 1e6;
    const auto& coco = tessera::formats::coco_format();
    const auto work = std::filesystem::temp_directory_path() / "tessera-bench-coco";
    // As `tessera import` into a new project: classes the file names join the schema.
    tessera::formats::ImportOptions import_options;
    import_options.author = "bench";

    double best_read = 1e9, best_store = 1e9, best_sum = 1e9, best_import = 1e9, best_export = 1e9,
           best_sum_free = 1e9;
    std::size_t annotations = 0;
    if (read_only) {
        try {
            std::size_t count = 0;
            for (int run = 0; run < runs; ++run) {
                const auto start = Clock::now();
                const tessera::formats::Dataset dataset = coco.read(input, {});
                best_read = std::min(best_read, seconds_since(start));
                count = 0;
                for (const auto& item : dataset.items) count += item.annotations.size();
            }
            std::printf("input   %s: %.1f MB, %zu annotations, best of %d runs\n", input.c_str(),
                        mb, count, runs);
            std::printf("read    %7.3f s  %7.1f MB/s\n", best_read, mb / best_read);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s\n", e.what());
            return 1;
        }
        return 0;
    }
    try {
        for (int run = 0; run < runs; ++run) {
            std::filesystem::remove_all(work);
            // Each timed stage starts on a quiet disk: what the previous stage
            // wrote is on disk first, so its writeback does not land in this one.
            ::sync();
            auto start = Clock::now();
            tessera::formats::Dataset dataset = coco.read(input, {});
            const double read = seconds_since(start);

            start = Clock::now();
            auto project = tessera::store::Project::create(work / "project", "bench");
            const auto summary =
                tessera::formats::import_dataset(project, dataset, "bench", import_options);
            const double store = seconds_since(start);
            annotations = summary.annotations;
            best_read = std::min(best_read, read);
            best_store = std::min(best_store, store);
            best_sum = std::min(best_sum, read + store);
            start = Clock::now();
            dataset = {};  // import_file frees its Dataset before returning: so do here
            best_sum_free = std::min(best_sum_free, read + store + seconds_since(start));

            ::sync();
            start = Clock::now();
            tessera::formats::export_project(project, coco, work / "out.json", {});
            best_export = std::min(best_export, seconds_since(start));

            ::sync();
            start = Clock::now();
            {
                auto imported = tessera::store::Project::create(work / "imported", "bench");
                const auto whole =
                    tessera::formats::import_file(imported, coco, input, "bench", import_options);
                if (whole.annotations != summary.annotations) {
                    std::fprintf(stderr, "import_file stored %zu annotations, expected %zu\n",
                                 whole.annotations, summary.annotations);
                    return 1;
                }
            }
            best_import = std::min(best_import, seconds_since(start));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    std::filesystem::remove_all(work);
    std::printf("input   %s: %.1f MB, %zu annotations, best of %d runs\n", input.c_str(), mb,
                annotations, runs);
    std::printf("read    %7.3f s  %7.1f MB/s\n", best_read, mb / best_read);
    std::printf("store   %7.3f s  %7.1f MB/s\n", best_store, mb / best_store);
    std::printf("import  %7.3f s  %7.1f MB/s  (import_file: read and store at once)\n", best_import,
                mb / best_import);
    std::printf("r+s     %7.3f s  %7.1f MB/s  (read, then store, in one run)\n", best_sum,
                mb / best_sum);
    std::printf("r+s+free%7.3f s  %7.1f MB/s  (read, store, free the Dataset)\n", best_sum_free,
                mb / best_sum_free);
    std::printf("export  %7.3f s  %7.1f MB/s  (of input size)\n", best_export, mb / best_export);
    return 0;
}
