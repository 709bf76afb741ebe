#pragma once
// View: the C++ side of tessera.view/1. A PluginBase offers one with
// set_view() in init(); the base then hands the host a tessera_plugin_view_t
// whose callbacks are noexcept trampolines into the View. An exception from
// open_item(), set_annotations() or options() becomes a status, the
// instance's get_last_error() message and a log line; one from frame() is
// logged once per distinct message (a failing frame fails 60 times a second).
//
//   class MyView : public tessera::cpp::View { ... };
//   static constexpr tessera_view_tool_t kTools[] = {{"select", "Select", 'V'}};
//   void init() override {
//       set_view({.name = "Waveform", .media_kinds = "Audio", .tools = kTools},
//                std::make_unique<MyView>(host()));
//   }

#include <cstdint>
#include <span>
#include <string_view>

#include "../ext/host_ui.h"
#include "../ext/view.h"

namespace tessera::cpp {

/// What the host lists for a view. The strings and tools must be static.
struct ViewInfo {
    const char* name = "";         ///< display name, e.g. "Image"
    const char* media_kinds = "";  ///< comma-separated tessera.v1.MediaKind names, e.g. "Image"
    std::span<const tessera_view_tool_t> tools{};  ///< the first is the default
};

/// A view: shows the open item and edits it through the host. Every member
/// is called on the host's main thread. Buffers are verified by the host and
/// borrowed for the call.
class View {
public:
    View() = default;
    virtual ~View() = default;
    View(const View&) = delete;
    View& operator=(const View&) = delete;

    /// Shows `item` (tessera.v1.Item) with `annotations`; `media_path` is the
    /// item's media file (absolute, UTF-8).
    virtual void open_item(std::span<const std::uint8_t> item,
                           std::span<const std::uint8_t> annotations,
                           std::string_view media_path) = 0;
    /// Replaces the open item's annotations (after an edit, undo or redo).
    virtual void set_annotations(std::span<const std::uint8_t> annotations) = 0;
    /// Draws the canvas and handles its input for one frame.
    virtual void frame(const tessera_host_ui_t& ui_api, tessera_ui_t* ui,
                       const tessera_view_state_t& state) = 0;
    /// Draws the view's settings in a host panel; nothing by default.
    virtual void options(const tessera_host_ui_t& ui_api, tessera_ui_t* ui) {
        (void)ui_api;
        (void)ui;
    }
};

}  // namespace tessera::cpp
