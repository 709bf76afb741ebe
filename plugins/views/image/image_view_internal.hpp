#pragma once
// What image_view.cpp and image_view_tools.cpp share: the per-frame context
// and the sizes of things on screen.

#include <string_view>

#include "edits.hpp"
#include "image_view.hpp"

namespace tessera::view_image {

/// Screen pixels within which a click picks a shape, a handle or a vertex.
inline constexpr double kPickRadius = 6;
/// Screen pixels a drag must cover before it becomes an edit.
inline constexpr double kDragThreshold = 2;
/// Smallest box the box tool submits, item pixels each way.
inline constexpr double kMinBoxSide = 2;
/// Zoom limits, screen pixels per item pixel.
inline constexpr double kMinScale = 1.0 / 1024;
inline constexpr double kMaxScale = 256;

struct ImageView::Frame {
    const tessera_host_ui_t& api;
    tessera_ui_t* ui;
    const tessera_view_state_t& state;
    std::string_view tool;
    std::uint64_t selected = 0;  // the host's selection, updated as this frame changes it
    Vec2 canvas{};               // canvas size, screen pixels
    tessera_ui_input_t input{};
    Vec2 mouse{};  // pointer, item pixels

    /// True when `key` went down this frame and no text field has the keyboard.
    [[nodiscard]] bool key(int code) const {
        return input.keyboard_free && api.key_pressed(ui, code);
    }
    /// Makes `id` the host's selection (0 clears it).
    void select(std::uint64_t id) {
        selected = id;
        api.select(ui, id);
    }
};

/// `p` as the host's drawing type.
[[nodiscard]] inline tessera_ui_vec2_t ui_point(Vec2 p) noexcept {
    return {static_cast<float>(p.x), static_cast<float>(p.y)};
}

}  // namespace tessera::view_image
