#pragma once
// What the CVAT reader and writer share: the shape attributes each geometry uses,
// and parsing helpers. See cvat.hpp.

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

namespace tessera::formats::cvat {

/// `text` without surrounding white space.
inline std::string_view trimmed(std::string_view text) {
    const std::size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

/// `text` as a finite number; nullopt when it is not one.
inline std::optional<double> number_of(std::string_view text) {
    text = trimmed(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
        !std::isfinite(value))
        return std::nullopt;
    return value;
}

/// True for CVAT's spellings of true ("1", "true", "True"); nullopt when neither.
inline std::optional<bool> flag_of(std::string_view text) {
    text = trimmed(text);
    if (text == "1" || text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "0" || text == "false" || text == "False" || text == "FALSE") return false;
    return std::nullopt;
}

/// Shape attributes that carry geometry or fields Tessera maps; the others are kept
/// as annotation metadata "cvat:<attribute>".
inline bool mapped_shape_attribute(std::string_view shape, std::string_view name) {
    if (name == "label" || name == "occluded" || name == "group_id") return true;
    if (shape == "box")
        return name == "xtl" || name == "ytl" || name == "xbr" || name == "ybr" ||
               name == "rotation";
    if (shape == "polygon" || shape == "polyline" || shape == "points") return name == "points";
    if (shape == "mask")
        return name == "rle" || name == "left" || name == "top" || name == "width" ||
               name == "height";
    if (shape == "ellipse")
        return name == "cx" || name == "cy" || name == "rx" || name == "ry" || name == "rotation";
    return false;
}

/// Degrees, rounded to nine decimals so that a value read from a file and turned to
/// radians and back prints as it was.
inline double degrees_of(double radians) {
    double degrees = std::fmod(radians * 180.0 / M_PI, 360.0);
    if (degrees < 0) degrees += 360.0;
    return std::round(degrees * 1e9) / 1e9;
}

}  // namespace tessera::formats::cvat
