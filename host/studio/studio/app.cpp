#include "studio/app.hpp"

#include <chrono>
#include <cstdlib>

#include <fmt/format.h>
#include <imgui.h>
#include <tessera/cpp/strings.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/media_kinds.hpp"
#include "plugin_setup.hpp"
#include "studio/host_imgui.hpp"
#include "studio/i18n.hpp"
#include "studio/panels/panels.hpp"
#include "studio/script.hpp"

namespace tessera::studio {
namespace {

std::string default_author() {
    const char* user = std::getenv("USER");
    return user && *user ? user : "annotator";
}

using cpp::text;

// Every localized name of the schema: the characters the font must hold.
std::string schema_text(const v1::LabelSchema& schema) {
    std::string all;
    const auto add = [&](const flatbuffers::Vector<flatbuffers::Offset<v1::LocalizedText>>* names) {
        if (names != nullptr)
            for (const v1::LocalizedText* name : *names) all += text(name->text());
    };
    const auto add_attributes =
        [&](const flatbuffers::Vector<flatbuffers::Offset<v1::AttributeSpec>>* specs) {
            if (specs == nullptr) return;
            for (const v1::AttributeSpec* spec : *specs) {
                add(spec->names());
                if (spec->values() != nullptr)
                    for (const v1::EnumValue* value : *spec->values()) add(value->names());
            }
        };
    add(schema.names());
    if (schema.classes() != nullptr)
        for (const v1::LabelClass* c : *schema.classes()) {
            add(c->names());
            add_attributes(c->attributes());
        }
    if (schema.defects() != nullptr)
        for (const v1::Defect* defect : *schema.defects()) add(defect->names());
    add_attributes(schema.item_attributes());
    return all;
}

}  // namespace

App::App(AppOptions options) : options_(std::move(options)) {
    if (options_.author.empty()) options_.author = default_author();
    if (!options_.profile.empty()) profile_ = read_profile(options_.profile);
    if (options_.locale.empty()) options_.locale = profile_.locale.empty() ? "en" : profile_.locale;
    set_locale(options_.locale);
    session_ = std::make_unique<Session>(options_.project, options_.author);
    presence_ = std::make_unique<Presence>(options_.project, options_.author);
    if (!profile_.schema.empty() && session_->project_file().schema != profile_.schema)
        throw Error(fmt::format(
            "the profile {} is made for schema {}, but the project {} uses {}",
            options_.profile.string(), profile_.schema, options_.project.string(),
            session_->project_file().schema.empty() ? "none" : session_->project_file().schema));
    options_.window.glyph_text = translated_text() + schema_text(session_->schema());
    if (session_->read_only())
        options_.window.title += fmt::format(" — {} (read-only)", options_.project.string());
    window_ = std::make_unique<Window>(options_.window);
    if (profile_.theme == "light")
        ImGui::StyleColorsLight();
    else if (profile_.theme == "classic")
        ImGui::StyleColorsClassic();
    canvas_ = std::make_unique<Canvas>(CanvasHooks{
        .label_color = [this](std::string_view label) { return label_color(label); },
        .label_name = [this](std::string_view label) { return label_name(label); },
        .select = [this](std::uint64_t annotation) { session_->select(annotation); },
        .widget = [this](std::string_view label) { name_widget("view:" + std::string(label)); },
    });
    plugins_ = host::load_plugins({
        .project_dir = options_.project,
        .host_name = "tessera-studio",
        .disabled = profile_.disabled_plugins,
        .prepare =
            [this](plugins::PluginHost& host) {
                offer_ui_extensions(host.host_extensions());
                // A plugin's errors (a view's frame stopped at its deadline, a plugin
                // refused) show in the status bar too, not only on stderr.
                host.set_log([this, to_stderr = plugins::stderr_log()](tessera_log_level_t level,
                                                                       std::string_view plugin,
                                                                       std::string_view line) {
                    to_stderr(level, plugin, line);
                    if (level == TESSERA_LOG_ERROR)
                        message(fmt::format("{}: {}", plugin, line), true);
                });
                // Edits of view plugins go through the session: durable and
                // undoable, and a refusal shows in the status bar as the host's own do.
                host.host_extensions().set_submit([this](std::span<const std::uint8_t> batch) {
                    try {
                        const std::uint64_t seq = session_->apply(batch);
                        message(tr("status.saved"));
                        return seq;
                    } catch (const Error& e) {
                        message(e.what(), true);
                        throw;
                    }
                });
                host.attach_project(&session_->project());
            },
    });
    build_rules();

    panels_.push_back(make_item_browser());
    panels_.push_back(make_label_palette());
    panels_.push_back(make_attribute_editor());
    panels_.push_back(make_qa_panel());
    panels_.push_back(make_review_panel());
    panels_.push_back(make_status_bar());
    panels_.push_back(make_shortcut_sheet());
    panels_.push_back(make_view_options());

    if (!session_->items().empty()) open_item(session_->items().front().id);
    if (session_->read_only())
        message(tr("status.read_only_project"), true);
    else if (const auto& others = presence_->others(); !others.empty())
        message(fmt::format(fmt::runtime(tr("status.also_open_warning")), others.front()), true);
    // A project plugin that did not load (broken, or native code the user has
    // not allowed with TESSERA_ALLOW_PROJECT_NATIVE_PLUGINS=1) is said, not only logged.
    if (const auto refused = host::refused_project_plugins(*plugins_); !refused.empty())
        message(fmt::format(fmt::runtime(tr("status.project_plugin_refused")), refused.front()->id,
                            refused.front()->reason),
                true);
    if (!options_.script.empty()) script_ = std::make_unique<Script>(*this, options_.script);
}

App::~App() {
    // Views hold textures of this window's context: close them before it goes.
    script_.reset();
    session_->set_findings_observer({});
    project_qa_.reset();  // its run uses the plugins' rules
    plugins_.reset();
}

void App::build_rules() {
    default_plugins_ =
        host::default_qa_plugins(*plugins_, session_->project_file(), options_.project);
    // The profile's rule settings override the project file's, rule by rule.
    rule_settings_ = session_->project_file().qa_rules;
    for (const auto& [rule, setting] : profile_.qa_rules) rule_settings_[rule] = setting;
    try {
        rules_ = std::make_unique<qa::RuleSet>(plugins_->rule_providers(), rule_settings_,
                                               std::span<const std::string>{}, default_plugins_);
        session_->set_rules(rules_.get());
    } catch (const Error& e) {
        message(fmt::format("QA rules: {}", e.what()), true);
    }
}

ProjectQa& App::project_qa() {
    if (!project_qa_) {
        project_qa_ = std::make_unique<ProjectQa>(options_.project, plugins_->rule_providers(),
                                                  rule_settings_, default_plugins_);
        // Live QA is newer than the run's snapshot: every result of it, for
        // whichever item is open, goes to the project's QA too.
        ProjectQa& whole = *project_qa_;
        if (session_->current() != 0) whole.update(session_->current(), session_->findings());
        session_->set_findings_observer(
            [&whole](ItemId item, std::span<const qa::Finding> findings) {
                whole.update(item, findings);
            });
    }
    return *project_qa_;
}

void App::add_panel(std::unique_ptr<Panel> panel) {
    panels_.push_back(std::move(panel));
}

void App::quit(int code) {
    exit_code_ = code;
    window_->close();
}

int App::run() {
    while (window_->open()) frame();
    return exit_code_.value_or(0);
}

void App::frame() {
    const auto start = std::chrono::steady_clock::now();
    widgets_.clear();
    window_->begin_frame([this] {
        if (script_) script_->inject_input();
    });
    // An error stays until the next message of its own: another writer's
    // commit does not hide why an edit or an undo was refused.
    if (session_->refresh_if_changed() && !message_is_error_)
        message(tr("status.changed_by_other"));
    refresh_view();
    draw_main_menu(*this);
    shortcuts();
    draw_canvas();
    for (const auto& panel : panels_) panel->draw(*this);
    window_->end_frame();
    if (script_) {
        // Kept only for scripts, which read and reset them (frame_stats()).
        frame_times.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
        script_->resume();
    }
}

// --- Items, tools and labels -------------------------------------------------

void App::open_item(ItemId item) {
    try {
        session_->open(item);
    } catch (const Error& e) {
        message(e.what(), true);
    }
}

void App::step_item(int direction) {
    const auto& items = session_->items();
    if (items.empty()) return;
    const std::size_t n = items.size();
    std::size_t at = session_->index_of(session_->current()).value_or(0);
    for (std::size_t step = 0; step < n; ++step) {
        at = (at + n + static_cast<std::size_t>(direction > 0 ? 1 : n - 1)) % n;
        if (!review_mode_ || items[at].state == v1::ItemState::Submitted) {
            open_item(items[at].id);
            return;
        }
    }
    message(tr("status.no_more_items"));
}

void App::set_tool(std::string_view tool) {
    if (profile_.offers_tool(tool)) tool_ = std::string(tool);
}

void App::place(std::string_view id, PanelRect fallback) const {
    const auto found = profile_.layout.find(id);
    const PanelRect& rect = found != profile_.layout.end() ? found->second : fallback;
    ImGui::SetNextWindowPos({rect[0], rect[1]}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize({rect[2], rect[3]}, ImGuiCond_FirstUseEver);
}

void App::name_widget(std::string name) {
    if (script_) widgets_[std::move(name)] = {ImGui::GetItemRectMin(), ImGui::GetItemRectMax()};
}

std::optional<App::ScreenRect> App::widget(std::string_view name) const {
    const auto found = widgets_.find(name);
    if (found == widgets_.end()) return std::nullopt;
    return found->second;
}

bool App::pressed(const KeyChord& chord) {
    const ImGuiIO& io = ImGui::GetIO();
    return chord.key != 0 && io.KeyCtrl == chord.ctrl && io.KeyShift == chord.shift &&
           io.KeyAlt == chord.alt && ImGui::IsKeyPressed(chord.key, chord.ctrl);
}

KeyChord App::tool_key(const tessera_view_tool_t& tool) const {
    if (const auto found = profile_.hotkeys.find(fmt::format("tool.{}", tool.id));
        found != profile_.hotkeys.end())
        return found->second;
    return KeyChord{.key = tool.key};
}

KeyChord App::label_key(std::string_view label) const {
    if (const auto found = profile_.hotkeys.find(fmt::format("label.{}", label));
        found != profile_.hotkeys.end())
        return found->second;
    const v1::LabelClass* c = session_->find_class(label);
    return c ? parse_key_chord(text(c->hotkey())).value_or(KeyChord{}) : KeyChord{};
}

void App::set_label(std::string_view label) {
    label_ = std::string(label);
}

std::string App::label_name(std::string_view label) const {
    const v1::LabelClass* c = session_->find_class(label);
    if (c == nullptr || c->names() == nullptr) return std::string(label);
    std::string_view fallback;
    for (const v1::LocalizedText* name : *c->names()) {
        if (text(name->lang()) == locale()) return std::string(text(name->text()));
        if (text(name->lang()) == "en") fallback = text(name->text());
    }
    return std::string(fallback.empty() ? label : fallback);
}

std::uint32_t App::label_color(std::string_view label) const {
    const v1::LabelClass* c = session_->find_class(label);
    return c ? c->color() : 0x808080FFu;
}

// --- Edits ---------------------------------------------------------------------

bool App::apply(const Bytes& edit_batch) {
    try {
        session_->apply(edit_batch);
        message(tr("status.saved"));
        return true;
    } catch (const Error& e) {
        message(e.what(), true);
        return false;
    }
}

bool App::update_annotation(v1::AnnotationT annotation, std::string_view comment) {
    if (!annotation.provenance) annotation.provenance = std::make_unique<v1::ProvenanceT>();
    annotation.provenance->modified = now_ms();
    v1::UpdateAnnotationT update;
    update.item = session_->current();
    update.annotation = std::make_unique<v1::AnnotationT>(std::move(annotation));
    std::vector<v1::EditOpT> ops;
    ops.push_back(edit_op(std::move(update)));
    return apply(make_edit_batch(session_->author(), std::move(ops), comment));
}

void App::undo() {
    try {
        message(session_->undo() ? tr("status.undo") : tr("status.nothing_to_undo"));
    } catch (const Error& e) {
        message(e.what(), true);
    }
}

void App::retry_unsaved() {
    if (!session_->unsaved()) return;
    try {
        session_->retry_unsaved();
        message(tr("status.saved"));
    } catch (const Error& e) {
        message(e.what(), true);
    }
}

void App::discard_unsaved() {
    if (!session_->unsaved()) return;
    session_->discard_unsaved();
    message(tr("status.discarded"));
}

void App::redo() {
    try {
        message(session_->redo() ? tr("status.redo") : tr("status.nothing_to_redo"));
    } catch (const Error& e) {
        message(e.what(), true);
    }
}

bool App::submit() {
    if (session_->current() == 0) return false;
    try {
        if (session_->submit()) {
            message(tr("status.submitted"));
            return true;
        }
    } catch (const Error& e) {
        message(e.what(), true);
        return false;
    }
    message(fmt::format("{} ({})", tr("status.submit_blocked"), session_->error_count()), true);
    focus_qa = true;
    return false;
}

void App::set_review_mode(bool on) {
    try {
        session_->set_reviewing(on);  // an inspector may correct submitted items
    } catch (const Error& e) {
        message(e.what(), true);
        return;
    }
    review_mode_ = on;
    if (on && session_->state() != v1::ItemState::Submitted) step_item(+1);
}

void App::message(std::string text, bool error) {
    message_ = std::move(text);
    message_is_error_ = error;
}

// --- Frame parts -------------------------------------------------------------

void App::refresh_view() {
    const ItemId item = session_->current();
    if (item == 0) return;
    if (view_revision_ == session_->revision() && shown_item_ == item) return;
    const std::string_view kind = v1::EnumNameMediaKind(
        session_->item().media() ? session_->item().media()->kind() : v1::MediaKind::Unknown);
    // The first view found for the kind: the search path's order (the project's
    // plugins first, the built-in ones last) decides.
    const plugins::ViewRecord* view = nullptr;
    for (const plugins::ViewRecord& candidate : plugins_->views())
        if (lists_media_kind(candidate.view->media_kinds, kind)) {
            view = &candidate;
            break;
        }
    if (view == nullptr) {
        view_ = nullptr;
        message(fmt::format("{}: {}", tr("status.no_view"), kind), true);
    } else {
        const tessera_bytes_t item_bytes{session_->item_bytes().data(),
                                         session_->item_bytes().size()};
        const tessera_bytes_t set_bytes{session_->annotation_bytes().data(),
                                        session_->annotation_bytes().size()};
        tessera_status_t status = TESSERA_OK;
        if (view != view_ || shown_item_ != item) {
            const std::string media = session_->media_path().string();
            status = view->view->open_item(view->plugin, item_bytes, set_bytes, media.c_str());
        } else {
            status = view->view->set_annotations(view->plugin, set_bytes);
        }
        if (status != TESSERA_OK)
            message(
                fmt::format("{}: {}", view->plugin_id, view->plugin->get_last_error(view->plugin)),
                true);
        if (view != view_ || tool_.empty())
            for (std::uint32_t i = view->view->tool_count; i-- > 0;)
                if (profile_.offers_tool(view->view->tools[i].id)) tool_ = view->view->tools[i].id;
        view_ = view;
    }
    shown_item_ = item;
    view_revision_ = session_->revision();
}

void App::shortcuts() {
    if (ImGui::GetIO().WantTextInput) return;
    if (pressed(profile_.key_for("undo"))) undo();
    if (pressed(profile_.key_for("redo")) || pressed({.key = 'Y', .ctrl = true})) redo();
    if (pressed(profile_.key_for("submit"))) submit();
    if (pressed(profile_.key_for("retry_save"))) retry_unsaved();
    if (pressed(profile_.key_for("discard_unsaved"))) discard_unsaved();
    if (pressed(profile_.key_for("shortcuts"))) show_shortcuts = !show_shortcuts;
    if (pressed(profile_.key_for("view_options"))) show_view_options = !show_view_options;
    if (pressed(profile_.key_for("next_item"))) step_item(+1);
    if (pressed(profile_.key_for("previous_item"))) step_item(-1);
    // Labels: each class's hotkey; a schema without any gets 1-9 by position.
    if (const auto* classes = session_->schema().classes()) {
        bool any_hotkey = false;
        for (const v1::LabelClass* c : *classes)
            any_hotkey = any_hotkey || label_key(text(c->key())).key != 0;
        for (flatbuffers::uoffset_t i = 0; i < classes->size(); ++i) {
            const std::string_view key = text(classes->Get(i)->key());
            const KeyChord chord = any_hotkey ? label_key(key)
                                   : i < 9    ? KeyChord{.key = '1' + static_cast<int>(i)}
                                              : KeyChord{};
            if (pressed(chord)) set_label(key);
        }
    }
    if (view_ != nullptr)
        for (std::uint32_t i = 0; i < view_->view->tool_count; ++i)
            if (pressed(tool_key(view_->view->tools[i]))) set_tool(view_->view->tools[i].id);
    if (review_mode_ && session_->state() == v1::ItemState::Submitted) {
        if (pressed(profile_.key_for("accept"))) accept_current(*this);
        if (pressed(profile_.key_for("reject"))) open_reject_form();
    }
}

void App::draw_canvas() {
    const ImVec2 origin = layout_origin();
    place("canvas", {origin.x + 260, origin.y, 740, layout_height()});
    const std::string title = std::string(tr("window.canvas")) + "###canvas";
    ImGui::Begin(title.c_str(), nullptr,
                 ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    if (view_ != nullptr) {
        // Toolbar: the view's tools, the active one highlighted.
        for (std::uint32_t i = 0; i < view_->view->tool_count; ++i) {
            const tessera_view_tool_t& t = view_->view->tools[i];
            if (!profile_.offers_tool(t.id)) continue;
            const std::string key = fmt::format("tool.{}", t.id);
            const char* name = tr(key);
            const bool active = tool_ == t.id;
            if (active)
                ImGui::PushStyleColor(ImGuiCol_Button,
                                      ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
            if (ImGui::Button(name == key ? t.name : name)) set_tool(t.id);
            if (active) ImGui::PopStyleColor();
            ImGui::SameLine();
        }
        ImGui::TextDisabled("%s %s", tr("panel.labels"),
                            label_.empty() ? "-" : label_name(label_).c_str());
        const tessera_view_state_t state{
            .tool = tool_.c_str(),
            .label = label_.c_str(),
            .selected = session_->selected(),
            .author = options_.author.c_str(),
        };
        canvas_->frame(view_->plugin, *view_->view, state);
        draw_overlays();
    } else {
        ImGui::TextUnformatted(tr("status.no_view"));
    }
    ImGui::End();
}

void App::draw_overlays() {
    ImDrawList* draw = canvas_->draw_list();
    if (draw == nullptr) return;
    // Review comments pinned to the item stay visible for the annotator.
    const auto& reviews = session_->reviews();
    if (reviews.empty() || reviews.back()->verdict != v1::Verdict::Reject) return;
    draw->PushClipRect(
        canvas_->origin(),
        {canvas_->origin().x + canvas_->size().x, canvas_->origin().y + canvas_->size().y}, true);
    for (const auto& comment : reviews.back()->comments) {
        ImVec2 at = comment->position
                        ? canvas_->to_screen(static_cast<float>(comment->position->x()),
                                             static_cast<float>(comment->position->y()))
                        : canvas_->origin();
        if (const v1::Annotation* a = session_->find_annotation(comment->annotation);
            a && a->geometry_as_Box()) {
            const v1::Box* box = a->geometry_as_Box();
            at =
                canvas_->to_screen(static_cast<float>(box->left()), static_cast<float>(box->top()));
        }
        const ImVec2 size = ImGui::CalcTextSize(comment->text.c_str());
        draw->AddRectFilled({at.x, at.y - size.y - 6}, {at.x + size.x + 8, at.y},
                            IM_COL32(200, 40, 40, 230), 3.0f);
        draw->AddText({at.x + 4, at.y - size.y - 3}, IM_COL32(255, 255, 255, 255),
                      comment->text.c_str());
    }
    draw->PopClipRect();
}

}  // namespace tessera::studio
