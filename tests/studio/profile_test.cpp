// Studio profiles: every key read, key chords parsed, and a bad profile
// named with its position and what was expected.

#include <catch2/catch.hpp>

#include <tessera/ext/host_ui.h>
#include "core/error.hpp"

#include "studio/profile.hpp"

namespace {

using namespace tessera;
using Catch::Matchers::Contains;
using studio::parse_key_chord;
using studio::parse_profile;

TEST_CASE("profile: every key is read", "[studio][profile]") {
    const studio::Profile p = parse_profile("driving.json", R"({
      "tessera_profile": 1, "name": "Driving", "schema": "tessera.driving",
      "plugins": { "disable": ["tessera.heritage"] },
      "tools": ["select", "box"],
      "qa": { "rules": { "builtin.box-min-size": { "severity": "error" } } },
      "locale": "zh-CN", "theme": "light",
      "hotkeys": { "tool.box": "R", "label.car": "Shift+C", "submit": "Ctrl+S" },
      "layout": { "qa": [1000, 520, 280, 252] }
    })");
    CHECK(p.name == "Driving");
    CHECK(p.schema == "tessera.driving");
    CHECK(p.disabled_plugins.count("tessera.heritage") == 1);
    CHECK(p.offers_tool("box"));
    CHECK_FALSE(p.offers_tool("polygon"));
    CHECK(p.qa_rules.at("builtin.box-min-size").severity == qa::Severity::Error);
    CHECK(p.locale == "zh-CN");
    CHECK(p.theme == "light");
    CHECK(p.hotkeys.at("tool.box") == studio::KeyChord{.key = 'R'});
    CHECK(p.hotkeys.at("label.car") == studio::KeyChord{.key = 'C', .shift = true});
    CHECK(p.key_for("submit") == studio::KeyChord{.key = 'S', .ctrl = true});
    CHECK(p.key_for("undo") == studio::KeyChord{.key = 'Z', .ctrl = true});  // default
    CHECK(p.layout.at("qa")[2] == 280);
}

TEST_CASE("profile: the sample profiles load", "[studio][profile]") {
    for (const char* name : {"driving.json", "heritage.json"}) {
        INFO(name);
        const auto file = std::filesystem::path(TESSERA_SOURCE_DIR) / "samples/profiles" / name;
        CHECK_NOTHROW(studio::read_profile(file));
    }
}

TEST_CASE("profile: key chords", "[studio][profile]") {
    CHECK(parse_key_chord("Ctrl+Shift+Z") ==
          studio::KeyChord{.key = 'Z', .ctrl = true, .shift = true});
    CHECK(parse_key_chord("F12") == studio::KeyChord{.key = TESSERA_KEY_F1 + 11});
    CHECK(parse_key_chord("PageDown") == studio::KeyChord{.key = TESSERA_KEY_PAGE_DOWN});
    CHECK(parse_key_chord("1") == studio::KeyChord{.key = '1'});
    CHECK(parse_key_chord("b") == studio::KeyChord{.key = 'B'});
    CHECK_FALSE(parse_key_chord("F13"));
    CHECK_FALSE(parse_key_chord("Ctrl+"));
    CHECK_FALSE(parse_key_chord("Hyper+X"));
    CHECK(studio::to_string(*parse_key_chord("Ctrl+Shift+Z")) == "Ctrl+Shift+Z");
    CHECK(studio::to_string(*parse_key_chord("F1")) == "F1");
}

TEST_CASE("profile: errors name the file, the position and what was expected",
          "[studio][profile]") {
    const auto fails = [](std::string_view text, const std::string& expected) {
        INFO(text);
        CHECK_THROWS_WITH(parse_profile("p.json", text), Contains("p.json:") && Contains(expected));
    };
    fails(R"({"name": "x"})", "expected \"tessera_profile\": 1");
    fails(R"({"tessera_profile": 2})", "newer than this studio supports");
    fails(R"({"tessera_profile": 1, "colour": "red"})", "unknown key \"colour\"");
    fails(R"({"tessera_profile": 1, "locale": "fr"})", "expected \"en\" or \"zh-CN\"");
    fails(R"({"tessera_profile": 1, "theme": "neon"})",
          "expected \"dark\", \"light\" or \"classic\"");
    fails(R"({"tessera_profile": 1, "hotkeys": {"fly": "F"}})", "unknown action \"fly\"");
    fails(R"({"tessera_profile": 1, "hotkeys": {"undo": "Ctrl+"}})", "is not a key");
    fails(R"({"tessera_profile": 1, "layout": {"qa": [1, 2, 3]}})", "four numbers");
    fails(R"({"tessera_profile": 1, "tools": "box"})", "expected an array of strings");
    fails(R"({"tessera_profile": 1, "qa": {"rules": {"x": {"severity": "fatal"}}}})",
          "expected error, warning or info");
    fails(R"({"tessera_profile": 1,)", "p.json:1:");
}

}  // namespace
