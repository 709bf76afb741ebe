#pragma once
// The formats a host knows, by name.

#include <span>
#include <string_view>
#include <vector>

#include "formats/format.hpp"

namespace tessera::formats {

/// Formats registered with a host.
class Registry {
public:
    /// Adds a format; throws Error if one with the same name is registered.
    void add(const Format& format);
    /// The format called `name`, or nullptr.
    [[nodiscard]] const Format* find(std::string_view name) const;
    /// All formats in registration order.
    [[nodiscard]] std::span<const Format> all() const { return formats_; }

private:
    std::vector<Format> formats_;
};

}  // namespace tessera::formats
