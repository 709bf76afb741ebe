// Image view frame cost: CPU time per frame() of the image view plugin's
// logic (plugins/views/image) over a dense item, with a host UI that only
// counts calls, so the figure is the view's own work (culling, hit-testing
// under the pointer, issuing draw calls), not the host's rendering.
//
//   bench_image_view [--boxes N] [--frames F] [--runs R]
//
// Builds N boxes (default 10,000; 10..200 px a side, 5 labels) on a
// 3840 x 2160 item without an image file, in a 1920 x 1080 canvas, with the
// select tool and the pointer moving over the canvas every frame. Then, for
// each zoom, R runs (default 5) of F frames (default 300) and prints the
// mean main-thread CPU time per frame (best and median run) and the draw
// calls issued per frame:
//   fit        the whole image (0.5 screen px per image px)
//   4x fit     4 times the fit zoom (2 screen px per image px), centred
//   400%       4 screen px per image px, centred
// Also times set_annotations() (decoding the set and rebuilding the grid).

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <tessera/v1/item_generated.h>

#include "image_view.hpp"
#include "random.hpp"

namespace {

namespace v1 = tessera::v1;
using tessera::view_image::ImageView;

// --- a host UI that counts ---------------------------------------------------

struct CountingUi {
    float scale = 1;
    tessera_ui_vec2_t offset{0, 0};
    tessera_ui_vec2_t mouse{0, 0};
    std::uint64_t draw_calls = 0;
};

CountingUi& ui_of(tessera_ui_t* ui) {
    return *reinterpret_cast<CountingUi*>(ui);
}
void count(tessera_ui_t* ui) {
    ++ui_of(ui).draw_calls;
}

const tessera_host_ui_t kCountingUi = {
    .canvas_size =
        [](tessera_ui_t*) {
            return tessera_ui_vec2_t{1920, 1080};
        },
    .set_transform =
        [](tessera_ui_t* ui, float scale, tessera_ui_vec2_t offset) {
            ui_of(ui).scale = scale;
            ui_of(ui).offset = offset;
        },
    .get_input =
        [](tessera_ui_t* ui, tessera_ui_input_t* out) {
            const CountingUi& u = ui_of(ui);
            *out = tessera_ui_input_t{};
            out->mouse = {(u.mouse.x - u.offset.x) / u.scale, (u.mouse.y - u.offset.y) / u.scale};
            out->hovered = true;
            out->keyboard_free = true;
        },
    .key_pressed = [](tessera_ui_t*, int) { return false; },
    .line = [](tessera_ui_t* ui, tessera_ui_vec2_t, tessera_ui_vec2_t, tessera_ui_color_t,
               float) { count(ui); },
    .polyline = [](tessera_ui_t* ui, const tessera_ui_vec2_t*, size_t, bool, tessera_ui_color_t,
                   float) { count(ui); },
    .fill_polygon = [](tessera_ui_t* ui, const tessera_ui_vec2_t*, size_t,
                       tessera_ui_color_t) { count(ui); },
    .rect = [](tessera_ui_t* ui, tessera_ui_vec2_t, tessera_ui_vec2_t, tessera_ui_color_t,
               float) { count(ui); },
    .fill_rect = [](tessera_ui_t* ui, tessera_ui_vec2_t, tessera_ui_vec2_t,
                    tessera_ui_color_t) { count(ui); },
    .circle = [](tessera_ui_t* ui, tessera_ui_vec2_t, float, tessera_ui_color_t,
                 float) { count(ui); },
    .text = [](tessera_ui_t* ui, tessera_ui_vec2_t, tessera_ui_color_t, const char*) { count(ui); },
    .create_texture = [](tessera_ui_t*, uint32_t, uint32_t, const uint8_t*) -> uint64_t {
        return 1;
    },
    .destroy_texture = [](tessera_ui_t*, uint64_t) {},
    .image = [](tessera_ui_t* ui, uint64_t, tessera_ui_vec2_t, tessera_ui_vec2_t) { count(ui); },
    .button = [](tessera_ui_t*, const char*) { return false; },
    .checkbox = [](tessera_ui_t*, const char*, bool*) { return false; },
    .combo = [](tessera_ui_t*, const char*, int*, const char* const*, int) { return false; },
    .input_text = [](tessera_ui_t*, const char*, char*, size_t) { return false; },
    .slider = [](tessera_ui_t*, const char*, float*, float, float) { return false; },
    .label_color = [](tessera_ui_t*, const char* label) -> tessera_ui_color_t {
        return 0x20408000u | static_cast<tessera_ui_color_t>(label[0]);
    },
    .select = [](tessera_ui_t*, uint64_t) {},
    .label_name = [](tessera_ui_t*, const char* label) { return label; },
};

// --- data ----------------------------------------------------------------------

constexpr double kWidth = 3840;
constexpr double kHeight = 2160;

std::vector<std::uint8_t> item_buffer() {
    v1::ItemT item;
    item.id = 1;
    item.media = std::make_unique<v1::MediaT>();
    item.media->kind = v1::MediaKind::Image;
    item.media->width = static_cast<std::uint32_t>(kWidth);
    item.media->height = static_cast<std::uint32_t>(kHeight);
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishItemBuffer(builder, v1::Item::Pack(builder, &item));
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

std::vector<std::uint8_t> boxes_buffer(std::size_t count) {
    static const char* const kLabels[] = {"car", "pedestrian", "cyclist", "truck", "traffic_light"};
    tessera::bench::Random random{42};
    v1::AnnotationSetT set;
    set.item = 1;
    for (std::size_t i = 0; i < count; ++i) {
        auto annotation = std::make_unique<v1::AnnotationT>();
        annotation->id = i + 1;
        annotation->label = kLabels[i % 5];
        v1::BoxT box;
        const double w = random.uniform(10, 200);
        const double h = random.uniform(10, 200);
        box.left = random.uniform(0, kWidth - w);
        box.top = random.uniform(0, kHeight - h);
        box.right = box.left + w;
        box.bottom = box.top + h;
        annotation->geometry.Set(std::move(box));
        set.annotations.push_back(std::move(annotation));
    }
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishAnnotationSetBuffer(builder, v1::AnnotationSet::Pack(builder, &set));
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Zoom {
    const char* name;
    double scale;
};

}  // namespace

int main(int argc, char** argv) {
    std::size_t boxes = 10'000;
    int frames = 300;
    int runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--boxes") == 0)
            boxes = std::strtoull(argv[i + 1], nullptr, 10);
        else if (std::strcmp(argv[i], "--frames") == 0)
            frames = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--runs") == 0)
            runs = std::atoi(argv[i + 1]);
        else {
            std::fprintf(stderr, "usage: bench_image_view [--boxes N] [--frames F] [--runs R]\n");
            return 2;
        }
    }
    frames = std::max(frames, 1);
    runs = std::max(runs, 1);

    const auto item = item_buffer();
    const auto annotations = boxes_buffer(boxes);
    ImageView view;
    view.open_item(item, annotations, "");

    double rebuild = 1e9;
    for (int r = 0; r < runs; ++r) {
        const double start = thread_cpu_seconds();
        view.set_annotations(annotations);
        rebuild = std::min(rebuild, thread_cpu_seconds() - start);
    }
    std::printf(
        "bench_image_view: %zu boxes on a %.0f x %.0f item, 1920 x 1080 canvas, %d frames x %d "
        "runs\n",
        boxes, kWidth, kHeight, frames, runs);
    std::printf("  set_annotations (decode + grid rebuild): %.2f ms CPU (best)\n", rebuild * 1e3);

    const double fit_scale = std::min(1920 / kWidth, 1080 / kHeight);
    const Zoom zooms[] = {{"fit", fit_scale}, {"4x fit", 4 * fit_scale}, {"400%", 4}};
    for (const Zoom& zoom : zooms) {
        CountingUi ui;
        std::vector<double> means;
        std::uint64_t calls_per_frame = 0;
        std::size_t shapes_drawn = 0;
        for (int r = 0; r < runs; ++r) {
            // Centre the image, then sweep the pointer across the canvas.
            view.set_view(zoom.scale,
                          {(1920 - kWidth * zoom.scale) / 2, (1080 - kHeight * zoom.scale) / 2});
            ui.draw_calls = 0;
            const tessera_view_state_t state{"select", "car", 0, "bench"};
            const double start = thread_cpu_seconds();
            for (int f = 0; f < frames; ++f) {
                ui.mouse = {static_cast<float>((f * 37) % 1920),
                            static_cast<float>((f * 23) % 1080)};
                view.frame(kCountingUi, reinterpret_cast<tessera_ui_t*>(&ui), state);
            }
            means.push_back((thread_cpu_seconds() - start) / frames);
            calls_per_frame = ui.draw_calls / static_cast<std::uint64_t>(frames);
            shapes_drawn = view.stats().shapes_drawn;
        }
        std::sort(means.begin(), means.end());
        std::printf(
            "  %-7s scale %.2f: %.3f ms CPU per frame (best), %.3f ms (median); "
            "%llu draw calls per frame, %zu boxes drawn\n",
            zoom.name, zoom.scale, means.front() * 1e3, means[means.size() / 2] * 1e3,
            static_cast<unsigned long long>(calls_per_frame), shapes_drawn);
    }
    return 0;
}
