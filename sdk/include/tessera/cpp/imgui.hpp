#pragma once
// Dear ImGui in a C++ plugin: the plugin's own copy of ImGui drawing into the
// host's context (tessera.host.imgui/1; ext/host_imgui.h says when to use it).
// Include it only in a plugin that links ImGui; tessera.hpp does not.

#include <cstring>
#include <string>

#include <imgui.h>

#include "../ext/host_imgui.h"
#include "error.hpp"
#include "host.hpp"

namespace tessera::cpp {

/// The ImGui build this plugin is compiled against.
[[nodiscard]] inline tessera_imgui_build_t imgui_build() noexcept {
    return {
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
}

/// How `mine` differs from `host`'s build, e.g. "sizeof(ImDrawIdx) is 4, the
/// host's 2"; "" when they are the same.
[[nodiscard]] inline std::string imgui_build_difference(const tessera_imgui_build_t& mine,
                                                        const tessera_imgui_build_t& host) {
    const char* my_version = mine.version ? mine.version : "?";
    const char* host_version = host.version ? host.version : "?";
    if (std::strcmp(my_version, host_version) != 0 || mine.version_num != host.version_num)
        return std::string("built against ImGui ") + my_version + " (" + std::to_string(mine.version_num) +
               "), the host has " + host_version + " (" + std::to_string(host.version_num) + ")";
    const struct {
        const char* type;
        std::uint32_t mine, host;
    } sizes[] = {
        {"ImGuiIO", mine.sizeof_io, host.sizeof_io},
        {"ImGuiStyle", mine.sizeof_style, host.sizeof_style},
        {"ImVec2", mine.sizeof_vec2, host.sizeof_vec2},
        {"ImVec4", mine.sizeof_vec4, host.sizeof_vec4},
        {"ImDrawVert", mine.sizeof_draw_vert, host.sizeof_draw_vert},
        {"ImDrawIdx", mine.sizeof_draw_idx, host.sizeof_draw_idx},
        {"ImWchar", mine.sizeof_wchar, host.sizeof_wchar},
    };
    for (const auto& size : sizes)
        if (size.mine != size.host)
            return std::string("ImGui ") + my_version + " configured differently: sizeof(" + size.type +
                   ") is " + std::to_string(size.mine) + ", the host's " + std::to_string(size.host);
    return {};
}

/// Makes this plugin's ImGui draw into the host's context, with the host's
/// allocator. Call it in init() (the host is reachable from there): it throws
/// Error when the host offers no tessera.host.imgui/1 or has another ImGui
/// build, and the host then refuses the plugin with that message. [main-thread]
inline void use_host_imgui(const Host& host) {
    const auto* imgui = host.extension<tessera_host_imgui_t>(TESSERA_EXT_HOST_IMGUI);
    if (imgui == nullptr || imgui->build == nullptr || imgui->context == nullptr)
        throw Error(TESSERA_UNSUPPORTED,
                    "the host (" + std::string(host.name().empty() ? "unnamed" : host.name()) +
                        ") does not offer tessera.host.imgui/1");
    const tessera_imgui_build_t mine = imgui_build();
    if (const std::string difference = imgui_build_difference(mine, *imgui->build); !difference.empty())
        throw Error(TESSERA_UNSUPPORTED, "cannot share the host's ImGui: " + difference);
    void* context = imgui->context(host.get(), &mine);
    if (context == nullptr) throw Error(TESSERA_UNSUPPORTED, "the host refused its ImGui context");
    ImGui::SetAllocatorFunctions(imgui->alloc, imgui->free, imgui->allocator_data);
    ImGui::SetCurrentContext(static_cast<ImGuiContext*>(context));
}

}  // namespace tessera::cpp
