// The status bar along the bottom of the window: progress (done = submitted
// + accepted, of all items), the open item and its state, the active tool and
// label, the open item's QA errors, the save state and the app's last message.
//
// "Saved" is always true once an edit returns: every edit batch is one durable
// store transaction. When the last message is an error (a refused edit, a
// failed undo) it replaces "Saved" in red. An edit the store refused stays
// "NOT SAVED" in red, with Retry and Discard, until one of them is pressed; a
// read-only project and other studios on the same project are said too.
//
// The per-state counts scan every item, so they are cached and recounted only
// when Session::revision() moves.

#include <cstdio>
#include <limits>
#include <string>

#include <imgui.h>

#include "studio/app.hpp"
#include "studio/i18n.hpp"
#include "studio/panels/panels.hpp"

namespace tessera::studio {
namespace {

class StatusBar final : public Panel {
public:
    [[nodiscard]] std::string id() const override { return "status"; }
    /// No title: the app draws the status bar without decoration (Placement::StatusBar).
    [[nodiscard]] const char* title_key() const override { return ""; }
    void draw(App& app) override;

private:
    std::uint64_t counted_revision_ = std::numeric_limits<std::uint64_t>::max();
    std::size_t done_ = 0;
};

/// The active tool in the UI language: "tool.<id>" when translated, else the
/// view's English name, else the id.
const char* tool_name(const App& app) {
    if (app.tool().empty()) return "-";
    const std::string key = "tool." + app.tool();
    const char* translated = tr(key);
    if (key != translated) return translated;
    if (const plugins::ViewRecord* view = app.view(); view != nullptr && view->view != nullptr) {
        for (std::uint32_t i = 0; i < view->view->tool_count; ++i) {
            const tessera_view_tool_t& tool = view->view->tools[i];
            if (tool.id != nullptr && tool.name != nullptr && app.tool() == tool.id)
                return tool.name;
        }
    }
    return app.tool().c_str();
}

void separator() {
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
}

void StatusBar::draw(App& app) {
    Session& session = app.session();
    if (session.revision() != counted_revision_) {
        counted_revision_ = session.revision();
        done_ = session.count(v1::ItemState::Submitted) + session.count(v1::ItemState::Accepted);
    }
    const std::size_t total = session.items().size();

    // Progress.
    char text[96];
    std::snprintf(text, sizeof text, "%llu / %llu", static_cast<unsigned long long>(done_),
                  static_cast<unsigned long long>(total));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(tr("status.progress"));
    ImGui::SameLine();
    const float fraction =
        total == 0 ? 0.0f
                   : static_cast<float>(static_cast<double>(done_) / static_cast<double>(total));
    ImGui::ProgressBar(fraction, ImVec2(120.0f, 0.0f), text);

    // The open item.
    separator();
    if (session.current() == 0) {
        ImGui::TextDisabled("%s", tr("status.no_item"));
    } else {
        ImGui::Text(tr("status.item"), static_cast<unsigned long long>(session.current()));
        ImGui::SameLine();
        ImGui::TextColored(state_color(session.state()), "%s", tr(state_key(session.state())));
        if (session.locked()) {
            ImGui::SameLine();
            ImGui::TextDisabled("(%s)", tr("status.locked"));
        }
    }

    // Tool and label.
    separator();
    ImGui::Text("%s: %s", tr("status.tool"), tool_name(app));
    separator();
    ImGui::Text("%s:", tr("status.label"));
    if (!app.label().empty()) {
        ImGui::SameLine();
        const float side = ImGui::GetTextLineHeight();
        ImGui::ColorButton("##label_color", rgba_color(app.label_color(app.label())),
                           ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoDragDrop,
                           ImVec2(side, side));
        ImGui::SameLine();
        ImGui::TextUnformatted(app.label_name(app.label()).c_str());
    } else {
        ImGui::SameLine();
        ImGui::TextUnformatted("-");
    }

    // QA errors of the open item.
    separator();
    const std::size_t errors = session.current() != 0 ? session.error_count() : 0;
    if (errors > 0)
        ImGui::TextColored(kErrorColor, tr("status.errors"),
                           static_cast<unsigned long long>(errors));
    else
        ImGui::TextDisabled(tr("status.errors"), 0ULL);

    // Save state and the last message.
    separator();
    if (session.read_only()) {
        ImGui::TextColored(kErrorColor, "%s", tr("status.read_only"));
        separator();
    }
    if (const auto& others = app.other_sessions(); !others.empty()) {
        std::string names;
        for (const std::string& other : others) names += (names.empty() ? "" : ", ") + other;
        ImGui::TextColored(ImVec4(0.95f, 0.75f, 0.20f, 1.0f), tr("status.also_open"),
                           names.c_str());
        separator();
    }
    if (const auto& unsaved = session.unsaved()) {
        // The buttons first: a long reason runs off the right edge, not them.
        const bool retry = ImGui::SmallButton(tr("status.retry"));
        app.name_widget("status.retry");
        ImGui::SameLine();
        const bool discard = ImGui::SmallButton(tr("status.discard"));
        app.name_widget("status.discard");
        ImGui::SameLine();
        ImGui::TextColored(kErrorColor, tr("status.unsaved"), unsaved->reason.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", unsaved->reason.c_str());
        if (retry) app.retry_unsaved();
        if (discard) app.discard_unsaved();
    } else if (app.last_message_is_error()) {
        ImGui::TextColored(kErrorColor, "%s", app.last_message().c_str());
    } else {
        ImGui::TextColored(ImVec4(0.40f, 0.90f, 0.45f, 1.0f), "%s", tr("status.saved"));
        // App::apply reports "Saved" itself: not twice.
        if (!app.last_message().empty() && app.last_message() != tr("status.saved")) {
            separator();
            ImGui::TextUnformatted(app.last_message().c_str());
        }
    }
}

}  // namespace

std::unique_ptr<Panel> make_status_bar() {
    return std::make_unique<StatusBar>();
}

}  // namespace tessera::studio
