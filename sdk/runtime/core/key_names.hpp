#pragma once
// Names of the keys of tessera.host.ui/1 (TESSERA_KEY_* or upper-case ASCII),
// as profiles, Lua views and scripts write them.

#include <string>
#include <string_view>

namespace tessera {

/// The key code of a key name: "A".."Z" (or lower case), "0".."9", "Space",
/// "Enter", "Escape", "Tab", "Backspace", "Insert", "Delete", "Left", "Right",
/// "Up", "Down", "PageUp", "PageDown", "Home", "End", "F1".."F12". 0 for an
/// unknown name.
[[nodiscard]] int key_code(std::string_view name);

/// The name key_code() reads back as `code`: "F5", "Enter", "A"; "" for a code
/// without one.
[[nodiscard]] std::string key_name(int code);

}  // namespace tessera
