// The QA panel: the live findings of the open item, worst first as the
// session orders them (by rule). Each row shows the severity (a coloured dot
// and its name), the rule id, the message and the suggested fix; a click
// selects the first annotation the finding is about. A blocked submit
// requests Request::Focus, which brings this window to the front.

#include <string>

#include <imgui.h>

#include "studio/app.hpp"
#include "studio/i18n.hpp"
#include "studio/panels/panels.hpp"

namespace tessera::studio {
namespace {

ImVec4 severity_color(qa::Severity severity) {
    switch (severity) {
        case qa::Severity::Error:
            return kErrorColor;
        case qa::Severity::Warning:
            return {1.00f, 0.75f, 0.25f, 1.0f};
        case qa::Severity::Info:
            return {0.45f, 0.70f, 1.00f, 1.0f};
    }
    return {1.0f, 1.0f, 1.0f, 1.0f};
}

const char* severity_key(qa::Severity severity) {
    switch (severity) {
        case qa::Severity::Error:
            return "qa.error";
        case qa::Severity::Warning:
            return "qa.warning";
        case qa::Severity::Info:
            return "qa.info";
    }
    return "qa.info";
}

/// A filled dot in the severity's colour, one text line high (the UI font
/// may have no symbol glyphs).
void severity_dot(qa::Severity severity) {
    const float size = ImGui::GetTextLineHeight();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(at.x + size * 0.5f, at.y + size * 0.5f),
                                                size * 0.32f,
                                                ImGui::GetColorU32(severity_color(severity)));
    ImGui::Dummy(ImVec2(size, size));
}

class QaPanel final : public Panel {
public:
    [[nodiscard]] std::string id() const override { return std::string(kQaPanel); }
    [[nodiscard]] const char* title_key() const override { return "panel.qa"; }
    /// The error count, so it shows even when the window is collapsed.
    [[nodiscard]] std::string title_suffix(App& app) override {
        Session& session = app.session();
        const std::size_t errors = session.current() != 0 ? session.error_count() : 0;
        return errors > 0 ? " (" + std::to_string(errors) + ")" : std::string();
    }
    void draw(App& app) override;
};

void QaPanel::draw(App& app) {
    Session& session = app.session();
    if (session.current() == 0) {
        ImGui::TextDisabled("%s", tr("qa.no_item"));
        return;
    }
    const std::size_t errors = session.error_count();
    const auto& findings = session.findings();
    std::size_t warnings = 0;
    for (const qa::Finding& f : findings) warnings += f.severity == qa::Severity::Warning ? 1 : 0;
    if (findings.empty()) {
        ImGui::TextColored(ImVec4(0.40f, 0.90f, 0.45f, 1.0f), "%s", tr("qa.clean"));
        return;
    }
    ImGui::TextColored(errors > 0 ? kErrorColor : ImVec4(0.8f, 0.8f, 0.8f, 1.0f), tr("qa.summary"),
                       static_cast<int>(errors), static_cast<int>(warnings),
                       static_cast<int>(findings.size() - errors - warnings));
    if (errors > 0) ImGui::TextDisabled("%s", tr("qa.blocks_submit"));
    ImGui::Separator();

    ImGui::BeginChild("##findings");
    const AnnotationId selected = session.selected();
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const qa::Finding& f = findings[i];
        ImGui::PushID(static_cast<int>(i));
        severity_dot(f.severity);
        ImGui::SameLine();
        const bool is_selected = !f.annotations.empty() && f.annotations.front() == selected;
        const std::string heading = std::string(tr(severity_key(f.severity))) + "  " + f.rule;
        ImGui::PushStyleColor(ImGuiCol_Text, severity_color(f.severity));
        if (ImGui::Selectable(heading.c_str(), is_selected) && !f.annotations.empty())
            session.select(f.annotations.front());
        ImGui::PopStyleColor();
        if (ImGui::IsItemHovered()) {
            if (f.annotations.empty()) {
                ImGui::SetTooltip("%s", tr("qa.whole_item"));
            } else {
                std::string ids;
                for (const std::uint64_t id : f.annotations)
                    ids += (ids.empty() ? "#" : ", #") + std::to_string(id);
                ImGui::SetTooltip(tr("qa.annotations"), ids.c_str());
            }
        }
        ImGui::Indent(ImGui::GetTextLineHeight() + ImGui::GetStyle().ItemSpacing.x);
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(f.message.c_str());
        if (!f.fix.empty()) ImGui::TextDisabled(tr("qa.fix"), f.fix.c_str());
        ImGui::PopTextWrapPos();
        ImGui::Unindent(ImGui::GetTextLineHeight() + ImGui::GetStyle().ItemSpacing.x);
        ImGui::PopID();
    }
    ImGui::EndChild();
}

}  // namespace

std::unique_ptr<Panel> make_qa_panel() {
    return std::make_unique<QaPanel>();
}

}  // namespace tessera::studio
