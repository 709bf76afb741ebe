// A view written with the C++ helpers (PluginBase::set_view), for
// tests/sdk/sdk_helpers_test.cpp. It draws one line per frame from the item
// size it was given, and throws when the media path or the tool asks it to.

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include <tessera/v1/item_generated.h>
#include <tessera/cpp/plugin.hpp>

namespace {

class LineView final : public tessera::cpp::View {
public:
    void open_item(std::span<const std::uint8_t> item, std::span<const std::uint8_t>,
                   std::string_view media_path) override {
        if (media_path == "throw")
            throw std::runtime_error("cannot open " + std::string(media_path));
        const auto* media = tessera::v1::GetItem(item.data())->media();
        width_ = media ? static_cast<float>(media->width()) : 0;
    }
    void set_annotations(std::span<const std::uint8_t> annotations) override {
        if (annotations.empty())
            throw tessera::cpp::Error(TESSERA_INVALID_ARGUMENT, "no annotations");
    }
    void frame(const tessera_host_ui_t& ui_api, tessera_ui_t* ui,
               const tessera_view_state_t& state) override {
        if (std::strcmp(state.tool, "break") == 0)
            throw std::runtime_error("the break tool breaks");
        if (std::strcmp(state.tool, "other") == 0) throw std::runtime_error("another message");
        ui_api.line(ui, {0, 0}, {width_, 0}, 0xFF0000FFu, 1);
    }

private:
    float width_ = 0;
};

constexpr tessera_view_tool_t kTools[] = {{"draw", "Draw", 'D'}, {"break", "Break", 'B'}};

class ViewPlugin final : public tessera::cpp::PluginBase {
public:
    static constexpr tessera_plugin_descriptor_t descriptor = {
        .sdk_version = TESSERA_VERSION_INIT,
        .id = "test.sdk.view",
        .name = "View test plugin",
        .vendor = "Tessera tests",
        .version = "1.0.0",
        .description = "A view through the C++ helpers",
    };
    void init() override {
        set_view({.name = "Line", .media_kinds = "Image,Video", .tools = kTools},
                 std::make_unique<LineView>());
    }
};

}  // namespace

TESSERA_CPP_PLUGIN_ENTRY(ViewPlugin);
