#include "qa/rule.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"

namespace tessera::qa {

double RunConfig::number(std::string_view rule, std::string_view key, double fallback) const {
    const std::optional<std::string_view> text = param(rule, key);
    if (!text) return fallback;
    double value = 0;
    const char* end = text->data() + text->size();
    const auto [at, error] = std::from_chars(text->data(), end, value);
    if (error != std::errc() || at != end || !std::isfinite(value))
        throw Error(fmt::format("rule {}: parameter \"{}\" is \"{}\", expected a number", rule, key,
                                *text));
    return value;
}

}  // namespace tessera::qa
