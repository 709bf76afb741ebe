// Generates synthetic data of any size for the benchmarks.
//
//   bench_generate coco OUT.json --images N --per-image K
//           [--order grouped|ungrouped] [--categories first|last] [--shapes boxes|mixed]
//       a COCO instances file: N images of 1920 x 1080, K annotations each
//       (boxes, every third with a polygon segmentation), 10 categories,
//       annotations grouped by image and categories before them. Options:
//       --order ungrouped   annotations ordered by category, as in COCO 2017's own
//                           files: consecutive annotations are on different images
//       --categories last   "categories" after "annotations" (COCO 2017's order)
//       --shapes mixed      as real datasets: images of COCO's sizes with license,
//                           coco_url and date_captured; 0 to 2K annotations an image
//                           (K on average): 78 % polygons of 6-40 vertices (some in
//                           two parts), 20 % box-only with "segmentation": [], 2 %
//                           crowd regions as uncompressed RLE; a quarter with CVAT
//                           "attributes"
//   bench_generate project DIR --items N --per-item K [--width W --height H]
//       a Tessera project with N image items of K boxes each, written directly
//       through the store in one transaction.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/file_io.hpp"
#include "random.hpp"
#include "store/project.hpp"

namespace {

namespace v1 = tessera::v1;

using tessera::bench::Random;

const char* const kLabels[] = {"car",           "truck",        "bus",    "行人", "cyclist",
                               "traffic_light", "traffic_sign", "车道线", "curb", "animal"};

long arg(int argc, char** argv, const char* name, long fallback) {
    for (int i = 0; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return std::stol(argv[i + 1]);
    return fallback;
}

std::string text_arg(int argc, char** argv, const char* name, const char* fallback) {
    for (int i = 0; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
    return fallback;
}

/// How generate_coco lays the file out.
struct CocoLayout {
    bool ungrouped = false;        ///< annotations ordered by category, not by image
    bool categories_last = false;  ///< "categories" after "annotations"
    bool mixed = false;            ///< shapes and fields as real datasets have them
};

/// One annotation's JSON object, without the leading comma.
void mixed_annotation(std::string& out, Random& rng, long id, long image, int category, int width,
                      int height) {
    const double w = rng.uniform(6, width / 3.0), h = rng.uniform(6, height / 3.0);
    const double x = rng.uniform(0, width - w), y = rng.uniform(0, height - h);
    const unsigned kind = static_cast<unsigned>(rng.next() % 100);
    // Keys in the order of COCO 2017's own files: segmentation first, id last.
    out += '{';
    if (kind < 2) {
        // A crowd region as pycocotools writes it: uncompressed RLE over the whole image.
        const std::uint64_t pixels = static_cast<std::uint64_t>(width) * height;
        out += "\"segmentation\":{\"counts\":[";
        std::uint64_t used = 0;
        const int runs = 20 + static_cast<int>(rng.next() % 60);
        for (int r = 0; r < runs && used < pixels; ++r) {
            const std::uint64_t run =
                std::min<std::uint64_t>(pixels - used, 1 + rng.next() % (pixels / runs));
            fmt::format_to(std::back_inserter(out), "{}{}", r ? "," : "", run);
            used += run;
        }
        if (used < pixels) fmt::format_to(std::back_inserter(out), ",{}", pixels - used);
        fmt::format_to(std::back_inserter(out), "],\"size\":[{},{}]}},", height, width);
    } else if (kind < 80) {
        // Polygons of 6 to 40 vertices, sometimes in two parts, with COCO's two decimals.
        out += "\"segmentation\":[";
        const int parts = kind < 10 ? 2 : 1;
        for (int part = 0; part < parts; ++part) {
            const int n = 6 + static_cast<int>(rng.next() % 35);
            out += part ? ",[" : "[";
            for (int k = 0; k < n; ++k) {
                const double a = 6.283185307179586 * k / n;
                const double r = rng.uniform(0.6, 1.0);
                fmt::format_to(std::back_inserter(out), "{}{:.2f},{:.2f}", k ? "," : "",
                               x + w / 2 * (1 + r * std::cos(a)),
                               y + h / 2 * (1 + r * std::sin(a)));
            }
            out += ']';
        }
        out += "],";
    } else {
        out += "\"segmentation\":[],";  // box only, as Datumaro and CVAT write it
    }
    fmt::format_to(std::back_inserter(out),
                   "\"area\":{:.2f},\"iscrowd\":{},\"image_id\":{},\"bbox\":[{:.2f},{:.2f},{:.2f},{"
                   ":.2f}],\"category_id\":{},\"id\":{}",
                   w * h * 0.7, kind < 2 ? 1 : 0, image, x, y, w, h, category, id);
    if (kind % 4 == 0)
        fmt::format_to(std::back_inserter(out),
                       ",\"attributes\":{{\"occluded\":{},\"truncated\":{},\"color\":\"{}\"}}",
                       rng.next() % 2 ? "true" : "false", rng.next() % 3 == 0 ? "true" : "false",
                       kLabels[rng.next() % 10]);
    out += '}';
}

int generate_coco(const std::string& out_path, long images, long per_image,
                  const CocoLayout& layout) {
    Random rng{42};
    std::string out;
    out.reserve(static_cast<std::size_t>(images * per_image * (layout.mixed ? 300 : 160)));
    out += "{\"info\":{\"description\":\"tessera synthetic\"},";
    if (layout.mixed)
        out +=
            "\"licenses\":[{\"id\":1,\"name\":\"Attribution "
            "License\",\"url\":\"http://creativecommons.org/licenses/by/2.0/\"}],";
    out += "\"images\":[";
    std::vector<std::pair<int, int>> sizes;  // width, height of each image
    for (long i = 1; i <= images; ++i) {
        static const std::pair<int, int> kSizes[] = {
            {640, 480}, {640, 427}, {480, 640}, {500, 375}, {1920, 1080}};
        const auto [width, height] = layout.mixed ? kSizes[rng.next() % 5] : std::pair{1920, 1080};
        sizes.emplace_back(width, height);
        if (layout.mixed)
            fmt::format_to(
                std::back_inserter(out),
                "{}{{\"license\":1,\"file_name\":\"{:012}.jpg\",\"coco_url\":\"http://"
                "images.example.org/val/{:012}.jpg\","
                "\"height\":{},\"width\":{},\"date_captured\":\"2013-11-14 16:28:13\",\"id\":{}}}",
                i > 1 ? "," : "", i, i, height, width, i);
        else
            fmt::format_to(std::back_inserter(out),
                           "{}{{\"id\":{},\"file_name\":\"images/"
                           "frame_{:07}.jpg\",\"width\":1920,\"height\":1080}}",
                           i > 1 ? "," : "", i, i);
    }
    out += "],";
    std::string categories = "\"categories\":[";
    for (int c = 0; c < 10; ++c)
        fmt::format_to(std::back_inserter(categories),
                       "{}{{\"id\":{},\"name\":\"{}\",\"supercategory\":\"road\"}}", c ? "," : "",
                       c + 1, kLabels[c]);
    categories += "]";
    if (!layout.categories_last) out += categories + ",";
    out += "\"annotations\":[";
    // Each annotation's text, in image order; the ungrouped layout then orders them
    // by category, as COCO 2017's own files are ordered (consecutive annotations on
    // different images).
    struct Annotation {
        int category;
        std::size_t begin, end;  // in `texts`
    };
    std::vector<Annotation> annotations;
    std::string texts;
    long id = 0;
    for (long i = 1; i <= images; ++i) {
        const long count =
            layout.mixed
                ? static_cast<long>(rng.next() % static_cast<std::uint64_t>(2 * per_image + 1))
                : per_image;
        for (long k = 0; k < count; ++k) {
            ++id;
            const std::size_t begin = texts.size();
            int category = 0;
            if (layout.mixed) {
                category = static_cast<int>(rng.next() % 10) + 1;
                mixed_annotation(texts, rng, id, i, category, sizes[i - 1].first,
                                 sizes[i - 1].second);
            } else {
                // Drawn in this order so that the default file stays byte for byte the same.
                const double x = rng.uniform(0, 1800), y = rng.uniform(0, 1000);
                const double w = rng.uniform(4, 120), h = rng.uniform(4, 80);
                category = static_cast<int>(rng.next() % 10) + 1;
                fmt::format_to(std::back_inserter(texts),
                               "{{\"id\":{},\"image_id\":{},\"category_id\":{},\"bbox\":[{:.2f},{:."
                               "2f},{:.2f},{:.2f}],\"area\":{:.2f},\"iscrowd\":0",
                               id, i, category, x, y, w, h, w * h);
                if (id % 3 == 0)
                    fmt::format_to(std::back_inserter(texts),
                                   ",\"segmentation\":[[{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},{"
                                   ":.2f},{:.2f},{:.2f},{:.2f}]]",
                                   x, y, x + w, y, x + w, y + h * 0.7, x + w * 0.5, y + h, x,
                                   y + h);
                texts += '}';
            }
            annotations.push_back({category, begin, texts.size()});
        }
    }
    if (layout.ungrouped)
        std::stable_sort(
            annotations.begin(), annotations.end(),
            [](const Annotation& a, const Annotation& b) { return a.category < b.category; });
    for (std::size_t a = 0; a < annotations.size(); ++a) {
        if (a) out += ',';
        out.append(texts, annotations[a].begin, annotations[a].end - annotations[a].begin);
    }
    out += "]";
    if (layout.categories_last) out += "," + categories;
    out += "}\n";
    tessera::write_file_atomic(out_path, out);
    std::printf("wrote %s: %ld images, %ld annotations, %.1f MB\n", out_path.c_str(), images, id,
                out.size() / 1e6);
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
    tessera::store::AnnotationId next =
        tx.allocate_annotation_ids(static_cast<std::uint64_t>(items * per_item));
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
            const double sx = static_cast<double>(width) / 1920,
                         sy = static_cast<double>(height) / 1080;
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
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("\nwrote project %s: %ld items, %ld annotations in %.1f s\n", dir.c_str(), items,
                items * per_item, seconds);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc >= 3 && std::strcmp(argv[1], "coco") == 0)
            return generate_coco(
                argv[2], arg(argc, argv, "--images", 10000), arg(argc, argv, "--per-image", 10),
                {.ungrouped = text_arg(argc, argv, "--order", "grouped") == "ungrouped",
                 .categories_last = text_arg(argc, argv, "--categories", "first") == "last",
                 .mixed = text_arg(argc, argv, "--shapes", "boxes") == "mixed"});
        if (argc >= 3 && std::strcmp(argv[1], "project") == 0)
            return generate_project(
                argv[2], arg(argc, argv, "--items", 100000), arg(argc, argv, "--per-item", 10),
                arg(argc, argv, "--width", 1920), arg(argc, argv, "--height", 1080));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    std::fprintf(
        stderr,
        "usage: bench_generate coco OUT.json [--images N] [--per-image K] [--order "
        "grouped|ungrouped]\n"
        "                          [--categories first|last] [--shapes boxes|mixed]\n"
        "       bench_generate project DIR [--items N] [--per-item K] [--width W] [--height H]\n");
    return 2;
}
