#include "core/key_names.hpp"

#include <array>
#include <utility>

#include <tessera/ext/host_ui.h>

namespace tessera {
namespace {

constexpr std::array<std::pair<std::string_view, int>, 15> kNamedKeys = {{
    {"Space", ' '},
    {"Enter", TESSERA_KEY_ENTER},
    {"Escape", TESSERA_KEY_ESCAPE},
    {"Tab", TESSERA_KEY_TAB},
    {"Backspace", TESSERA_KEY_BACKSPACE},
    {"Insert", TESSERA_KEY_INSERT},
    {"Delete", TESSERA_KEY_DELETE},
    {"Right", TESSERA_KEY_RIGHT},
    {"Left", TESSERA_KEY_LEFT},
    {"Down", TESSERA_KEY_DOWN},
    {"Up", TESSERA_KEY_UP},
    {"PageUp", TESSERA_KEY_PAGE_UP},
    {"PageDown", TESSERA_KEY_PAGE_DOWN},
    {"Home", TESSERA_KEY_HOME},
    {"End", TESSERA_KEY_END},
}};

}  // namespace

int key_code(std::string_view name) {
    if (name.size() == 1) {
        const char c = name[0];
        if (c >= 'A' && c <= 'Z') return c;
        if (c >= 'a' && c <= 'z') return c - 'a' + 'A';
        if (c >= '0' && c <= '9') return c;
        return 0;
    }
    for (const auto& [key, code] : kNamedKeys)
        if (name == key) return code;
    // F1..F12
    if (name.size() >= 2 && name.size() <= 3 && name[0] == 'F') {
        int number = 0;
        for (const char c : name.substr(1)) {
            if (c < '0' || c > '9') return 0;
            number = number * 10 + (c - '0');
        }
        if (number >= 1 && number <= 12 && name[1] != '0') return TESSERA_KEY_F1 + number - 1;
    }
    return 0;
}

std::string key_name(int code) {
    if (code >= TESSERA_KEY_F1 && code < TESSERA_KEY_F1 + 12)
        return "F" + std::to_string(code - TESSERA_KEY_F1 + 1);
    for (const auto& [key, named] : kNamedKeys)
        if (named == code) return std::string(key);
    if (code > ' ' && code < 127) return std::string(1, static_cast<char>(code));
    return {};
}

}  // namespace tessera
