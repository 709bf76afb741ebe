// Generates synthetic data of any size for the benchmarks.
//
//   bench_generate coco OUT.json --images N --per-image K
//       a COCO instances file: N images of 1920 x 1080, K annotations each
//       (boxes, every third with a polygon segmentation), 10 categories.
//   bench_generate project DIR --items N --per-item K [--width W --height H]
//       a Tessera project with N image items of K boxes each, written directly
//       through the store in one transaction.

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "core/file_io.hpp"
#include "store/project.hpp"
#include "random.hpp"

namespace {

namespace v1 = tessera::v1;

using tessera::bench::Random;

const char* const kLabels[] = {"car", "truck", "bus", "行人", "cyclist", "traffic_light", "traffic_sign", "车道线", "curb", "animal"};

long arg(int argc, char** argv, const char* name, long fallback) {
    for (int i = 0; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return std::stol(argv[i + 1]);
    return fallback;
}

int generate_coco(const std::string& out_path, long images, long per_image) {
    Random rng{42};
    std::string out;
    out.reserve(static_cast<std::size_t>(images * per_image * 160));
    out += "{\"info\":{\"description\":\"tessera synthetic\"},\"images\":[";
    for (long i = 1; i <= images; ++i)
        fmt::format_to(std::back_inserter(out), "{}{{\"id\":{},\"file_name\":\"images/frame_{:07}.jpg\",\"width\":1920,\"height\":1080}}",
                       i > 1 ? "," : "", i, i);
    out += "],\"categories\":[";
    for (int c = 0; c < 10; ++c)
        fmt::format_to(std::back_inserter(out), "{}{{\"id\":{},\"name\":\"{}\",\"supercategory\":\"road\"}}", c ? "," : "", c + 1, kLabels[c]);
    out += "],\"annotations\":[";
    long id = 0;
    for (long i = 1; i <= images; ++i)
        for (long k = 0; k < per_image; ++k) {
            ++id;
            const double x = rng.uniform(0, 1800), y = rng.uniform(0, 1000);
            const double w = rng.uniform(4, 120), h = rng.uniform(4, 80);
            fmt::format_to(std::back_inserter(out), "{}{{\"id\":{},\"image_id\":{},\"category_id\":{},\"bbox\":[{:.2f},{:.2f},{:.2f},{:.2f}],\"area\":{:.2f},\"iscrowd\":0",
                           id > 1 ? "," : "", id, i, rng.next() % 10 + 1, x, y, w, h, w * h);
            if (id % 3 == 0)
                fmt::format_to(std::back_inserter(out), ",\"segmentation\":[[{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f}]]",
                               x, y, x + w, y, x + w, y + h * 0.7, x + w * 0.5, y + h, x, y + h);
            out += '}';
        }
    out += "]}\n";
    tessera::write_file_atomic(out_path, out);
    std::printf("wrote %s: %ld images, %ld annotations, %.1f MB\n", out_path.c_str(), images, id, out.size() / 1e6);
    return 0;
}

int generate_project(const std::string& dir, long items, long per_item, long width, long height) {
    const auto start = std::chrono::steady_clock::now();
    auto project = tessera::store::Project::create(dir, "synthetic");
    Random rng{7};
    auto tx = project.begin();
    v1::LabelSchemaT schema;
    schema.id = "bench.synthetic";
    schema.version = "1.0.0";
    for (const char* label : kLabels) {
        auto c = std::make_unique<v1::LabelClassT>();
        c->key = label;
        schema.classes.push_back(std::move(c));
    }
    tx.set_label_schema(schema);
    tessera::store::AnnotationId next = tx.allocate_annotation_ids(static_cast<std::uint64_t>(items * per_item));
    for (long i = 0; i < items; ++i) {
        v1::ItemT item;
        item.media = std::make_unique<v1::MediaT>();
        item.media->kind = v1::MediaKind::Image;
        item.media->uri = fmt::format("images/frame_{:07}.jpg", i);
        item.media->width = static_cast<std::uint32_t>(width);
        item.media->height = static_cast<std::uint32_t>(height);
        const auto id = tx.add_item(item);
        v1::AnnotationSetT set;
        for (long k = 0; k < per_item; ++k) {
            auto a = std::make_unique<v1::AnnotationT>();
            a->id = next++;
            a->label = kLabels[rng.next() % 10];
            v1::BoxT box;
            // Boxes as on a 1920 x 1080 frame, scaled to the item's size.
            const double sx = static_cast<double>(width) / 1920, sy = static_cast<double>(height) / 1080;
            box.left = rng.uniform(0, 1800) * sx;
            box.top = rng.uniform(0, 1000) * sy;
            box.right = box.left + rng.uniform(4, 120) * sx;
            box.bottom = box.top + rng.uniform(4, 80) * sy;
            a->geometry.Set(std::move(box));
            set.annotations.push_back(std::move(a));
        }
        tx.set_annotations(id, set);
        if ((i + 1) % 10000 == 0) std::fprintf(stderr, "\r%ld / %ld items", i + 1, items);
    }
    tx.commit();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("\nwrote project %s: %ld items, %ld annotations in %.1f s\n", dir.c_str(), items, items * per_item, seconds);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc >= 3 && std::strcmp(argv[1], "coco") == 0)
            return generate_coco(argv[2], arg(argc, argv, "--images", 10000), arg(argc, argv, "--per-image", 10));
        if (argc >= 3 && std::strcmp(argv[1], "project") == 0)
            return generate_project(argv[2], arg(argc, argv, "--items", 100000), arg(argc, argv, "--per-item", 10),
                                    arg(argc, argv, "--width", 1920), arg(argc, argv, "--height", 1080));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "usage: bench_generate coco OUT.json [--images N] [--per-image K]\n"
                         "       bench_generate project DIR [--items N] [--per-item K] [--width W] [--height H]\n");
    return 2;
}
