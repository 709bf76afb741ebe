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
 * ImGui may be called only on the main thread, during a view's options() or
 * frame() callback. frame() draws the canvas through tessera.host.ui/1: the
 * host shows the canvas from a texture, over anything ImGui drew in the
 * canvas window during frame(). */
#ifndef TESSERA_EXT_HOST_IMGUI_H
#define TESSERA_EXT_HOST_IMGUI_H

#include <stddef.h>
#include <stdint.h>

#include "../host.h"
#include "../macros.h"

TESSERA_EXTERN_C_BEGIN

static const char TESSERA_EXT_HOST_IMGUI[] = "tessera.host.imgui/1";

/* One build of ImGui as seen from outside: its version and the sizes of the
 * types that ImGui::DebugCheckVersionAndDataLayout() compares, plus ImWchar's.
 * Two builds can share a context only when every member is equal. */
typedef struct tessera_imgui_build {
    const char *version;       /* IMGUI_VERSION, e.g. "1.86"; static */
    uint32_t version_num;      /* IMGUI_VERSION_NUM, e.g. 18600 */
    uint32_t sizeof_io;        /* sizeof(ImGuiIO) */
    uint32_t sizeof_style;     /* sizeof(ImGuiStyle) */
    uint32_t sizeof_vec2;      /* sizeof(ImVec2) */
    uint32_t sizeof_vec4;      /* sizeof(ImVec4) */
    uint32_t sizeof_draw_vert; /* sizeof(ImDrawVert) */
    uint32_t sizeof_draw_idx;  /* sizeof(ImDrawIdx): 2, or 4 with a 32-bit index config */
    uint32_t sizeof_wchar;     /* sizeof(ImWchar): 2, or 4 with IMGUI_USE_WCHAR32 */
} tessera_imgui_build_t;

typedef struct tessera_host_imgui {
    /* The host's build. Host-owned, static. [thread-safe] */
    const tessera_imgui_build_t *build;

    /* The host's ImGuiContext*, when `plugin_build` (the caller's, borrowed
     * for the call) equals `build` member for member and the version strings
     * match; NULL otherwise, and then the caller must not use ImGui. The
     * context lives as long as the plugin instance. [main-thread] */
    void *(TESSERA_ABI *context)(const tessera_host_t *host, const tessera_imgui_build_t *plugin_build);

    /* The host's ImGui allocator, for ImGui::SetAllocatorFunctions(alloc, free,
     * allocator_data): memory the host's context holds may be freed by either
     * copy of ImGui. [thread-safe] */
    void *(*alloc)(size_t size, void *user_data);
    void (*free)(void *ptr, void *user_data);
    void *allocator_data;
} tessera_host_imgui_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_EXT_HOST_IMGUI_H */
