#pragma once
// FlatBuffers strings read as std::string_view: the one helper the SDK, the
// runtime, the hosts and the plugins share for it.

#include <string_view>

#include <flatbuffers/flatbuffers.h>

namespace tessera::cpp {

/// The text of a FlatBuffers string, viewed in place; "" when the field is
/// absent (`s` is nullptr). Valid as long as the buffer holding `s`.
[[nodiscard]] inline std::string_view text(const flatbuffers::String* s) noexcept {
    return s ? std::string_view(s->c_str(), s->size()) : std::string_view();
}

}  // namespace tessera::cpp
