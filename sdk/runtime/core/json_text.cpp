#include "core/json_text.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/display_text.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/text.hpp"

namespace tessera {

JsonText::JsonText(std::filesystem::path path)
    : path_(std::move(path)),
      file_(std::make_unique<const MappedFile>(path_, simdjson::SIMDJSON_PADDING)) {}

JsonText::JsonText(std::filesystem::path path, std::string_view text)
    : path_(std::move(path)), copy_(text) {}

std::size_t JsonText::offset_of(const char* location) const {
    if (location == nullptr || location < data()) return size();
    const auto offset = static_cast<std::size_t>(location - data());
    return offset > size() ? size() : offset;
}

void JsonText::fail(const char* location, std::string_view message) const {
    tessera::fail_at(path_, text(), offset_of(location), message);
}

void JsonText::fail_simdjson(const char* location, simdjson::error_code error,
                             std::string_view context) const {
    std::string_view expected;
    switch (error) {
        case simdjson::INCORRECT_TYPE:
            expected = "a value of another type";
            break;
        case simdjson::NUMBER_ERROR:
            expected = "a valid number";
            break;
        case simdjson::NUMBER_OUT_OF_RANGE:
            expected = "a number in range";
            break;
        case simdjson::NO_SUCH_FIELD:
            expected = "a required field";
            break;
        case simdjson::TAPE_ERROR:
        case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
            expected = "well-formed JSON";
            break;
        case simdjson::UTF8_ERROR:
            expected = "valid UTF-8";
            break;
        case simdjson::STRING_ERROR:
        case simdjson::UNCLOSED_STRING:
            expected = "a well-formed string";
            break;
        case simdjson::EMPTY:
            expected = "a JSON document, found an empty file";
            break;
        default:
            expected = "valid JSON";
            break;
    }
    fail(location,
         fmt::format("{}: expected {} ({})", context, expected, simdjson::error_message(error)));
}

const char* location_of(simdjson::ondemand::value& value) {
    const char* location = nullptr;
    if (value.current_location().get(location) != simdjson::SUCCESS) return nullptr;
    return location;
}

const char* location_of(simdjson::ondemand::document& doc) {
    const char* location = nullptr;
    if (doc.current_location().get(location) != simdjson::SUCCESS) return nullptr;
    return location;
}

simdjson::ondemand::object read_json_object(const JsonText& json, simdjson::ondemand::value& value,
                                            std::string_view path) {
    simdjson::ondemand::object object;
    if (const auto error = value.get_object().get(object)) {
        if (error == simdjson::INCORRECT_TYPE)
            json.fail(location_of(value), fmt::format("{}: expected an object", path));
        json.fail_simdjson(location_of(value), error, path);
    }
    return object;
}

std::string read_json_string(const JsonText& json, simdjson::ondemand::value& value,
                             std::string_view what) {
    const char* at = location_of(value);
    std::string_view text;
    if (const auto error = value.get_string().get(text)) {
        if (error == simdjson::INCORRECT_TYPE)
            json.fail(at, fmt::format("{}: expected a string", what));
        json.fail_simdjson(at, error, std::string(what));
    }
    return std::string(text);
}

void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80) {
            // Plugins and damaged data may hand over anything: the output stays UTF-8.
            const Utf8Step step = next_utf8(text, i);
            if (!step.code)
                out += "\\ufffd";
            else if (is_control_code_point(*step.code))
                fmt::format_to(std::back_inserter(out), "\\u{:04x}",
                               static_cast<unsigned>(*step.code));
            else
                out.append(text.substr(i, step.length));
            i += step.length;
            continue;
        }
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (byte < 0x20 || byte == 0x7F)
                    fmt::format_to(std::back_inserter(out), "\\u{:04x}",
                                   static_cast<unsigned>(byte));
                else
                    out.push_back(c);
        }
        ++i;
    }
    out.push_back('"');
}

void append_json_number(std::string& out, double value) {
    if (!std::isfinite(value)) {
        out += "null";  // JSON has no NaN or infinity
        return;
    }
    append_double(out, value);
}

}  // namespace tessera
