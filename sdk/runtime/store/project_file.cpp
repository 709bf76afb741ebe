#include "store/project_file.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/json_text.hpp"

namespace tessera::store {
namespace {

namespace od = simdjson::ondemand;

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

// A rule parameter as text: numbers as written, strings unquoted, booleans as "true"/"false".
std::string read_param(const JsonText& json, od::value& value, std::string_view path) {
    const char* at = location_of(value);
    od::json_type type;
    if (const auto error = value.type().get(type)) json.fail_simdjson(at, error, path);
    switch (type) {
        case od::json_type::string:
            return read_json_string(json, value, path);
        case od::json_type::boolean: {
            bool flag = false;
            if (const auto error = value.get_bool().get(flag)) json.fail_simdjson(at, error, path);
            return flag ? "true" : "false";
        }
        case od::json_type::number: {
            std::string_view token = value.raw_json_token();
            while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
                token.remove_suffix(1);
            return std::string(token);
        }
        default:
            json.fail(at, fmt::format("{}: expected a number, a string or a boolean", path));
    }
}

RuleSetting read_rule_setting(const JsonText& json, od::value& value, std::string_view path) {
    RuleSetting setting;
    const char* at = location_of(value);
    od::object object = read_json_object(json, value, path);
    for_each_json_field(json, object, at, path, [&](const std::string& key, od::value& field) {
        const std::string field_path = fmt::format("{}.{}", path, key);
        const char* field_at = location_of(field);
        if (key == "enabled") {
            bool enabled = false;
            if (const auto error = field.get_bool().get(enabled)) {
                if (error == simdjson::INCORRECT_TYPE)
                    json.fail(field_at, fmt::format("{}: expected true or false", field_path));
                json.fail_simdjson(field_at, error, field_path);
            }
            setting.enabled = enabled;
        } else if (key == "severity") {
            std::string_view text;
            if (field.get_string().get(text) != simdjson::SUCCESS) text = "?";
            if (text == "error")
                setting.severity = v1::Severity::Error;
            else if (text == "warning")
                setting.severity = v1::Severity::Warning;
            else if (text == "info")
                setting.severity = v1::Severity::Info;
            else
                json.fail(field_at, fmt::format("{}: expected error, warning or info", field_path));
        } else if (key == "params") {
            od::object params = read_json_object(json, field, field_path);
            for_each_json_field(
                json, params, field_at, field_path, [&](const std::string& name, od::value& param) {
                    setting.params[name] =
                        read_param(json, param, fmt::format("{}.{}", field_path, name));
                });
        } else {
            json.fail(field_at, fmt::format("{}: unknown key, expected enabled, severity or params",
                                            field_path));
        }
    });
    return setting;
}

}  // namespace

void read_qa_section(const JsonText& json, od::value& value, RuleSettings& rules) {
    const char* at = location_of(value);
    od::object object = read_json_object(json, value, "qa");
    for_each_json_field(json, object, at, "qa", [&](const std::string& key, od::value& field) {
        if (key != "rules") return;
        const char* rules_at = location_of(field);
        od::object by_rule = read_json_object(json, field, "qa.rules");
        for_each_json_field(
            json, by_rule, rules_at, "qa.rules", [&](const std::string& rule, od::value& setting) {
                if (rule.empty())
                    json.fail(location_of(setting), "qa.rules: expected a rule id, found \"\"");
                rules[rule] = read_rule_setting(json, setting, "qa.rules." + rule);
            });
    });
}

// A parameter written back: numbers and booleans bare, everything else as a string.
namespace {

void append_param(std::string& out, std::string_view text) {
    const bool bare =
        text == "true" || text == "false" ||
        (!text.empty() && (text[0] == '-' || (text[0] >= '0' && text[0] <= '9')) && is_json(text));
    if (bare)
        out += text;
    else
        append_json_string(out, text);
}

LuaLimitSettings read_lua_section(const JsonText& json, od::value& value) {
    LuaLimitSettings limits;
    const char* at = location_of(value);
    od::object object = read_json_object(json, value, "lua");
    for_each_json_field(json, object, at, "lua", [&](const std::string& key, od::value& field) {
        const char* field_at = location_of(field);
        std::optional<std::uint64_t>* setting = nullptr;
        std::uint64_t bound = 0;
        if (key == "instructions")
            setting = &limits.instructions, bound = kLuaLimitBounds.instructions;
        else if (key == "time_ms")
            setting = &limits.time_ms, bound = kLuaLimitBounds.time_ms;
        else if (key == "memory_mib")
            setting = &limits.memory_mib, bound = kLuaLimitBounds.memory_mib;
        else if (key == "host_mib")
            setting = &limits.host_mib, bound = kLuaLimitBounds.host_mib;
        else
            json.fail(field_at, fmt::format("lua: unknown setting \"{}\" (expected instructions, "
                                            "time_ms, memory_mib or host_mib)",
                                            key));
        std::uint64_t number = 0;
        if (field.get_uint64().get(number) != simdjson::SUCCESS || number == 0 || number > bound)
            json.fail(field_at,
                      fmt::format("lua.{}: expected an integer from 1 to {}", key, bound));
        *setting = number;
    });
    return limits;
}

void append_lua(std::string& out, const LuaLimitSettings& limits) {
    out += ",\n  \"lua\": {";
    const char* separator = " ";
    for (const auto& [name, value] : {std::pair{"instructions", limits.instructions},
                                      {"time_ms", limits.time_ms},
                                      {"memory_mib", limits.memory_mib},
                                      {"host_mib", limits.host_mib}}) {
        if (!value) continue;
        out += fmt::format("{}\"{}\": {}", separator, name, *value);
        separator = ", ";
    }
    out += " }";
}

void append_qa(std::string& out, const RuleSettings& rules) {
    out += ",\n  \"qa\": {\n    \"rules\": {";
    bool first_rule = true;
    for (const auto& [id, setting] : rules) {
        out += first_rule ? "\n      " : ",\n      ";
        first_rule = false;
        append_json_string(out, id);
        out += ": {";
        const char* separator = " ";
        if (setting.enabled) {
            out += fmt::format("{}\"enabled\": {}", separator, *setting.enabled);
            separator = ", ";
        }
        if (setting.severity) {
            const char* name = *setting.severity == v1::Severity::Error     ? "error"
                               : *setting.severity == v1::Severity::Warning ? "warning"
                                                                            : "info";
            out += fmt::format("{}\"severity\": \"{}\"", separator, name);
            separator = ", ";
        }
        if (!setting.params.empty()) {
            out += separator;
            out += "\"params\": {";
            const char* param_separator = " ";
            for (const auto& [key, text] : setting.params) {
                out += param_separator;
                param_separator = ", ";
                append_json_string(out, key);
                out += ": ";
                append_param(out, text);
            }
            out += " }";
        }
        out += " }";
    }
    out += "\n    }\n  }";
}

ProjectFile parse(const JsonText& json) {
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
            result.settings.name = read_json_string(json, value, key);
            has_name = true;
        } else if (key == "database") {
            result.database = read_json_string(json, value, key);
            if (!is_plain_file_name(result.database))
                json.fail(at, fmt::format("\"database\" is \"{}\", expected a file name inside "
                                          "the project folder, such as \"{}\"",
                                          result.database, kDatabaseFileName));
        } else if (key == "synchronous") {
            const std::string level = upper(read_json_string(json, value, key));
            if (level != "FULL" && level != "EXTRA" && level != "NORMAL")
                json.fail(at, fmt::format("\"synchronous\" is \"{}\", expected \"FULL\", "
                                          "\"EXTRA\" or \"NORMAL\"",
                                          level));
            result.settings.synchronous = level;
        } else if (key == "schema") {
            result.schema = read_json_string(json, value, key);
        } else if (key == "qa") {
            read_qa_section(json, value, result.qa_rules);
        } else if (key == "lua") {
            result.lua = read_lua_section(json, value);
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

}  // namespace

ProjectFile read_project_file(const std::filesystem::path& file) {
    return parse(JsonText(file));
}

ProjectFile parse_project_file(const std::filesystem::path& file, std::string_view text) {
    return parse(JsonText(file, text));
}

void write_project_file(const std::filesystem::path& file, const ProjectFile& contents) {
    std::string text =
        fmt::format("{{\n  \"tessera_project\": {},\n  \"name\": ", kProjectFileVersion);
    append_json_string(text, contents.settings.name);
    text += ",\n  \"database\": ";
    append_json_string(text, contents.database);
    text += ",\n  \"synchronous\": ";
    append_json_string(text, contents.settings.synchronous);
    if (!contents.schema.empty()) {
        text += ",\n  \"schema\": ";
        append_json_string(text, contents.schema);
    }
    if (!contents.qa_rules.empty()) append_qa(text, contents.qa_rules);
    if (!contents.lua.empty()) append_lua(text, contents.lua);
    text += "\n}\n";
    write_file_atomic(file, text);
}

}  // namespace tessera::store
