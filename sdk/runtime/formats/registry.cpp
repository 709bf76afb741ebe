#include "formats/registry.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"

namespace tessera::formats {

void Registry::add(const Format& format) {
    if (find(format.name) != nullptr)
        throw Error(fmt::format("format '{}' is registered twice", format.name));
    formats_.push_back(format);
}

const Format* Registry::find(std::string_view name) const {
    const auto it = std::find_if(formats_.begin(), formats_.end(),
                                 [&](const Format& f) { return f.name == name; });
    return it == formats_.end() ? nullptr : &*it;
}

}  // namespace tessera::formats
