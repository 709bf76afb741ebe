#pragma once
// A studio profile: one customer's host without a line of code.
// `tessera-studio --profile FILE PROJECT` reads a JSON file such as
//
//   {
//     "tessera_profile": 1,
//     "name": "Autonomous driving — annotators",
//     "schema": "tessera.driving",
//     "plugins": { "disable": ["tessera.heritage"] },
//     "tools": ["select", "box", "polygon"],
//     "qa": { "rules": { "builtin.box-min-size": { "severity": "error" } } },
//     "locale": "zh-CN",
//     "theme": "light",
//     "hotkeys": { "tool.box": "R", "label.car": "C", "submit": "Ctrl+S" },
//     "layout": { "items": [0, 20, 300, 752], "qa": [1000, 520, 280, 252] }
//   }
//
// "tessera_profile" (required) is the format version. "schema" is the label
// schema the profile is made for: opening a project with another schema is
// refused. "plugins"."disable" lists plugin ids not to load. "tools" lists the
// view tools offered (all when absent). "qa" overrides the project file's rule
// settings, rule by rule, in the same format. "locale" is "en" or "zh-CN";
// "theme" "dark", "light" or "classic". "hotkeys" rebinds actions (see
// kActions) and chooses keys for tools ("tool.ID") and labels ("label.KEY"):
// a key is a letter, digit, F1-F12, Enter, Escape, Delete, PageUp, PageDown,
// ... with optional "Ctrl+", "Shift+" and "Alt+" in front. "layout" places
// panels by id ("items", "labels", "attributes", "qa", "review",
// "view_options", "canvas") as [x, y, width, height] in pixels of a
// 1280 x 800 window, scaled to the window's size; these replace the studio's
// defaults, and a panel the user moves is saved per user on top of them
// (studio/layout.hpp). Every key is
// optional except "tessera_profile"; unknown keys are refused as typos.

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "qa/rule.hpp"

namespace tessera::studio {

/// A key with modifiers, e.g. Ctrl+Shift+Z.
struct KeyChord {
    int key = 0;  ///< TESSERA_KEY_* or an upper-case ASCII code; 0 = none
    bool ctrl = false;
    bool shift = false;
    bool alt = false;
    friend bool operator==(const KeyChord&, const KeyChord&) = default;
};

/// Parses "Ctrl+Shift+Z", "F1", "PageDown", "1"; nullopt when it is not a key.
[[nodiscard]] std::optional<KeyChord> parse_key_chord(std::string_view text);
/// "Ctrl+Shift+Z" for display.
[[nodiscard]] std::string to_string(const KeyChord& chord);

/// Actions with a rebindable hotkey, and their defaults (Ctrl+Y also redoes).
struct Action {
    std::string_view id;
    std::string_view default_key;
};
inline constexpr std::array<Action, 11> kActions{{
    {"undo", "Ctrl+Z"},
    {"redo", "Ctrl+Shift+Z"},
    {"retry_save", "Ctrl+S"},
    {"discard_unsaved", "Ctrl+Shift+D"},
    {"submit", "Ctrl+Enter"},
    {"next_item", "PageDown"},
    {"previous_item", "PageUp"},
    {"accept", "A"},
    {"reject", "R"},
    {"shortcuts", "F1"},
    {"view_options", "F2"},
}};

/// A panel's place: [x, y, width, height].
using PanelRect = std::array<float, 4>;

struct Profile {
    std::string name;
    /// The schema id the profile is for; empty = any.
    std::string schema;
    std::set<std::string, std::less<>> disabled_plugins;
    /// Tool ids offered; empty = every tool of the view.
    std::vector<std::string> tools;
    /// Overrides of the project's QA rule settings.
    qa::RuleSettings qa_rules;
    /// "" = the command line's or the default.
    std::string locale;
    /// "dark", "light" or "classic".
    std::string theme = "dark";
    /// Action, "tool.ID" or "label.KEY" → key.
    std::map<std::string, KeyChord, std::less<>> hotkeys;
    std::map<std::string, PanelRect, std::less<>> layout;

    /// The key of `action` (one of kActions): the profile's, else its default.
    [[nodiscard]] KeyChord key_for(std::string_view action) const;
    /// Whether the tool `id` is offered.
    [[nodiscard]] bool offers_tool(std::string_view id) const;
};

/// Reads a profile; throws Error "FILE:LINE:COL: ..." when it is invalid.
[[nodiscard]] Profile read_profile(const std::filesystem::path& file);
/// Same for `text` (tests); `file` names it in messages.
[[nodiscard]] Profile parse_profile(const std::filesystem::path& file, std::string_view text);

}  // namespace tessera::studio
