#include "store/project_file.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "formats/json_text.hpp"

namespace tessera::store {
namespace {

namespace od = simdjson::ondemand;
using formats::JsonText;

const char* location_of(od::value& value) {
    const char* location = nullptr;
    if (value.current_location().get(location) != simdjson::SUCCESS) return nullptr;
    return location;
}

const char* location_of(od::document& doc) {
    const char* location = nullptr;
    if (doc.current_location().get(location) != simdjson::SUCCESS) return nullptr;
    return location;
}

std::string read_string(const JsonText& json, od::value& value, std::string_view key) {
    const char* at = location_of(value);
    std::string_view text;
    if (const auto error = value.get_string().get(text)) {
        if (error == simdjson::INCORRECT_TYPE)
            json.fail(at, fmt::format("\"{}\": expected a string", key));
        json.fail_simdjson(at, error, fmt::format("\"{}\"", key));
    }
    return std::string(text);
}

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

// The database must stay inside the project folder: a plain file name.
bool is_plain_file_name(std::string_view name) {
    return !name.empty() && name != "." && name != ".." &&
           name.find_first_of("/\\") == std::string_view::npos &&
           name.find('\0') == std::string_view::npos;
}

}  // namespace

ProjectFile read_project_file(const std::filesystem::path& file) {
    const JsonText json(file);
    od::parser parser;
    od::document doc;
    if (const auto error = parser.iterate(json.padded()).get(doc))
        json.fail_simdjson(nullptr, error, "project file");
    od::object object;
    if (const auto error = doc.get_object().get(object))
        json.fail_simdjson(location_of(doc), error, "project file: expected a JSON object");

    ProjectFile result;
    std::optional<std::int64_t> version;
    bool has_name = false;
    for (auto field_result : object) {
        od::field field;
        if (const auto error = std::move(field_result).get(field))
            json.fail_simdjson(location_of(doc), error, "project file");
        std::string_view key;
        if (const auto error = field.unescaped_key().get(key))
            json.fail_simdjson(location_of(doc), error, "project file: key");
        od::value value = field.value();
        const char* at = location_of(value);
        if (key == "tessera_project") {
            std::int64_t number = 0;
            if (const auto error = value.get_int64().get(number)) {
                if (error == simdjson::INCORRECT_TYPE || error == simdjson::NUMBER_ERROR)
                    json.fail(at, fmt::format("\"tessera_project\": expected the integer {}",
                                              kProjectFileVersion));
                json.fail_simdjson(at, error, "\"tessera_project\"");
            }
            if (number > kProjectFileVersion)
                json.fail(at, fmt::format("project file version {} is newer than this program "
                                          "supports ({}); use a newer tessera",
                                          number, kProjectFileVersion));
            if (number < 1)
                json.fail(at, fmt::format("\"tessera_project\" is {}, expected {}", number,
                                          kProjectFileVersion));
            version = number;
        } else if (key == "name") {
            result.settings.name = read_string(json, value, key);
            has_name = true;
        } else if (key == "database") {
            result.database = read_string(json, value, key);
            if (!is_plain_file_name(result.database))
                json.fail(at, fmt::format("\"database\" is \"{}\", expected a file name inside "
                                          "the project folder, such as \"{}\"",
                                          result.database, kDatabaseFileName));
        } else if (key == "synchronous") {
            const std::string level = upper(read_string(json, value, key));
            if (level != "FULL" && level != "EXTRA" && level != "NORMAL")
                json.fail(at, fmt::format("\"synchronous\" is \"{}\", expected \"FULL\", "
                                          "\"EXTRA\" or \"NORMAL\"",
                                          level));
            result.settings.synchronous = level;
        }
        // Unknown keys are skipped: newer programs may add settings.
    }
    // After the object, the document must be over: current_location() fails at its end.
    if (const char* trailing = nullptr; doc.current_location().get(trailing) == simdjson::SUCCESS)
        json.fail(trailing, "expected the end of the project file after its object");
    if (!version)
        json.fail(json.text().data(),
                  "expected \"tessera_project\": 1 (this is not a Tessera project file)");
    if (!has_name) json.fail(json.text().data(), "expected a \"name\"");
    return result;
}

void write_project_file(const std::filesystem::path& file, const ProjectFile& contents) {
    std::string text =
        fmt::format("{{\n  \"tessera_project\": {},\n  \"name\": ", kProjectFileVersion);
    formats::append_json_string(text, contents.settings.name);
    text += ",\n  \"database\": ";
    formats::append_json_string(text, contents.database);
    text += ",\n  \"synchronous\": ";
    formats::append_json_string(text, contents.settings.synchronous);
    text += "\n}\n";
    write_file_atomic(file, text);
}

}  // namespace tessera::store
