#pragma once
// The media kinds a view shows (tessera_plugin_view_t::media_kinds): a
// comma-separated list of tessera.v1.MediaKind names, "Audio, Video".

#include <string_view>

namespace tessera {

/// Whether the list `kinds` names the media kind `kind` ("Image"); spaces
/// around an entry are ignored.
[[nodiscard]] bool lists_media_kind(std::string_view kinds, std::string_view kind);

/// Whether the list `kinds` names at least one media kind and only
/// tessera.v1.MediaKind names other than "Unknown".
[[nodiscard]] bool known_media_kinds(std::string_view kinds);

}  // namespace tessera
