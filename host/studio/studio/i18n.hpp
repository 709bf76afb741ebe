#pragma once
// Every UI string goes through tr(): a key, looked up in the table of the
// current locale (zh-CN or en), falling back to English, then to the key.

#include <string>
#include <string_view>

namespace tessera::studio {

/// Locales with a translation table.
inline constexpr std::string_view kLocales[] = {"en", "zh-CN"};

/// Switches the UI language; an unknown locale falls back to "en".
void set_locale(std::string_view locale);
/// The current locale, "en" or "zh-CN".
[[nodiscard]] std::string_view locale();
/// The text of `key` in the current locale (NUL-terminated; lives forever).
[[nodiscard]] const char* tr(std::string_view key);
/// Every translated string of every locale, concatenated: the characters the
/// UI font must hold.
[[nodiscard]] std::string translated_text();

}  // namespace tessera::studio
