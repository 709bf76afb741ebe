// The C ABI of the image view plugin: entry, factory, instance and the
// tessera.view/1 struct, each callback a noexcept trampoline into ImageView
// (image_view.cpp; its "Implemented / Missing" note describes the plugin).
//
// Written by hand rather than with tessera::cpp::PluginBase: the helpers have
// no view support yet, and a view's failures must reach the instance's
// get_last_error(), which PluginBase keeps private.

#include <cstring>
#include <memory>
#include <span>
#include <string>

#include <tessera/cpp/error.hpp>
#include <tessera/cpp/host.hpp>
#include <tessera/entry.h>
#include <tessera/factory.h>

#include "image_view.hpp"

namespace {

using tessera::view_image::ImageView;

constexpr tessera_plugin_descriptor_t kDescriptor = {
    .sdk_version = TESSERA_VERSION_INIT,
    .id = "tessera.view.image",  // must match plugin.json
    .name = "Image view",
    .vendor = "Tessera",
    .version = "0.1.0",
    .description = "Shows image items and draws boxes, polygons, polylines and keypoints",
};

// One plugin instance: the C struct the host holds and the view behind it.
struct Instance {
    tessera_plugin_t plugin{};
    tessera::cpp::Host host;
    tessera::cpp::LastError last_error;
    std::unique_ptr<ImageView> view;
    std::string last_frame_error;  // logged once, not at every frame
};

Instance& self(const tessera_plugin_t* plugin) noexcept {
    return *static_cast<Instance*>(plugin->plugin_data);
}

void report(Instance& instance, const char* call, const char* what) noexcept {
    try {
        std::string message = std::string(kDescriptor.id) + ": " + call + ": " + what;
        instance.host.log(TESSERA_LOG_ERROR, message, &instance.plugin);
        instance.last_error.set(std::move(message));
    } catch (...) {
        instance.last_error.set({});
    }
}

// Runs `body`, turning any exception into a status and a message.
template <class Body>
tessera_status_t guarded(const tessera_plugin_t* plugin, const char* call, Body&& body) noexcept {
    if (!plugin || !plugin->plugin_data) return TESSERA_INVALID_ARGUMENT;
    Instance& instance = self(plugin);
    try {
        body(*instance.view);
        return TESSERA_OK;
    } catch (const tessera::cpp::Error& e) {
        report(instance, call, e.what());
        return e.status();
    } catch (const std::exception& e) {
        report(instance, call, e.what());
    } catch (...) {
        report(instance, call, "unknown exception");
    }
    return TESSERA_ERROR;
}

std::span<const std::uint8_t> span(tessera_bytes_t bytes) noexcept {
    return bytes.data ? std::span<const std::uint8_t>(bytes.data, bytes.size) : std::span<const std::uint8_t>();
}

tessera_status_t TESSERA_ABI open_item(const tessera_plugin_t* plugin, tessera_bytes_t item,
                                       tessera_bytes_t annotations, const char* media_path) noexcept {
    return guarded(plugin, "open_item", [&](ImageView& view) {
        view.open_item(span(item), span(annotations), media_path ? media_path : "");
    });
}

tessera_status_t TESSERA_ABI set_annotations(const tessera_plugin_t* plugin,
                                             tessera_bytes_t annotations) noexcept {
    return guarded(plugin, "set_annotations",
                   [&](ImageView& view) { view.set_annotations(span(annotations)); });
}

void TESSERA_ABI frame(const tessera_plugin_t* plugin, const tessera_host_ui_t* ui_api, tessera_ui_t* ui,
                       const tessera_view_state_t* state) noexcept {
    if (!plugin || !plugin->plugin_data || !ui_api || !state) return;
    Instance& instance = self(plugin);
    try {
        instance.view->frame(*ui_api, ui, *state);
        instance.last_frame_error.clear();
    } catch (const std::exception& e) {
        // A frame that fails fails again 60 times a second: log the first.
        try {
            if (instance.last_frame_error != e.what()) {
                instance.last_frame_error = e.what();
                report(instance, "frame", e.what());
            }
        } catch (...) {
        }
    } catch (...) {
        report(instance, "frame", "unknown exception");
    }
}

void TESSERA_ABI options(const tessera_plugin_t* plugin, const tessera_host_ui_t* ui_api,
                         tessera_ui_t* ui) noexcept {
    if (!ui_api) return;
    (void)guarded(plugin, "options", [&](ImageView& view) { view.options(*ui_api, ui); });
}

constexpr tessera_plugin_view_t kView = {
    .name = "Image",
    .media_kinds = "Image",
    .tools = tessera::view_image::kTools,
    .tool_count = sizeof(tessera::view_image::kTools) / sizeof(tessera::view_image::kTools[0]),
    .open_item = &open_item,
    .set_annotations = &set_annotations,
    .frame = &frame,
    .options = &options,
};

bool TESSERA_ABI init(const tessera_plugin_t*) noexcept { return true; }

void TESSERA_ABI destroy(const tessera_plugin_t* plugin) noexcept {
    if (plugin) delete &self(plugin);  // joins the image loader's thread
}

const void* TESSERA_ABI get_extension(const tessera_plugin_t*, const char* id) noexcept {
    return id && std::strcmp(id, TESSERA_EXT_VIEW) == 0 ? &kView : nullptr;
}

const char* TESSERA_ABI get_last_error(const tessera_plugin_t* plugin) noexcept {
    return plugin && plugin->plugin_data ? self(plugin).last_error.get() : "";
}

// --- the library ------------------------------------------------------------------

uint32_t TESSERA_ABI plugin_count(const tessera_plugin_factory_t*) noexcept { return 1; }

const tessera_plugin_descriptor_t* TESSERA_ABI plugin_descriptor(const tessera_plugin_factory_t*,
                                                                 uint32_t index) noexcept {
    return index == 0 ? &kDescriptor : nullptr;
}

const tessera_plugin_t* TESSERA_ABI create_plugin(const tessera_plugin_factory_t*, const tessera_host_t* host,
                                                  const char* plugin_id) noexcept {
    if (!plugin_id || std::strcmp(plugin_id, kDescriptor.id) != 0) return nullptr;
    try {
        auto instance = std::make_unique<Instance>();
        instance->host = tessera::cpp::Host(host);
        instance->view = std::make_unique<ImageView>(host);
        instance->plugin = tessera_plugin_t{
            .desc = &kDescriptor,
            .plugin_data = instance.get(),
            .init = &init,
            .destroy = &destroy,
            .get_extension = &get_extension,
            .get_last_error = &get_last_error,
        };
        return &instance.release()->plugin;
    } catch (const std::exception& e) {
        tessera::cpp::Host(host).log(TESSERA_LOG_ERROR,
                                     std::string(kDescriptor.id) + ": create_plugin: " + e.what());
    } catch (...) {
        tessera::cpp::Host(host).log(TESSERA_LOG_ERROR, std::string(kDescriptor.id) + ": create_plugin failed");
    }
    return nullptr;
}

constexpr tessera_plugin_factory_t kFactory = {
    .get_plugin_count = &plugin_count,
    .get_plugin_descriptor = &plugin_descriptor,
    .create_plugin = &create_plugin,
};

bool TESSERA_ABI library_init(const char*) noexcept { return true; }
void TESSERA_ABI library_deinit() noexcept {}

const void* TESSERA_ABI get_factory(const char* factory_id) noexcept {
    return factory_id && std::strcmp(factory_id, TESSERA_PLUGIN_FACTORY_ID) == 0 ? &kFactory : nullptr;
}

}  // namespace

extern "C" TESSERA_EXPORT const tessera_plugin_entry_t tessera_plugin_entry = {
    .sdk_version = TESSERA_VERSION_INIT,
    .init = &library_init,
    .deinit = &library_deinit,
    .get_factory = &get_factory,
};
