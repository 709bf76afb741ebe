/* tessera.host.imgui/1: the host's Dear ImGui context, for plugins built
 * against exactly the host's ImGui.
 *
 * Prefer tessera.host.ui/1: it is stable across ImGui versions, and a plugin
 * using only it loads into any host. This extension is for a plugin that wants
 * ImGui's full widget set in its options() panel, and accepts being rebuilt
 * for each ImGui release of the host. Such a plugin links its own copy of
 * ImGui, from the same version and configuration as the host's (tessera-studio:
 * Debian 12's libimgui-dev 1.86), and makes that copy draw into the host's
 * context: ImGui::SetCurrentContext() with context(), and
 * ImGui::SetAllocatorFunctions() with the host's allocator.
 * tessera/cpp/imgui.hpp does both in one call and fails the plugin's init()
 * with the reason when the builds differ, so the host refuses the plugin,
 * naming it, instead of crashing later.
 *
 * ImGui may be called only on the main thread, during a view's options()
 * callback (tessera-studio's view options panel, F2). In frame() only reading
 * ImGui's state is useful: the canvas is drawn through tessera.host.ui/1 and
 * shown from a texture, over anything ImGui would draw there. ImGui's stacks
 * (windows, IDs, styles, groups, tree nodes) that a callback leaves pushed,
 * e.g. when it throws, are popped by tessera-studio; an IM_ASSERT failing in
 * the plugin's copy of ImGui still aborts the host. */
#ifndef TESSERA_EXT_HOST_IMGUI_H
#define TESSERA_EXT_HOST_IMGUI_H

#include <stddef.h>
#include <stdint.h>

#include "../host.h"
#include "../macros.h"

TESSERA_EXTERN_C_BEGIN

static const char TESSERA_EXT_HOST_IMGUI[] = "tessera.host.imgui/1";

/* One build of ImGui as seen from outside: its version, and the sizes and
 * offsets that its configuration (imconfig.h, compile definitions) changes.
 * Two builds can share a context only if every member is equal; that is
 * necessary, not sufficient: a plugin must also use the host's configuration. */
typedef struct tessera_imgui_build {
    const char *version;           /* IMGUI_VERSION, e.g. "1.86"; static */
    uint32_t version_num;          /* IMGUI_VERSION_NUM, e.g. 18600 */
    uint32_t sizeof_io;            /* sizeof(ImGuiIO) */
    uint32_t sizeof_style;         /* sizeof(ImGuiStyle) */
    uint32_t sizeof_vec2;          /* sizeof(ImVec2) */
    uint32_t sizeof_vec4;          /* sizeof(ImVec4) */
    uint32_t sizeof_draw_vert;     /* sizeof(ImDrawVert) */
    uint32_t sizeof_draw_idx;      /* sizeof(ImDrawIdx): 2, or 4 with a 32-bit index config */
    uint32_t sizeof_wchar;         /* sizeof(ImWchar): 2, or 4 with IMGUI_USE_WCHAR32 */
    uint32_t sizeof_context;       /* sizeof(ImGuiContext) (imgui_internal.h) */
    uint32_t sizeof_font_atlas;    /* sizeof(ImFontAtlas) */
    uint32_t sizeof_draw_list;     /* sizeof(ImDrawList) */
    uint32_t sizeof_draw_cmd;      /* sizeof(ImDrawCmd) */
    uint32_t offset_draw_vert_uv;  /* offsetof(ImDrawVert, uv) */
    uint32_t offset_draw_vert_col; /* offsetof(ImDrawVert, col) */
    uint32_t col32_r_shift;        /* IM_COL32_R_SHIFT: 0, or 16 with IMGUI_USE_BGRA_PACKED_COLOR */
} tessera_imgui_build_t;

typedef struct tessera_host_imgui {
    /* The host's build. Host-owned, static. [thread-safe] */
    const tessera_imgui_build_t *build;

    /* The host's ImGuiContext*, when `plugin_build` (the caller's, borrowed
     * for the call) equals `build`; NULL otherwise, and then the caller must
     * not use ImGui. The context lives as long as the plugin instance.
     * [main-thread] */
    void *(TESSERA_ABI *context)(const tessera_host_t *host,
                                 const tessera_imgui_build_t *plugin_build);

    /* The host's ImGui allocator, for ImGui::SetAllocatorFunctions(alloc_func,
     * free_func, allocator_data), so that memory the host's context holds may
     * be freed by either copy of ImGui. Typed exactly as ImGui's
     * ImGuiMemAllocFunc and ImGuiMemFreeFunc (hence no TESSERA_ABI). Static;
     * they allocate as the host's ImGui does at the time of the call.
     * [thread-safe] */
    void *(*alloc_func)(size_t size, void *user_data);
    void (*free_func)(void *ptr, void *user_data);
    void *allocator_data; /* passed back to them; static */
} tessera_host_imgui_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_EXT_HOST_IMGUI_H */
