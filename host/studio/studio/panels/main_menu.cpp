// The main menu bar: File (Quit), Edit (Undo, Redo, Submit), View (language,
// view options, shortcut sheet, reset layout), Review (review mode, Accept,
// Reject) and Help. The menu items show the keyboard shortcuts; the keys
// themselves are handled by the app.

#include <string>

#include <imgui.h>

#include "studio/app.hpp"
#include "studio/i18n.hpp"
#include "studio/panels/panels.hpp"

namespace tessera::studio {

namespace {

/// Language menu entries: locale and its name in its own language.
struct Language {
    const char* locale;
    const char* name;
};
constexpr Language kLanguages[] = {{"en", "English"}, {"zh-CN", "中文"}};

}  // namespace

void draw_main_menu(App& app) {
    if (!ImGui::BeginMainMenuBar()) return;
    Session& session = app.session();

    if (ImGui::BeginMenu(tr("menu.file"))) {
        if (ImGui::MenuItem(tr("menu.quit"))) app.quit(0);
        ImGui::EndMenu();
    }

    if (ImGui::BeginMenu(tr("menu.edit"))) {
        if (ImGui::MenuItem(tr("menu.undo"), "Ctrl+Z", false, session.can_undo())) app.undo();
        if (ImGui::MenuItem(tr("menu.redo"), "Ctrl+Shift+Z", false, session.can_redo())) app.redo();
        ImGui::Separator();
        if (ImGui::MenuItem(tr("menu.submit"), "Ctrl+Enter", false, session.current() != 0))
            app.submit();
        ImGui::Separator();
        if (ImGui::MenuItem(tr("menu.next_item"), "PageDown", false, !session.items().empty()))
            app.step_item(+1);
        if (ImGui::MenuItem(tr("menu.previous_item"), "PageUp", false, !session.items().empty()))
            app.step_item(-1);
        ImGui::EndMenu();
    }

    const bool view_menu = ImGui::BeginMenu(tr("menu.view"));
    if (!view_menu) app.name_widget("menu.view");  // scripts open it with a click
    if (view_menu) {
        if (ImGui::BeginMenu(tr("menu.language"))) {
            for (const Language& language : kLanguages)
                if (ImGui::MenuItem(language.name, nullptr, locale() == language.locale))
                    set_locale(language.locale);
            ImGui::EndMenu();
        }
        if (ImGui::MenuItem(tr("menu.view_options"), "F2", app.panel_open(kViewOptions)))
            app.request(kViewOptions, Request::Toggle);
        if (ImGui::MenuItem(tr("menu.shortcuts"), "F1", app.panel_open(kShortcutSheet)))
            app.request(kShortcutSheet, Request::Toggle);
        ImGui::Separator();
        if (ImGui::MenuItem(tr("menu.reset_layout"))) app.reset_layout();
        app.name_widget("menu.reset_layout");
        ImGui::EndMenu();
    }

    if (ImGui::BeginMenu(tr("menu.review"))) {
        if (ImGui::MenuItem(tr("menu.review_mode"), nullptr, app.review_mode()))
            app.set_review_mode(!app.review_mode());
        const bool reviewable = app.review_mode() && session.current() != 0 &&
                                session.state() == v1::ItemState::Submitted;
        ImGui::Separator();
        if (ImGui::MenuItem(tr("menu.accept"), "A", false, reviewable)) accept_current(app);
        if (ImGui::MenuItem(tr("menu.reject"), "R", false, reviewable))
            app.request(kReviewPanel, Request::Reject);
        ImGui::EndMenu();
    }

    if (ImGui::BeginMenu(tr("menu.help"))) {
        if (ImGui::MenuItem(tr("menu.shortcuts"), "F1", app.panel_open(kShortcutSheet)))
            app.request(kShortcutSheet, Request::Toggle);
        ImGui::Separator();
        ImGui::TextDisabled("%s", tr("menu.about"));
        ImGui::EndMenu();
    }

    ImGui::EndMainMenuBar();
}

}  // namespace tessera::studio
