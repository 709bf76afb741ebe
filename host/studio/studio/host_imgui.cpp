#include "studio/host_imgui.hpp"

#include <tessera/cpp/imgui.hpp>

namespace tessera::studio {
namespace {

void* TESSERA_ABI context(const tessera_host_t*, const tessera_imgui_build_t* plugin_build) {
    static const tessera_imgui_build_t studio_build = cpp::imgui_build();
    if (plugin_build == nullptr ||
        !cpp::imgui_build_difference(*plugin_build, studio_build).empty())
        return nullptr;
    return ImGui::GetCurrentContext();
}

// Whatever allocator the studio's ImGui uses when called, not the one at startup.
void* alloc(std::size_t size, void*) {
    return ImGui::MemAlloc(size);
}
void release(void* ptr, void*) {
    ImGui::MemFree(ptr);
}

}  // namespace

const tessera_host_imgui_t* host_imgui_api() {
    static const tessera_imgui_build_t build = cpp::imgui_build();
    static const tessera_host_imgui_t api{
        .build = &build,
        .context = &context,
        .alloc_func = &alloc,
        .free_func = &release,
        .allocator_data = nullptr,
    };
    return &api;
}

void offer_ui_extensions(plugins::HostExtensions& extensions) {
    extensions.offer(TESSERA_EXT_HOST_IMGUI, host_imgui_api());
}

}  // namespace tessera::studio
