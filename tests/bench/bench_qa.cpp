// QA throughput: annotations per second through the QA engine, in memory.
//
//   bench_qa [--items N] [--per-item K] [--runs R] [--checker-only 1]
//
// Builds N items (default 100,000) of K boxes (default 10) in memory, each box
// with two attributes (occluded: bool, required; truncation: float in [0, 1])
// against a driving-like schema of 5 classes, with about 1% of the boxes
// breaking a rule (outside the image, zero area, near-duplicate, truncation
// out of range, unknown label). Then, best of R runs (default 3):
//   checker   all built-in rules through qa::Checker on one thread, no engine:
//             the rules' own cost per core
//   builtin   qa::run() with every built-in rule, 1 and 2 worker threads
//   lua       qa::run() with one simple Lua rule (plugins/lua API), 1 and 2 threads
// The engine's calling thread only hands out spans of the prepared buffers.
// Each line gives wall time and process CPU time: on a machine shared with
// other work, annotations per CPU-second is the measure per core.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "builtin_rules.hpp"
#include "core/data_api.hpp"
#include "core/verify.hpp"
#include "lua/lua_plugin.hpp"
#include "qa/engine.hpp"
#include "random.hpp"

namespace {

namespace v1 = tessera::v1;
namespace qa = tessera::qa;
using Clock = std::chrono::steady_clock;
using Buffer = std::vector<std::uint8_t>;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// CPU time of this process (all threads), seconds: on a shared machine the
/// fair measure of work per core, where wall time also counts other programs.
double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// Wall and CPU time of one measurement.
struct Timing {
    double wall = 1e100;
    double cpu = 1e100;
    void keep_best(double w, double c) {
        wall = std::min(wall, w);
        cpu = std::min(cpu, c);
    }
};

long arg(int argc, char** argv, const char* name, long fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return std::stol(argv[i + 1]);
    return fallback;
}

using tessera::bench::Random;

const char* const kClasses[] = {"car", "truck", "pedestrian", "cyclist", "traffic_sign"};

Buffer make_schema() {
    v1::LabelSchemaT schema;
    schema.id = "bench.driving";
    for (const char* key : kClasses) {
        auto cls = std::make_unique<v1::LabelClassT>();
        cls->key = key;
        cls->geometry = {v1::GeometryKind::Box, v1::GeometryKind::Polygon};
        cls->min_width = 2, cls->min_height = 2;
        auto occluded = std::make_unique<v1::AttributeSpecT>();
        occluded->key = "occluded", occluded->type = v1::AttributeType::Bool;
        occluded->required = true;
        auto truncation = std::make_unique<v1::AttributeSpecT>();
        truncation->key = "truncation", truncation->type = v1::AttributeType::Float;
        truncation->min = 0, truncation->max = 1;
        cls->attributes.push_back(std::move(occluded));
        cls->attributes.push_back(std::move(truncation));
        schema.classes.push_back(std::move(cls));
    }
    flatbuffers::FlatBufferBuilder builder;
    builder.Finish(v1::LabelSchema::Pack(builder, &schema), v1::LabelSchemaIdentifier());
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

struct Data {
    Buffer schema;
    std::vector<Buffer> items;
    std::vector<Buffer> annotations;
    std::size_t annotation_count = 0;
    std::size_t bytes = 0;
};

Data make_data(long items, long per_item) {
    Data data;
    data.schema = make_schema();
    Random rng{42};
    std::uint64_t next_id = 1;
    flatbuffers::FlatBufferBuilder builder(4096);
    for (long i = 1; i <= items; ++i) {
        builder.Clear();
        const auto uri = builder.CreateString("images/frame_" + std::to_string(i) + ".jpg");
        const auto media = v1::CreateMedia(builder, v1::MediaKind::Image, uri, 1920, 1080);
        builder.Finish(v1::CreateItem(builder, static_cast<std::uint64_t>(i), media),
                       v1::ItemIdentifier());
        data.items.emplace_back(builder.GetBufferPointer(),
                                builder.GetBufferPointer() + builder.GetSize());

        builder.Clear();
        std::vector<flatbuffers::Offset<v1::Annotation>> annotations;
        double last[4] = {0, 0, 0, 0};
        for (long k = 0; k < per_item; ++k) {
            double left = rng.uniform(0, 1700), top = rng.uniform(0, 900);
            double right = left + rng.uniform(8, 200), bottom = top + rng.uniform(8, 160);
            double truncation = rng.uniform(0, 1);
            const char* label = kClasses[rng.next() % 5];
            const std::uint64_t fault = rng.next() % 500;  // about 1% of boxes break a rule
            if (fault == 0) right = 1950;                  // outside
            if (fault == 1) right = left;                  // zero area
            if (fault == 2 && k) left = last[0], top = last[1], right = last[2], bottom = last[3];
            if (fault == 3) truncation = 1.5;  // out of range
            if (fault == 4) label = "tram";    // unknown label
            last[0] = left, last[1] = top, last[2] = right, last[3] = bottom;
            const auto box = v1::CreateBox(builder, left, top, right, bottom);
            const flatbuffers::Offset<v1::Attribute> attributes[] = {
                v1::CreateAttribute(builder, builder.CreateSharedString("occluded"),
                                    v1::AttributeType::Bool, rng.next() % 2 == 0),
                v1::CreateAttribute(builder, builder.CreateSharedString("truncation"),
                                    v1::AttributeType::Float, false, 0, truncation),
            };
            annotations.push_back(v1::CreateAnnotation(
                builder, next_id++, builder.CreateSharedString(label), v1::Geometry::Box,
                box.Union(), builder.CreateVector(attributes, 2)));
        }
        data.annotation_count += annotations.size();
        builder.Finish(v1::CreateAnnotationSet(builder, static_cast<std::uint64_t>(i), 1,
                                               builder.CreateVector(annotations)),
                       v1::AnnotationSetIdentifier());
        data.annotations.emplace_back(builder.GetBufferPointer(),
                                      builder.GetBufferPointer() + builder.GetSize());
        data.bytes += builder.GetSize() + data.items.back().size();
    }
    // Rules may trust what the engine hands them: check once, like the store does.
    for (std::size_t i = 0; i < data.items.size(); ++i) {
        (void)tessera::verified_root<v1::Item>(data.items[i], v1::ItemIdentifier(), "item");
        (void)tessera::verified_root<v1::AnnotationSet>(data.annotations[i],
                                                        v1::AnnotationSetIdentifier(), "set");
    }
    return data;
}

/// Hands out spans of the prepared buffers: no copy on the calling thread.
class MemorySource final : public qa::ItemSource {
public:
    explicit MemorySource(const Data& data) : data_(data) {}
    std::uint64_t count() const override { return data_.items.size(); }
    bool next(qa::ItemBuffers& out) override {
        if (next_ == data_.items.size()) return false;
        out.item = data_.items[next_];
        out.annotations = data_.annotations[next_];
        ++next_;
        return true;
    }

private:
    const Data& data_;
    std::size_t next_ = 0;
};

/// Best wall time of `runs` engine runs; prints the findings of the last.
Timing time_engine(const Data& data, const std::vector<const qa::RuleProvider*>& providers,
                   qa::RunOptions options, int runs, std::size_t& findings) {
    Timing best;
    for (int run = 0; run < runs; ++run) {
        MemorySource source(data);
        const auto start = Clock::now();
        const double cpu = cpu_seconds();
        const qa::Report report = qa::run(source, data.schema, providers, {}, options);
        best.keep_best(seconds_since(start), cpu_seconds() - cpu);
        findings = report.errors + report.warnings + report.infos;
        if (report.root().annotations_checked() != data.annotation_count)
            std::fprintf(stderr, "bench_qa: engine checked %llu annotations, expected %zu\n",
                         static_cast<unsigned long long>(report.root().annotations_checked()),
                         data.annotation_count);
    }
    return best;
}

/// Best time of the built-in rules through one Checker on this thread.
Timing time_checker(const Data& data, int runs, std::size_t& findings) {
    const qa::RuleSet rules({&tessera::rules::builtin_rules()}, {});
    qa::Checker checker(rules);
    const auto& schema = *flatbuffers::GetRoot<v1::LabelSchema>(data.schema.data());
    std::vector<qa::Finding> found;
    Timing best;
    for (int run = 0; run < runs; ++run) {
        found.clear();
        const auto start = Clock::now();
        const double cpu = cpu_seconds();
        for (std::size_t i = 0; i < data.items.size(); ++i)
            checker.check(
                qa::ItemInput{data.schema, data.items[i], data.annotations[i], schema,
                              *flatbuffers::GetRoot<v1::Item>(data.items[i].data()),
                              *flatbuffers::GetRoot<v1::AnnotationSet>(data.annotations[i].data())},
                found);
        best.keep_best(seconds_since(start), cpu_seconds() - cpu);
    }
    findings = found.size();
    return best;
}

// A simple Lua rule in the plugins/lua API: every box needs an "occluded" attribute.
constexpr const char* kLuaPlugin = R"(return {
  api = 1,
  id = "bench.lua",
  qa_rules = {
    {
      id = "bench.occluded-set",
      description = "Every annotation says whether it is occluded",
      severity = "warning",
      check = function(item, ctx)
        for a in item:annotations() do
          if a:attr("occluded") == nil then ctx:report(a, "occluded is not set") end
        end
      end,
    },
  },
}
)";

void print(const char* what, unsigned threads, std::size_t annotations, Timing timing,
           std::size_t findings) {
    const double n = static_cast<double>(annotations) / 1e6;
    std::printf(
        "%-8s %u thread%s wall %7.3f s %7.2f M annotations/s | cpu %7.3f s %7.2f M "
        "annotations/cpu-s  (%zu findings)\n",
        what, threads, threads == 1 ? " " : "s", timing.wall, n / timing.wall, timing.cpu,
        n / timing.cpu, findings);
}

}  // namespace

int main(int argc, char** argv) {
    const long items = arg(argc, argv, "--items", 100'000);
    const long per_item = arg(argc, argv, "--per-item", 10);
    const int runs = static_cast<int>(arg(argc, argv, "--runs", 3));
    try {
        auto start = Clock::now();
        const Data data = make_data(items, per_item);
        std::printf(
            "data     %ld items x %ld boxes = %zu annotations, %.0f MB of buffers, built "
            "in %.2f s, best of %d runs\n",
            items, per_item, data.annotation_count, static_cast<double>(data.bytes) / 1e6,
            seconds_since(start), runs);

        std::size_t findings = 0;
        const Timing checker = time_checker(data, runs, findings);
        print("checker", 1, data.annotation_count, checker, findings);
        if (arg(argc, argv, "--checker-only", 0)) return 0;  // for profiling the rules alone

        const std::vector<const qa::RuleProvider*> builtin{&tessera::rules::builtin_rules()};
        Timing builtin_time[2];
        for (unsigned threads : {1u, 2u}) {
            qa::RunOptions options;
            options.threads = threads;
            builtin_time[threads - 1] = time_engine(data, builtin, options, runs, findings);
            print("builtin", threads, data.annotation_count, builtin_time[threads - 1], findings);
        }
        std::printf("builtin  speed-up 1 -> 2 threads (wall): %.2fx\n",
                    builtin_time[0].wall / builtin_time[1].wall);

        const auto dir = std::filesystem::temp_directory_path() / "tessera-bench-qa-lua";
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "init.lua") << kLuaPlugin;
        const auto lua = tessera::lua::load_lua_plugin(dir, "bench.lua");
        std::filesystem::remove_all(dir);
        const std::vector<const qa::RuleProvider*> with_lua{&tessera::rules::builtin_rules(),
                                                            lua.get()};
        Timing lua_time[2];
        for (unsigned threads : {1u, 2u}) {
            qa::RunOptions options;
            options.threads = threads;
            options.only_rules = {"bench.lua"};
            lua_time[threads - 1] = time_engine(data, with_lua, options, runs, findings);
            print("lua", threads, data.annotation_count, lua_time[threads - 1], findings);
        }
        std::printf("lua      speed-up 1 -> 2 threads (wall): %.2fx\n",
                    lua_time[0].wall / lua_time[1].wall);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_qa: %s\n", e.what());
        return 1;
    }
    return 0;
}
