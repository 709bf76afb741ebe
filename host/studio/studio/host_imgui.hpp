#pragma once
// The extensions tessera-studio offers to plugins on top of the SDK's:
// tessera.host.ui/1 (the canvas) and tessera.host.imgui/1, its Dear ImGui
// context, handed only to plugins built against the same ImGui
// (sdk/include/tessera/ext/host_imgui.h).

#include <tessera/ext/host_imgui.h>

#include "loader/host_extensions.hpp"

namespace tessera::studio {

/// The tessera.host.imgui/1 table; its context() returns the ImGui context
/// current when it is called. Static.
[[nodiscard]] const tessera_host_imgui_t* host_imgui_api();

/// Offers tessera.host.imgui/1 through `extensions`. (tessera.host.ui/1 is
/// not offered there: a view gets it as the `ui_api` argument of frame() and
/// options(), the only calls with a frame context to use it with.)
void offer_ui_extensions(plugins::HostExtensions& extensions);

}  // namespace tessera::studio
