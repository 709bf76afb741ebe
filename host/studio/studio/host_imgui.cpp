#include "studio/host_imgui.hpp"

#include <cstring>

#include <imgui.h>

namespace tessera::studio {

const tessera_imgui_build_t& imgui_build() {
    static const tessera_imgui_build_t build{
        .version = IMGUI_VERSION,
        .version_num = IMGUI_VERSION_NUM,
        .sizeof_io = sizeof(ImGuiIO),
        .sizeof_style = sizeof(ImGuiStyle),
        .sizeof_vec2 = sizeof(ImVec2),
        .sizeof_vec4 = sizeof(ImVec4),
        .sizeof_draw_vert = sizeof(ImDrawVert),
        .sizeof_draw_idx = sizeof(ImDrawIdx),
        .sizeof_wchar = sizeof(ImWchar),
    };
    return build;
}

bool same_imgui_build(const tessera_imgui_build_t& a, const tessera_imgui_build_t& b) {
    return a.version != nullptr && b.version != nullptr && std::strcmp(a.version, b.version) == 0 &&
           a.version_num == b.version_num && a.sizeof_io == b.sizeof_io &&
           a.sizeof_style == b.sizeof_style && a.sizeof_vec2 == b.sizeof_vec2 &&
           a.sizeof_vec4 == b.sizeof_vec4 && a.sizeof_draw_vert == b.sizeof_draw_vert &&
           a.sizeof_draw_idx == b.sizeof_draw_idx && a.sizeof_wchar == b.sizeof_wchar;
}

namespace {

void* TESSERA_ABI context(const tessera_host_t*, const tessera_imgui_build_t* plugin_build) {
    if (plugin_build == nullptr || !same_imgui_build(*plugin_build, imgui_build())) return nullptr;
    return ImGui::GetCurrentContext();
}

tessera_host_imgui_t make_api() {
    ImGuiMemAllocFunc alloc = nullptr;
    ImGuiMemFreeFunc free = nullptr;
    void* data = nullptr;
    ImGui::GetAllocatorFunctions(&alloc, &free, &data);
    return {.build = &imgui_build(), .context = &context, .alloc = alloc, .free = free, .allocator_data = data};
}

}  // namespace

const tessera_host_imgui_t* host_imgui_api() {
    static const tessera_host_imgui_t api = make_api();
    return &api;
}

}  // namespace tessera::studio
