#pragma once
// The studio's layout: where each panel goes, as fractions of the work area
// (the window between the main menu bar and the status bar), so the layout
// follows the window's size. The defaults come from the table of panels
// (panels/panels.hpp), then the profile's "layout"; a panel the user moves or
// resizes is saved per user and profile in SavedLayout, until View → Reset layout.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace tessera::studio {

/// A panel's place: x, y, width and height as fractions (0..1) of the work area.
struct LayoutRect {
    float x = 0.0f;
    float y = 0.0f;
    float width = 0.0f;
    float height = 0.0f;
    friend bool operator==(const LayoutRect&, const LayoutRect&) = default;
};

/// How the app places a panel.
enum class Placement {
    Free,       ///< at its LayoutRect; the user may move and resize it (saved)
    Centered,   ///< centred in the window each time it appears, LayoutRect's size
    StatusBar,  ///< the strip along the bottom, kStatusBarHeight high, not movable
};

/// Height of the status bar along the bottom, pixels.
inline constexpr float kStatusBarHeight = 28.0f;

/// The panels the user moved or resized, by panel id. Saved as text, one
/// line per panel: "ID X Y WIDTH HEIGHT" in LayoutRect fractions, after a
/// first line "tessera-studio-layout 1".
class SavedLayout {
public:
    /// Reads `file` when it exists (an unreadable or malformed line is
    /// skipped with a warning on stderr); an empty path keeps nothing on disk.
    explicit SavedLayout(std::filesystem::path file = {});

    /// The user's layout file for `profile` (a profile file, or empty for
    /// none): $XDG_CONFIG_HOME/tessera/studio/layouts/NAME.layout, else under
    /// ~/.config; NAME is the profile file's stem, or "default". Empty when
    /// neither XDG_CONFIG_HOME nor HOME is set.
    [[nodiscard]] static std::filesystem::path file_for(const std::filesystem::path& profile);

    [[nodiscard]] const std::filesystem::path& file() const { return file_; }
    /// The saved place of panel `id`, or nullptr.
    [[nodiscard]] const LayoutRect* find(std::string_view id) const;
    void set(const std::string& id, LayoutRect rect);
    /// Writes the file (atomically: a temporary file renamed); throws Error.
    void save() const;
    /// Forgets every saved place and deletes the file.
    void clear();

    /// The file's text for `rects`, and the rects of a file's text (tests).
    [[nodiscard]] static std::string format(
        const std::map<std::string, LayoutRect, std::less<>>& rects);
    [[nodiscard]] static std::map<std::string, LayoutRect, std::less<>> parse(
        std::string_view text, const std::string& name);

private:
    std::filesystem::path file_;
    std::map<std::string, LayoutRect, std::less<>> rects_;
};

}  // namespace tessera::studio
