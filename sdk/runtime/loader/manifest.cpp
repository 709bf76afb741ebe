#include "loader/manifest.hpp"

#include <charconv>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/regular_file.hpp"

namespace tessera::plugins {
namespace {

namespace od = simdjson::ondemand;

// "MAJOR.MINOR" or "MAJOR.MINOR.REVISION", decimal without signs or spaces.
std::optional<tessera_version_t> parse_sdk_version(std::string_view text) {
    std::uint32_t parts[3] = {0, 0, 0};
    int count = 0;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    while (count < 3) {
        if (p == end || *p < '0' || *p > '9') return std::nullopt;
        const auto [next, error] = std::from_chars(p, end, parts[count]);
        if (error != std::errc()) return std::nullopt;
        ++count;
        p = next;
        if (p == end) break;
        if (*p != '.') return std::nullopt;
        ++p;
    }
    if (p != end || count < 2) return std::nullopt;
    return tessera_version_t{parts[0], parts[1], parts[2]};
}

// The library must stay inside the plugin folder: a plain file name.
bool is_plain_file_name(std::string_view name) {
    return !name.empty() && name != "." && name != ".." &&
           name.find_first_of("/\\") == std::string_view::npos &&
           name.find('\0') == std::string_view::npos;
}

}  // namespace

std::string_view to_string(Kind kind) {
    switch (kind) {
        case Kind::Builtin:
            return "builtin";
        case Kind::Native:
            return "native";
        case Kind::Lua:
            return "lua";
    }
    return "unknown";
}

bool is_valid_plugin_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!alnum(id.front())) return false;
    for (const char c : id)
        if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
    return true;
}

Manifest read_manifest(const std::filesystem::path& file) {
    // Checked on the opened file before a byte is read: a FIFO never blocks the host.
    const std::string text =
        RegularFile(file, file.parent_path()).read_all(kManifestMaxBytes, kManifestFileName);
    return parse_manifest(file, text);
}

Manifest parse_manifest(const std::filesystem::path& file, std::string_view text) {
    const JsonText json(file, text);
    od::parser parser;
    od::document doc;
    if (const auto error = parser.iterate(json.padded()).get(doc))
        json.fail_simdjson(nullptr, error, "plugin manifest");
    od::object object;
    if (const auto error = doc.get_object().get(object))
        json.fail_simdjson(location_of(doc), error, "plugin manifest: expected a JSON object");

    Manifest manifest;
    manifest.path = file;
    manifest.dir = file.parent_path();
    std::set<std::string, std::less<>> seen;
    bool has_kind = false;
    bool has_sdk_version = false;
    for (auto field_result : object) {
        od::field field;
        if (const auto error = std::move(field_result).get(field))
            json.fail_simdjson(location_of(doc), error, "plugin manifest");
        std::string_view key_view;
        if (const auto error = field.unescaped_key().get(key_view))
            json.fail_simdjson(location_of(doc), error, "plugin manifest: key");
        const std::string key(key_view);
        od::value value = field.value();
        const char* at = location_of(value);
        if (!seen.insert(key).second) json.fail(at, fmt::format("{}: appears twice", key));
        if (key == "id") {
            manifest.id = read_json_string(json, value, key);
            if (!is_valid_plugin_id(manifest.id))
                json.fail(at, fmt::format("id: \"{}\" is not a plugin id; expected lower-case "
                                          "letters, digits, '.', '_' and '-', such as "
                                          "\"com.example.rules\"",
                                          manifest.id));
        } else if (key == "name") {
            manifest.name = read_json_string(json, value, key);
        } else if (key == "version") {
            manifest.version = read_json_string(json, value, key);
        } else if (key == "sdk_version") {
            const std::string version = read_json_string(json, value, key);
            const auto parsed = parse_sdk_version(version);
            if (!parsed)
                json.fail(at, fmt::format("sdk_version: \"{}\" is not a version; expected "
                                          "\"MAJOR.MINOR\", such as \"{}.{}\"",
                                          version, TESSERA_VERSION_MAJOR, TESSERA_VERSION_MINOR));
            manifest.sdk_version = *parsed;
            has_sdk_version = true;
        } else if (key == "kind") {
            std::string_view kind;
            if (value.get_string().get(kind) != simdjson::SUCCESS ||
                (kind != "native" && kind != "lua"))
                json.fail(at, "kind: expected \"native\" or \"lua\"");
            manifest.kind = kind == "lua" ? Kind::Lua : Kind::Native;
            has_kind = true;
        } else if (key == "file") {
            manifest.file = read_json_string(json, value, key);
            if (!is_plain_file_name(manifest.file))
                json.fail(at, fmt::format("file: \"{}\" is not a plain file name; expected the "
                                          "name of a file inside the plugin folder",
                                          manifest.file));
        }
        // Unknown keys are skipped: newer manifests may add some.
    }
    if (const char* trailing = nullptr; doc.current_location().get(trailing) == simdjson::SUCCESS)
        json.fail(trailing, "expected the end of the manifest after its object");
    const char* start = json.text().data();
    if (manifest.id.empty()) json.fail(start, "expected an \"id\", such as \"com.example.rules\"");
    if (!has_sdk_version)
        json.fail(start, fmt::format("expected an \"sdk_version\", such as \"{}.{}\"",
                                     TESSERA_VERSION_MAJOR, TESSERA_VERSION_MINOR));
    if (!has_kind) json.fail(start, "expected a \"kind\": \"native\" or \"lua\"");
    if (manifest.file.empty())
        json.fail(start,
                  "expected a \"file\": the library or main Lua file inside the plugin folder");
    if (manifest.name.empty()) manifest.name = manifest.id;
    return manifest;
}

}  // namespace tessera::plugins
