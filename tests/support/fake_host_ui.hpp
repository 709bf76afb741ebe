#pragma once
// A fake tessera.host.ui/1 for the view tests: it records what a view draws
// and feeds it the input a test scripts. One FakeUi is one canvas; pass
// fake_ui_api() as the table and FakeUi::handle() as the tessera_ui_t*.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/ext/host_ui.h>

namespace tessera::test {

/// One call a view made: "line", "polyline", "closed_polyline", "fill_polygon",
/// "rect", "fill_rect", "circle", "text", "image", and, when the fake answers
/// widgets, "button", "checkbox", "combo", "input_text", "slider".
struct UiCall {
    std::string kind;
    /// The points drawn; a circle's are its centre and {radius, 0}, a
    /// slider's {min, max}.
    std::vector<tessera_ui_vec2_t> points;
    tessera_ui_color_t color = 0;
    /// The line thickness; a combo's current index, an input's capacity, a
    /// slider's value.
    float thickness = 0;
    /// A text's string; a widget's label (a combo's and an input's followed
    /// by ":" and the last item or the buffer).
    std::string text;
};

/// A label's colour and display name as the host would give them.
struct FakeLabel {
    tessera_ui_color_t color = 0x808080FFu;
    std::string name;
};

/// The canvas state behind the fake table: what the test sets, what the view did.
struct FakeUi {
    // --- set by the test ---
    tessera_ui_vec2_t canvas{800, 600};
    /// The mouse in screen pixels from the canvas origin; get_input() maps it
    /// through the view's transform.
    tessera_ui_vec2_t mouse{0, 0};
    tessera_ui_vec2_t mouse_delta{0, 0};
    bool hovered = true;
    bool down[3] = {};
    bool clicked[3] = {};
    bool released[3] = {};
    float wheel = 0;
    std::uint32_t modifiers = 0;
    /// Keys that went down this frame.
    std::set<int> keys;
    /// Labels the host knows; others get grey and their own key as name.
    std::map<std::string, FakeLabel, std::less<>> labels;
    /// False: widgets are inert (return false, recorded nowhere). True: each is
    /// recorded and acts as if the user used it (a button is pressed, a checkbox
    /// toggled, a combo set to its last item, "!" typed into an input, a slider
    /// moved to its maximum).
    bool widgets_act = false;

    // --- what the view did ---
    float scale = 1;
    tessera_ui_vec2_t offset{0, 0};
    std::vector<UiCall> calls;
    std::uint64_t selection = 0;
    std::uint64_t next_texture = 1;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> textures;  // sizes created

    /// This canvas as the handle the table's functions take.
    [[nodiscard]] tessera_ui_t* handle() { return reinterpret_cast<tessera_ui_t*>(this); }

    /// Calls of `kind`.
    [[nodiscard]] std::size_t count(std::string_view kind) const {
        return static_cast<std::size_t>(std::count_if(
            calls.begin(), calls.end(), [&](const UiCall& c) { return c.kind == kind; }));
    }
    /// True when a drawn text contains `part`.
    [[nodiscard]] bool has_text(std::string_view part) const {
        return std::any_of(calls.begin(), calls.end(), [&](const UiCall& c) {
            return c.kind == "text" && c.text.find(part) != std::string::npos;
        });
    }
    /// The drawn texts, in order.
    [[nodiscard]] std::vector<std::string> texts() const {
        std::vector<std::string> out;
        for (const UiCall& c : calls)
            if (c.kind == "text") out.push_back(c.text);
        return out;
    }
};

namespace fake_ui_detail {

inline FakeUi& fake(tessera_ui_t* ui) {
    return *reinterpret_cast<FakeUi*>(ui);
}

inline void record(tessera_ui_t* ui, UiCall call) {
    fake(ui).calls.push_back(std::move(call));
}

inline const FakeLabel* label(tessera_ui_t* ui, const char* key) {
    const auto& labels = fake(ui).labels;
    const auto found = labels.find(std::string_view(key));
    return found == labels.end() ? nullptr : &found->second;
}

}  // namespace fake_ui_detail

/// The fake's tessera.host.ui/1 table; its functions take a FakeUi::handle().
inline const tessera_host_ui_t& fake_ui_api() {
    using fake_ui_detail::fake;
    using fake_ui_detail::record;
    static const tessera_host_ui_t api = {
        .canvas_size = [](tessera_ui_t* ui) { return fake(ui).canvas; },
        .set_transform =
            [](tessera_ui_t* ui, float scale, tessera_ui_vec2_t offset) {
                fake(ui).scale = scale;
                fake(ui).offset = offset;
            },
        .get_input =
            [](tessera_ui_t* ui, tessera_ui_input_t* out) {
                const FakeUi& f = fake(ui);
                *out = tessera_ui_input_t{};
                out->mouse = {(f.mouse.x - f.offset.x) / f.scale,
                              (f.mouse.y - f.offset.y) / f.scale};
                out->mouse_delta = f.mouse_delta;
                out->hovered = f.hovered;
                for (int b = 0; b < 3; ++b) {
                    out->down[b] = f.down[b];
                    out->clicked[b] = f.clicked[b];
                    out->released[b] = f.released[b];
                }
                out->wheel = f.wheel;
                out->modifiers = f.modifiers;
                out->keyboard_free = true;
            },
        .key_pressed = [](tessera_ui_t* ui, int key) { return fake(ui).keys.count(key) > 0; },
        .line =
            [](tessera_ui_t* ui, tessera_ui_vec2_t a, tessera_ui_vec2_t b, tessera_ui_color_t color,
               float thickness) {
                record(ui, {"line", {a, b}, color, thickness, {}});
            },
        .polyline =
            [](tessera_ui_t* ui, const tessera_ui_vec2_t* points, size_t count, bool closed,
               tessera_ui_color_t color, float thickness) {
                record(ui, {closed ? "closed_polyline" : "polyline",
                            {points, points + count},
                            color,
                            thickness,
                            {}});
            },
        .fill_polygon =
            [](tessera_ui_t* ui, const tessera_ui_vec2_t* points, size_t count,
               tessera_ui_color_t color) {
                record(ui, {"fill_polygon", {points, points + count}, color, 0, {}});
            },
        .rect =
            [](tessera_ui_t* ui, tessera_ui_vec2_t min, tessera_ui_vec2_t max,
               tessera_ui_color_t color, float thickness) {
                record(ui, {"rect", {min, max}, color, thickness, {}});
            },
        .fill_rect =
            [](tessera_ui_t* ui, tessera_ui_vec2_t min, tessera_ui_vec2_t max,
               tessera_ui_color_t color) {
                record(ui, {"fill_rect", {min, max}, color, 0, {}});
            },
        .circle =
            [](tessera_ui_t* ui, tessera_ui_vec2_t center, float radius, tessera_ui_color_t color,
               float thickness) {
                record(ui, {"circle", {center, {radius, 0}}, color, thickness, {}});
            },
        .text =
            [](tessera_ui_t* ui, tessera_ui_vec2_t at, tessera_ui_color_t color, const char* text) {
                record(ui, {"text", {at}, color, 0, text});
            },
        .create_texture = [](tessera_ui_t* ui, uint32_t width, uint32_t height,
                             const uint8_t*) -> uint64_t {
            fake(ui).textures.emplace_back(width, height);
            return fake(ui).next_texture++;
        },
        .destroy_texture = [](tessera_ui_t*, uint64_t) {},
        .image =
            [](tessera_ui_t* ui, uint64_t, tessera_ui_vec2_t min, tessera_ui_vec2_t max) {
                record(ui, {"image", {min, max}, 0, 0, {}});
            },
        .button =
            [](tessera_ui_t* ui, const char* label) {
                if (!fake(ui).widgets_act) return false;
                record(ui, {"button", {}, 0, 0, label});
                return true;
            },
        .checkbox =
            [](tessera_ui_t* ui, const char* label, bool* value) {
                if (!fake(ui).widgets_act) return false;
                record(ui, {"checkbox", {}, 0, 0, label});
                *value = !*value;
                return true;
            },
        .combo =
            [](tessera_ui_t* ui, const char* label, int* current, const char* const* items,
               int count) {
                if (!fake(ui).widgets_act) return false;
                record(ui, {"combo",
                            {},
                            0,
                            static_cast<float>(*current),
                            std::string(label) + ":" + items[count - 1]});
                *current = count - 1;
                return true;
            },
        .input_text =
            [](tessera_ui_t* ui, const char* label, char* buffer, size_t capacity) {
                if (!fake(ui).widgets_act) return false;
                record(ui, {"input_text",
                            {},
                            0,
                            static_cast<float>(capacity),
                            std::string(label) + ":" + buffer});
                std::snprintf(buffer, capacity, "%s!", std::string(buffer).c_str());
                return true;
            },
        .slider =
            [](tessera_ui_t* ui, const char* label, float* value, float min, float max) {
                if (!fake(ui).widgets_act) return false;
                record(ui, {"slider", {{min, max}}, 0, *value, label});
                *value = max;
                return true;
            },
        .label_color = [](tessera_ui_t* ui, const char* label) -> tessera_ui_color_t {
            const FakeLabel* known = fake_ui_detail::label(ui, label);
            return known ? known->color : FakeLabel{}.color;
        },
        .select = [](tessera_ui_t* ui, uint64_t annotation) { fake(ui).selection = annotation; },
        .label_name =
            [](tessera_ui_t* ui, const char* label) {
                const FakeLabel* known = fake_ui_detail::label(ui, label);
                return known ? known->name.c_str() : label;
            },
    };
    return api;
}

}  // namespace tessera::test
