#pragma once
// Dear ImGui in a C++ plugin: the plugin's own copy of ImGui drawing into the
// host's context (tessera.host.imgui/1; ext/host_imgui.h says when to use it).
// Include it only in a plugin that links ImGui; tessera.hpp does not.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include <imgui.h>
#include <imgui_internal.h>  // sizeof(ImGuiContext)

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
        .sizeof_context = sizeof(ImGuiContext),
        .sizeof_font_atlas = sizeof(ImFontAtlas),
        .sizeof_draw_list = sizeof(ImDrawList),
        .sizeof_draw_cmd = sizeof(ImDrawCmd),
        .offset_draw_vert_uv = offsetof(ImDrawVert, uv),
        .offset_draw_vert_col = offsetof(ImDrawVert, col),
        .col32_r_shift = IM_COL32_R_SHIFT,
    };
}

/// How `mine` differs from `host`'s build, e.g. "sizeof(ImDrawIdx) is 4, the
/// host's 2"; "" when they are the same.
[[nodiscard]] inline std::string imgui_build_difference(const tessera_imgui_build_t& mine,
                                                        const tessera_imgui_build_t& host) {
    const char* my_version = mine.version ? mine.version : "?";
    const char* host_version = host.version ? host.version : "?";
    if (std::strcmp(my_version, host_version) != 0 || mine.version_num != host.version_num)
        return std::string("built against ImGui ") + my_version + " (" +
               std::to_string(mine.version_num) + "), the host has " + host_version + " (" +
               std::to_string(host.version_num) + ")";
    const struct {
        const char* what;
        std::uint32_t mine, host;
    } sizes[] = {
        {"sizeof(ImGuiIO)", mine.sizeof_io, host.sizeof_io},
        {"sizeof(ImGuiStyle)", mine.sizeof_style, host.sizeof_style},
        {"sizeof(ImVec2)", mine.sizeof_vec2, host.sizeof_vec2},
        {"sizeof(ImVec4)", mine.sizeof_vec4, host.sizeof_vec4},
        {"sizeof(ImDrawVert)", mine.sizeof_draw_vert, host.sizeof_draw_vert},
        {"sizeof(ImDrawIdx)", mine.sizeof_draw_idx, host.sizeof_draw_idx},
        {"sizeof(ImWchar)", mine.sizeof_wchar, host.sizeof_wchar},
        {"sizeof(ImGuiContext)", mine.sizeof_context, host.sizeof_context},
        {"sizeof(ImFontAtlas)", mine.sizeof_font_atlas, host.sizeof_font_atlas},
        {"sizeof(ImDrawList)", mine.sizeof_draw_list, host.sizeof_draw_list},
        {"sizeof(ImDrawCmd)", mine.sizeof_draw_cmd, host.sizeof_draw_cmd},
        {"offsetof(ImDrawVert, uv)", mine.offset_draw_vert_uv, host.offset_draw_vert_uv},
        {"offsetof(ImDrawVert, col)", mine.offset_draw_vert_col, host.offset_draw_vert_col},
        {"IM_COL32_R_SHIFT", mine.col32_r_shift, host.col32_r_shift},
    };
    for (const auto& size : sizes)
        if (size.mine != size.host)
            return std::string("ImGui ") + my_version + " configured differently: " + size.what +
                   " is " + std::to_string(size.mine) + ", the host's " + std::to_string(size.host);
    return {};
}

/// Makes this plugin's ImGui draw into the host's context, with the host's
/// allocator, and returns true; returns false, saying why in `why`, when the
/// host offers no tessera.host.imgui/1 (the `tessera` CLI) or has another
/// ImGui build. Call it in init() (the host is reachable from there) and give
/// the view with set_view() only when it succeeds: the plugin's schemas, rules
/// and formats still load into every host. [main-thread]
[[nodiscard]] inline bool try_use_host_imgui(const Host& host, std::string& why) {
    const auto* imgui = host.extension<tessera_host_imgui_t>(TESSERA_EXT_HOST_IMGUI);
    if (imgui == nullptr || imgui->build == nullptr || imgui->context == nullptr) {
        why = "the host (" + std::string(host.name().empty() ? "unnamed" : host.name()) +
              ") does not offer tessera.host.imgui/1";
        return false;
    }
    const tessera_imgui_build_t mine = imgui_build();
    if (std::string difference = imgui_build_difference(mine, *imgui->build); !difference.empty()) {
        why = "cannot share the host's ImGui: " + difference;
        return false;
    }
    void* context = imgui->context(host.get(), &mine);
    if (context == nullptr) {
        why = "the host refused its ImGui context";
        return false;
    }
    ImGui::SetAllocatorFunctions(imgui->alloc_func, imgui->free_func, imgui->allocator_data);
    ImGui::SetCurrentContext(static_cast<ImGuiContext*>(context));
    return true;
}

/// As try_use_host_imgui(), but throws Error with the reason: in init(), the
/// host then refuses the whole plugin, naming the reason. [main-thread]
inline void use_host_imgui(const Host& host) {
    std::string why;
    if (!try_use_host_imgui(host, why)) throw Error(TESSERA_UNSUPPORTED, why);
}

}  // namespace tessera::cpp
