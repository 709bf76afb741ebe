// Typed reads of simdjson on-demand values with positioned errors, for the COCO
// reader. See coco.hpp for what the COCO module implements and what it does not.

#include <cmath>

#include <fmt/format.h>

#include "coco_read_internal.hpp"

namespace tessera::formats::coco::detail {
namespace {

std::string_view trim(std::string_view text) {
    constexpr std::string_view space = " \t\r\n";
    const std::size_t first = text.find_first_not_of(space);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

}  // namespace

std::string Context::describe() const {
    std::string out(kind);
    if (index != 0) fmt::format_to(std::back_inserter(out), " {}", index);
    if (!field.empty()) {
        if (!out.empty()) out += ": ";
        out += field;
    }
    return out;
}

void Cursor::fail(const char* at, const Context& where, std::string_view message) const {
    const std::string context = where.describe();
    text_.fail(at,
               context.empty() ? std::string(message) : fmt::format("{}: {}", context, message));
}

void Cursor::fail_json(simdjson::error_code error, const Context& where) const {
    const char* at = nullptr;
    if (document_.current_location().get(at) != simdjson::SUCCESS) at = nullptr;
    text_.fail_simdjson(at, error, where.describe());
}

void Cursor::fail_type(od::value& value, const Context& where, std::string_view expected) const {
    std::string found;
    od::json_type type{};
    if (value.type().get(type) != simdjson::SUCCESS) {
        found = "something else";
    } else {
        switch (type) {
            case od::json_type::array:
                found = "an array";
                break;
            case od::json_type::object:
                found = "an object";
                break;
            case od::json_type::string:
                found = "a string";
                break;
            case od::json_type::boolean:
            case od::json_type::null:
            case od::json_type::number: {
                // Name the number itself: "-5", "3.5" say more than "a number".
                std::string_view token = trim(value.raw_json_token());
                if (token.size() > 24) token = token.substr(0, 24);
                found = token;
                break;
            }
        }
    }
    fail(at(value), where, fmt::format("expected {}, found {}", expected, found));
}

std::size_t Cursor::offset() const {
    const char* at = nullptr;
    if (document_.current_location().get(at) != simdjson::SUCCESS) at = nullptr;
    return text_.offset_of(at);
}

od::json_type Cursor::type(od::value& value, const Context& where) const {
    od::json_type type{};
    if (const auto error = value.type().get(type)) fail_json(error, where);
    return type;
}

od::object Cursor::object(od::value& value, const Context& where) const {
    od::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS) fail_type(value, where, "an object");
    return object;
}

od::array Cursor::array(od::value& value, const Context& where) const {
    od::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) fail_type(value, where, "an array");
    return array;
}

double Cursor::number(od::value& value, const Context& where) const {
    double number = 0;
    if (value.get_double().get(number) != simdjson::SUCCESS) fail_type(value, where, "a number");
    return number;
}

std::int64_t Cursor::integer(od::value& value, const Context& where) const {
    std::int64_t integer = 0;
    if (value.get_int64().get(integer) == simdjson::SUCCESS) return integer;
    double number = 0;
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    if (value.get_double().get(number) != simdjson::SUCCESS || number != std::floor(number) ||
        number < -9223372036854775808.0 || number >= 9223372036854775808.0)
        fail_type(value, where, "an integer");
    return static_cast<std::int64_t>(number);
}

std::uint32_t Cursor::size_slow(od::value& value, const Context& where) const {
    double number = 0;
    if (value.get_double().get(number) != simdjson::SUCCESS || number != std::floor(number) ||
        number < 0 || number > UINT32_MAX)
        fail_type(value, where, "a non-negative integer");
    return static_cast<std::uint32_t>(number);
}

bool Cursor::boolean(od::value& value, const Context& where) const {
    bool result = false;
    if (value.get_bool().get(result) != simdjson::SUCCESS) fail_type(value, where, "true or false");
    return result;
}

std::string_view Cursor::string(od::value& value, const Context& where) const {
    std::string_view result;
    if (value.get_string().get(result) != simdjson::SUCCESS) fail_type(value, where, "a string");
    return result;
}

std::string_view Cursor::raw(od::value& value, const Context& where) const {
    std::string_view text;
    switch (type(value, where)) {
        case od::json_type::array: {
            od::array array = this->array(value, where);
            if (const auto error = array.raw_json().get(text)) fail_json(error, where);
            break;
        }
        case od::json_type::object: {
            od::object object = this->object(value, where);
            if (const auto error = object.raw_json().get(text)) fail_json(error, where);
            break;
        }
        case od::json_type::number:
            (void)number(value, where);
            break;
        case od::json_type::string:
            (void)string(value, where);
            break;
        case od::json_type::boolean:
            (void)boolean(value, where);
            break;
        case od::json_type::null: {
            bool is_null = false;
            if (value.is_null().get(is_null) != simdjson::SUCCESS || !is_null)
                fail_type(value, where, "a JSON value");
            break;
        }
    }
    if (text.data() == nullptr) text = value.raw_json_token();
    return trim(text);
}

std::string_view Cursor::key(od::field& field, const Context& where) const {
    // The raw key points just past its opening quote, into the document text.
    const char* begin = field.key().raw();
    const char* const end = text_.padded().data() + text_.padded().size();
    const char* p = begin;
    while (p < end && *p != '"' && *p != '\\') ++p;
    if (p < end && *p == '"') return {begin, static_cast<std::size_t>(p - begin)};
    std::string_view unescaped;
    if (const auto error = field.unescaped_key().get(unescaped)) fail_json(error, where);
    return unescaped;
}

const char* Cursor::numbers(od::value& value, const Context& where,
                            std::vector<double>& out) const {
    const char* start = at(value);
    out.clear();
    od::array list = array(value, where);
    for (auto result : list) {
        od::value element;
        if (const auto error = std::move(result).get(element)) fail_json(error, where);
        double number = 0;
        if (element.get_double().get(number) != simdjson::SUCCESS)
            fail_type(element, where, "a number");
        out.push_back(number);
    }
    return start;
}

std::unique_ptr<v1::KeyValueT> coco_metadata(std::string_view field, std::string_view value) {
    auto kv = std::make_unique<v1::KeyValueT>();
    kv->key.reserve(5 + field.size());
    kv->key.append("coco:").append(field);
    kv->value = value;
    return kv;
}

}  // namespace tessera::formats::coco::detail
