#pragma once
// tessera.host.imgui/1 as tessera-studio offers it: its Dear ImGui context,
// handed only to plugins built against the same ImGui (sdk/include/tessera/ext/host_imgui.h).

#include <tessera/ext/host_imgui.h>

namespace tessera::studio {

/// The studio's ImGui build.
[[nodiscard]] const tessera_imgui_build_t& imgui_build();

/// Whether `a` and `b` may share one ImGui context: same version, same sizes.
[[nodiscard]] bool same_imgui_build(const tessera_imgui_build_t& a, const tessera_imgui_build_t& b);

/// The extension; its context() returns the ImGui context current on the
/// main thread when it is called. Static.
[[nodiscard]] const tessera_host_imgui_t* host_imgui_api();

}  // namespace tessera::studio
