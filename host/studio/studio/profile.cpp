#include "studio/profile.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/key_names.hpp"
#include "store/project_file.hpp"

namespace tessera::studio {
namespace {

namespace od = simdjson::ondemand;

constexpr int kProfileVersion = 1;

std::vector<std::string> string_list(const JsonText& json, od::value& value,
                                     std::string_view path) {
    od::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS)
        json.fail(location_of(value), fmt::format("{}: expected an array of strings", path));
    std::vector<std::string> result;
    for (auto element : array) {
        od::value item;
        if (const auto error = std::move(element).get(item))
            json.fail_simdjson(location_of(value), error, path);
        result.push_back(read_json_string(json, item, path));
    }
    return result;
}

PanelRect read_rect(const JsonText& json, od::value& value, std::string_view path) {
    const char* at = location_of(value);
    od::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS)
        json.fail(at, fmt::format("{}: expected [x, y, width, height]", path));
    PanelRect rect{};
    std::size_t n = 0;
    for (auto element : array) {
        double number = 0;
        if (std::move(element).get_double().get(number) != simdjson::SUCCESS ||
            !std::isfinite(number) || n >= 4)
            json.fail(at, fmt::format("{}: expected [x, y, width, height], four numbers", path));
        rect[n++] = static_cast<float>(number);
    }
    if (n != 4)
        json.fail(at, fmt::format("{}: expected [x, y, width, height], four numbers", path));
    if (rect[2] <= 0 || rect[3] <= 0)
        json.fail(at, fmt::format("{}: width and height must be > 0", path));
    return rect;
}

bool known_action(std::string_view id) {
    return std::any_of(kActions.begin(), kActions.end(),
                       [&](const Action& a) { return a.id == id; });
}

Profile parse(const JsonText& json) {
    od::parser parser;
    od::document doc;
    if (const auto error = parser.iterate(json.padded()).get(doc))
        json.fail_simdjson(nullptr, error, "profile");
    od::object object;
    if (doc.get_object().get(object) != simdjson::SUCCESS)
        json.fail(json.text().data(), "profile: expected a JSON object");

    Profile profile;
    bool has_version = false;
    for_each_json_field(
        json, object, json.text().data(), "profile", [&](const std::string& key, od::value& value) {
            const char* at = location_of(value);
            if (key == "tessera_profile") {
                std::int64_t version = 0;
                if (value.get_int64().get(version) != simdjson::SUCCESS || version < 1)
                    json.fail(at, fmt::format("\"tessera_profile\": expected the integer {}",
                                              kProfileVersion));
                if (version > kProfileVersion)
                    json.fail(at, fmt::format(
                                      "profile version {} is newer than this studio supports ({})",
                                      version, kProfileVersion));
                has_version = true;
            } else if (key == "name") {
                profile.name = read_json_string(json, value, key);
            } else if (key == "schema") {
                profile.schema = read_json_string(json, value, key);
            } else if (key == "plugins") {
                od::object plugins = read_json_object(json, value, key);
                for_each_json_field(
                    json, plugins, at, key, [&](const std::string& field, od::value& list) {
                        if (field != "disable")
                            json.fail(location_of(list),
                                      "plugins: unknown key, expected \"disable\"");
                        for (std::string& id : string_list(json, list, "plugins.disable"))
                            profile.disabled_plugins.insert(std::move(id));
                    });
            } else if (key == "tools") {
                profile.tools = string_list(json, value, key);
            } else if (key == "qa") {
                store::read_qa_section(json, value, profile.qa_rules);
            } else if (key == "locale") {
                profile.locale = read_json_string(json, value, key);
                if (profile.locale != "en" && profile.locale != "zh-CN")
                    json.fail(at, fmt::format("locale \"{}\": expected \"en\" or \"zh-CN\"",
                                              profile.locale));
            } else if (key == "theme") {
                profile.theme = read_json_string(json, value, key);
                if (profile.theme != "dark" && profile.theme != "light" &&
                    profile.theme != "classic")
                    json.fail(
                        at, fmt::format("theme \"{}\": expected \"dark\", \"light\" or \"classic\"",
                                        profile.theme));
            } else if (key == "hotkeys") {
                od::object keys = read_json_object(json, value, key);
                for_each_json_field(
                    json, keys, at, key, [&](const std::string& action, od::value& chord_value) {
                        const char* chord_at = location_of(chord_value);
                        if (!known_action(action) && !action.starts_with("tool.") &&
                            !action.starts_with("label."))
                            json.fail(
                                chord_at,
                                fmt::format(
                                    "hotkeys: unknown action \"{}\", expected one of undo, redo, "
                                    "submit, next_item, previous_item, accept, reject, shortcuts, "
                                    "tool.ID or label.KEY",
                                    action));
                        const std::string text =
                            read_json_string(json, chord_value, "hotkeys." + action);
                        const auto chord = parse_key_chord(text);
                        if (!chord)
                            json.fail(
                                chord_at,
                                fmt::format(
                                    "hotkeys.{}: \"{}\" is not a key (examples: \"B\", \"Ctrl+S\", "
                                    "\"Shift+F2\", \"PageDown\")",
                                    action, text));
                        profile.hotkeys[action] = *chord;
                    });
            } else if (key == "layout") {
                od::object panels = read_json_object(json, value, key);
                for_each_json_field(
                    json, panels, at, key, [&](const std::string& panel, od::value& rect) {
                        profile.layout[panel] = read_rect(json, rect, "layout." + panel);
                    });
            } else {
                json.fail(at, fmt::format("unknown key \"{}\", expected tessera_profile, name, "
                                          "schema, plugins, tools, "
                                          "qa, locale, theme, hotkeys or layout",
                                          key));
            }
        });
    if (!has_version)
        json.fail(json.text().data(),
                  "expected \"tessera_profile\": 1 (this is not a studio profile)");
    return profile;
}

}  // namespace

std::optional<KeyChord> parse_key_chord(std::string_view text) {
    KeyChord chord;
    for (;;) {
        if (text.starts_with("Ctrl+")) {
            chord.ctrl = true;
            text.remove_prefix(5);
        } else if (text.starts_with("Shift+")) {
            chord.shift = true;
            text.remove_prefix(6);
        } else if (text.starts_with("Alt+")) {
            chord.alt = true;
            text.remove_prefix(4);
        } else {
            break;
        }
    }
    chord.key = key_code(text);
    if (chord.key != 0) return chord;
    return std::nullopt;
}

std::string to_string(const KeyChord& chord) {
    std::string text = fmt::format("{}{}{}", chord.ctrl ? "Ctrl+" : "", chord.shift ? "Shift+" : "",
                                   chord.alt ? "Alt+" : "");
    return text + key_name(chord.key);
}

KeyChord Profile::key_for(std::string_view action) const {
    if (const auto found = hotkeys.find(action); found != hotkeys.end()) return found->second;
    for (const Action& a : kActions)
        if (a.id == action) return parse_key_chord(a.default_key).value_or(KeyChord{});
    return {};
}

bool Profile::offers_tool(std::string_view id) const {
    return tools.empty() || std::find(tools.begin(), tools.end(), id) != tools.end();
}

Profile read_profile(const std::filesystem::path& file) {
    return parse(JsonText(file));
}

Profile parse_profile(const std::filesystem::path& file, std::string_view text) {
    return parse(JsonText(file, text));
}

}  // namespace tessera::studio
