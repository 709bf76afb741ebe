#pragma once
// The studio application: a window, a Session on one project, the plugins
// (views, schemas, rules), the canvas where the item's view draws, and the
// panels around it. A customized host builds an App, adds panels, and runs it:
//
//   tessera::studio::App app({.project = dir});
//   app.add_panel(std::make_unique<MyPanel>(), {0.78f, 0.8f, 0.22f, 0.2f});
//   return app.run();
//
// The App owns the frame: it places every panel from one layout table
// (panels/panels.hpp; fractions of the window, so the layout follows its
// size), begins and ends each panel's window, and carries requests between
// panels (request()). The user's moves are saved per user (layout.hpp).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loader/loader.hpp"
#include "qa/engine.hpp"
#include "studio/canvas.hpp"
#include "studio/layout.hpp"
#include "studio/panel.hpp"
#include "studio/presence.hpp"
#include "studio/profile.hpp"
#include "studio/project_qa.hpp"
#include "studio/session.hpp"
#include "studio/window.hpp"

namespace tessera::studio {

class Script;

struct AppOptions {
    /// The project folder to open.
    std::filesystem::path project;
    /// Who edits (provenance and review records); default: $USER, else "annotator".
    std::string author;
    /// "en" or "zh-CN"; empty = the profile's, else "en".
    std::string locale;
    /// A studio profile (studio/profile.hpp), or empty for the defaults.
    std::filesystem::path profile;
    /// A Lua file driving a scripted session (tests), or empty.
    std::filesystem::path script;
    WindowOptions window;
};

class App {
public:
    /// Opens the window and the project and loads the plugins; throws Error
    /// when the project cannot be opened or no window can be made.
    explicit App(AppOptions options);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    /// Runs until the window closes (or the script quits); returns the exit code.
    int run();
    /// Ends run() after this frame with `code`.
    void quit(int code);

    /// Adds a panel, drawn every frame after the built-in ones, by default
    /// at `place` (fractions of the work area; a profile's "layout" entry for
    /// its id and the user's saved layout come first).
    void add_panel(std::unique_ptr<Panel> panel, LayoutRect place = {0.3f, 0.3f, 0.25f, 0.25f},
                   Placement placement = Placement::Free);
    /// Asks the panel `id` for something (a Request); delivered before the
    /// panel is drawn, this frame when it has not been drawn yet, else the next.
    void request(std::string_view id, Request request);
    /// Whether the closable panel `id` is open (the shortcut sheet, view options).
    [[nodiscard]] bool panel_open(std::string_view id) const;
    /// Puts every panel back at its default place (View → Reset layout) and
    /// forgets the user's saved layout.
    void reset_layout();

    [[nodiscard]] Session& session() { return *session_; }
    [[nodiscard]] Window& window() { return *window_; }
    [[nodiscard]] Canvas& canvas() { return *canvas_; }
    [[nodiscard]] const plugins::PluginHost& plugins() const { return *plugins_; }
    [[nodiscard]] const AppOptions& options() const { return options_; }
    [[nodiscard]] const Profile& profile() const { return profile_; }

    /// Whether `chord` went down this frame with exactly its modifiers.
    [[nodiscard]] static bool pressed(const KeyChord& chord);
    /// The key of a tool of the view: the profile's "tool.ID", else the view's own.
    [[nodiscard]] KeyChord tool_key(const tessera_view_tool_t& tool) const;
    /// The key of a schema class: the profile's "label.KEY", else the schema's hotkey.
    [[nodiscard]] KeyChord label_key(std::string_view label) const;

    /// Names the widget just drawn (ImGui's last item), so that scripted
    /// sessions can find it on the screen: "attribute.occlusion",
    /// "attribute.occlusion=partial". Names last one frame; kept only while a
    /// script runs.
    void name_widget(std::string name);
    /// Where the widget `name` was in the last frame, or nullopt.
    struct ScreenRect {
        ImVec2 min, max;
    };
    [[nodiscard]] std::optional<ScreenRect> widget(std::string_view name) const;
    /// Where the window of panel `id` was in the last frame (expanded and
    /// shown), or nullopt.
    [[nodiscard]] std::optional<ScreenRect> panel_rect(std::string_view id) const;
    // --- What the annotator works with ----------------------------------------

    /// Opens `item` in the session and in its view.
    void open_item(ItemId item);
    /// Opens the next / previous item of the list (wrapping at the ends);
    /// in review mode, the next / previous submitted item.
    void step_item(int direction);
    /// The active tool id (one of the view's tools) and label key.
    [[nodiscard]] const std::string& tool() const { return tool_; }
    void set_tool(std::string_view tool);
    [[nodiscard]] const std::string& label() const { return label_; }
    void set_label(std::string_view label);
    /// The view showing the open item, or nullptr when no plugin shows its kind.
    [[nodiscard]] const plugins::ViewRecord* view() const { return view_; }
    /// A name of the schema class `label` in the UI language (its key when it has none).
    [[nodiscard]] std::string label_name(std::string_view label) const;
    /// 0xRRGGBBAA colour of the schema class `label`.
    [[nodiscard]] std::uint32_t label_color(std::string_view label) const;

    /// Applies an edit batch through the session, reporting a refusal in the
    /// status bar instead of throwing; true when it was applied.
    bool apply(const Bytes& edit_batch);
    /// Replaces an annotation of the open item (same id) with `annotation`,
    /// stamped as modified now: one UpdateAnnotation through apply(). What the
    /// attribute editor commits.
    bool update_annotation(v1::AnnotationT annotation, std::string_view comment);
    /// Undo / redo with the result in the status bar.
    void undo();
    void redo();
    /// Stores the edit the store refused again (Ctrl+S); the status bar says how it went.
    void retry_unsaved();
    /// Drops the refused edit; the item shows what is stored.
    void discard_unsaved();
    /// The other studios that have the project open ("alice (pid 42 on host)").
    [[nodiscard]] const std::vector<std::string>& other_sessions() { return presence_->others(); }
    /// Submits the open item; when error findings block it, says so and shows the QA panel.
    bool submit();

    /// QA of every item of the project, run in the background with the live
    /// QA's rules; started at the first call.
    [[nodiscard]] ProjectQa& project_qa();

    /// Review mode: inspectors walk submitted items and accept or reject them.
    [[nodiscard]] bool review_mode() const { return review_mode_; }
    void set_review_mode(bool on);

    /// One line for the status bar (errors stay until the next message).
    void message(std::string text, bool error = false);
    [[nodiscard]] const std::string& last_message() const { return message_; }
    [[nodiscard]] bool last_message_is_error() const { return message_is_error_; }

    /// Wall time of each frame (from polling input to presenting) since the
    /// last reset, in ms, while a script runs (benchmarks).
    std::vector<double> frame_times;

private:
    /// A panel and where it goes: one row of the layout table.
    struct PanelSlot {
        std::unique_ptr<Panel> panel;
        std::string id;
        LayoutRect place;
        Placement placement = Placement::Free;
        bool open = false;      // closable panels: shown while open
        bool was_open = false;  // open in the last frame
        /// The work area and the pixel rectangle of the last placement; the
        /// panel is placed again when the area changes (a resized window).
        ImVec4 placed_area{-1.0f, -1.0f, -1.0f, -1.0f};
        ImVec4 placed{};
        std::optional<ScreenRect> shown;  // its window in the last frame
    };
    struct PendingRequest {
        std::string panel;
        Request request;
    };

    std::map<std::string, ScreenRect, std::less<>> widgets_;  // named this frame

    void frame();
    void shortcuts();
    void draw_panels();
    void draw_panel(PanelSlot& slot, const ImVec4& area);
    /// The pixel rectangle {x, y, width, height} of `slot` in `area`.
    [[nodiscard]] ImVec4 place_of(const PanelSlot& slot, const ImVec4& area) const;
    /// Follows the user's moves of `slot`'s window (inside its Begin).
    void track_user_layout(PanelSlot& slot, const ImVec4& area);
    void refresh_view();
    void build_rules();

    AppOptions options_;
    Profile profile_;
    std::unique_ptr<Window> window_;
    std::unique_ptr<Session> session_;
    std::unique_ptr<Presence> presence_;
    std::unique_ptr<Canvas> canvas_;
    std::unique_ptr<plugins::PluginHost> plugins_;
    std::unique_ptr<qa::RuleSet> rules_;
    qa::RuleSettings rule_settings_;  // what rules_ was built from
    std::vector<std::string> default_plugins_;
    std::unique_ptr<ProjectQa> project_qa_;
    std::vector<PanelSlot> panels_;
    std::vector<PendingRequest> requests_;
    SavedLayout saved_layout_;
    bool layout_dirty_ = false;  // the user moved a panel; saved once the mouse is up
    std::unique_ptr<Script> script_;
    const plugins::ViewRecord* view_ = nullptr;
    std::uint64_t view_revision_ = 0;
    ItemId shown_item_ = 0;  // the item the view shows
    std::string tool_;
    std::string label_;
    bool review_mode_ = false;
    std::string message_;
    bool message_is_error_ = false;
    std::optional<int> exit_code_;
};

}  // namespace tessera::studio
