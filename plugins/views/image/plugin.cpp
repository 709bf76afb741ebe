// The image view plugin: tessera.view/1 through the SDK's C++ helpers
// (PluginBase, set_view), which wrap every callback in a noexcept trampoline.
// ImageView (image_view.cpp; its "Implemented / Missing" note describes the
// plugin) does the work.

#include <memory>

#include <tessera/cpp/plugin.hpp>

#include "image_view.hpp"

namespace {

class ImagePlugin final : public tessera::cpp::PluginBase {
public:
    static constexpr tessera_plugin_descriptor_t descriptor = {
        .sdk_version = TESSERA_VERSION_INIT,
        .id = "tessera.view.image",  // must match plugin.json
        .name = "Image view",
        .vendor = "Tessera",
        .version = "0.1.0",
        .description = "Shows image items and draws boxes, polygons, polylines and keypoints",
    };

    void init() override {
        set_view({.name = "Image", .media_kinds = "Image", .tools = tessera::view_image::kTools},
                 std::make_unique<tessera::view_image::ImageView>(host().get()));
    }
};

}  // namespace

TESSERA_CPP_PLUGIN_ENTRY(ImagePlugin);
