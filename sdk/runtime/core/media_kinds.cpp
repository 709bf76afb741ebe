#include "core/media_kinds.hpp"

#include <algorithm>

#include "core/data_api.hpp"

namespace tessera {
namespace {

// Calls `entry` with each entry of the comma-separated `list`, trimmed of
// spaces, until it returns false; false when it did.
template <class Entry>
bool each_entry(std::string_view list, Entry&& entry) {
    while (!list.empty()) {
        const std::size_t comma = std::min(list.find(','), list.size());
        std::string_view name = list.substr(0, comma);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        if (!entry(name)) return false;
        list.remove_prefix(std::min(comma + 1, list.size()));
    }
    return true;
}

}  // namespace

bool lists_media_kind(std::string_view kinds, std::string_view kind) {
    return !each_entry(kinds, [&](std::string_view name) { return name != kind; });
}

bool known_media_kinds(std::string_view kinds) {
    const char* const* names = v1::EnumNamesMediaKind();
    bool any = false;
    const bool all_known = each_entry(kinds, [&](std::string_view name) {
        any = true;
        for (int i = 1; names[i] != nullptr; ++i)  // from 1: not "Unknown"
            if (name == names[i]) return true;
        return false;
    });
    return any && all_known;
}

}  // namespace tessera
