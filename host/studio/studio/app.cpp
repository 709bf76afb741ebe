#include "studio/app.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
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

    saved_layout_ = SavedLayout(SavedLayout::file_for(options_.profile));
#define TESSERA_ADD_PANEL(make, placement, x, y, width, height) \
    add_panel(make(), {x, y, width, height}, placement);
    TESSERA_STUDIO_PANELS(TESSERA_ADD_PANEL)
#undef TESSERA_ADD_PANEL

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

void App::add_panel(std::unique_ptr<Panel> panel, LayoutRect place, Placement placement) {
    PanelSlot& slot = panels_.emplace_back();
    slot.id = panel->id();
    slot.panel = std::move(panel);
    slot.place = place;
    slot.placement = placement;
}

void App::request(std::string_view id, Request request) {
    requests_.push_back({std::string(id), request});
}

bool App::panel_open(std::string_view id) const {
    for (const PanelSlot& slot : panels_)
        if (slot.id == id) return slot.open;
    return false;
}

std::optional<App::ScreenRect> App::panel_rect(std::string_view id) const {
    for (const PanelSlot& slot : panels_)
        if (slot.id == id) return slot.shown;
    return std::nullopt;
}

void App::reset_layout() {
    saved_layout_.clear();
    layout_dirty_ = false;
    for (PanelSlot& slot : panels_) slot.placed_area = ImVec4(-1.0f, -1.0f, -1.0f, -1.0f);
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
    draw_panels();
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
    request(kQaPanel, Request::Focus);
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
    if (pressed(profile_.key_for("shortcuts"))) request(kShortcutSheet, Request::Toggle);
    if (pressed(profile_.key_for("view_options"))) request(kViewOptions, Request::Toggle);
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
        if (pressed(profile_.key_for("reject"))) request(kReviewPanel, Request::Reject);
    }
}

// --- The panels' frame -----------------------------------------------------------

namespace {

/// The work area {x, y, width, height}: the window between the main menu bar
/// and the status bar. Computed from the style, not from the viewport's work
/// area, which only accounts for the menu bar from the second frame on.
ImVec4 work_area() {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const float menu = ImGui::GetFrameHeight();
    return {viewport->Pos.x, viewport->Pos.y + menu, viewport->Size.x,
            viewport->Size.y - menu - kStatusBarHeight};
}

bool same(const ImVec4& a, const ImVec4& b) {
    return std::abs(a.x - b.x) < 0.5f && std::abs(a.y - b.y) < 0.5f && std::abs(a.z - b.z) < 0.5f &&
           std::abs(a.w - b.w) < 0.5f;
}

/// Profiles give panel rectangles in pixels of a 1280 x 800 window.
constexpr float kProfileWidth = 1280.0f;
constexpr float kProfileHeight = 800.0f;

}  // namespace

ImVec4 App::place_of(const PanelSlot& slot, const ImVec4& area) const {
    // The user's saved place first, then the profile's, then the table's.
    const LayoutRect* saved = saved_layout_.find(slot.id);
    const auto profiled = profile_.layout.find(slot.id);
    if (saved == nullptr && profiled != profile_.layout.end()) {
        const ImGuiViewport* viewport = ImGui::GetMainViewport();
        const float sx = viewport->Size.x / kProfileWidth;
        const float sy = viewport->Size.y / kProfileHeight;
        const PanelRect& r = profiled->second;
        return {viewport->Pos.x + std::round(r[0] * sx), viewport->Pos.y + std::round(r[1] * sy),
                std::round(r[2] * sx), std::round(r[3] * sy)};
    }
    // Edges are rounded, not sizes: panels whose fractions meet share an edge.
    const LayoutRect& r = saved != nullptr ? *saved : slot.place;
    const float x0 = std::round(r.x * area.z);
    const float y0 = std::round(r.y * area.w);
    return {area.x + x0, area.y + y0, std::round((r.x + r.width) * area.z) - x0,
            std::round((r.y + r.height) * area.w) - y0};
}

void App::draw_panels() {
    const ImVec4 area = work_area();
    for (PanelSlot& slot : panels_) draw_panel(slot, area);
    // Requests for panels that do not exist, or arrived after theirs was
    // drawn, wait for the next frame; those for unknown ids are dropped.
    std::erase_if(requests_, [this](const PendingRequest& r) {
        return std::none_of(panels_.begin(), panels_.end(),
                            [&](const PanelSlot& slot) { return slot.id == r.panel; });
    });
    if (layout_dirty_ && !ImGui::IsAnyMouseDown()) {
        layout_dirty_ = false;
        try {
            saved_layout_.save();
        } catch (const Error& e) {
            fmt::print(stderr, "tessera-studio: the layout is not saved: {}\n", e.what());
        }
    }
}

void App::draw_panel(PanelSlot& slot, const ImVec4& area) {
    Panel& panel = *slot.panel;
    const PanelFlags flags = panel.flags();
    bool focus = false;
    for (auto it = requests_.begin(); it != requests_.end();) {
        if (it->panel != slot.id) {
            ++it;
            continue;
        }
        const Request request = it->request;
        it = requests_.erase(it);
        switch (request) {
            case Request::Show:
                slot.open = true;
                break;
            case Request::Toggle:
                slot.open = !slot.open;
                break;
            case Request::Focus:
                focus = true;
                break;
            default:
                focus = panel.handle(*this, request) || focus;
                break;
        }
    }
    slot.shown.reset();
    const bool opened = flags.closable && slot.open && !slot.was_open;
    slot.was_open = slot.open;
    if (!panel.wanted(*this) || (flags.closable && !slot.open)) return;

    int window_flags = flags.window;
    const ImVec4 rect = place_of(slot, area);
    // Placed when first shown, after a change of the window's size and after
    // a reset; in between the user may move it.
    const bool relayout = !same(slot.placed_area, area);
    switch (slot.placement) {
        case Placement::Free:
            if (relayout) {
                ImGui::SetNextWindowPos({rect.x, rect.y});
                ImGui::SetNextWindowSize({rect.z, rect.w});
            }
            break;
        case Placement::Centered:
            ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(),
                                    relayout ? ImGuiCond_Always : ImGuiCond_Appearing,
                                    ImVec2(0.5f, 0.5f));
            if (relayout) ImGui::SetNextWindowSize({rect.z, rect.w});
            break;
        case Placement::StatusBar: {
            const ImGuiViewport* viewport = ImGui::GetMainViewport();
            ImGui::SetNextWindowPos(
                ImVec2(viewport->Pos.x, viewport->Pos.y + viewport->Size.y - kStatusBarHeight));
            ImGui::SetNextWindowSize(ImVec2(viewport->Size.x, kStatusBarHeight));
            window_flags |= ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                            ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                            ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav |
                            ImGuiWindowFlags_NoScrollWithMouse;
            ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8.0f, 4.0f));
            ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
            break;
        }
    }
    if (relayout) {
        slot.placed_area = area;
        slot.placed = rect;
    }
    if (focus) {
        ImGui::SetNextWindowCollapsed(false);
        ImGui::SetNextWindowFocus();
    }
    if (opened && flags.focus_when_opened) ImGui::SetNextWindowFocus();

    const std::string title =
        std::string(tr(panel.title_key())) + panel.title_suffix(*this) + "###" + slot.id;
    const bool expanded =
        ImGui::Begin(title.c_str(), flags.closable ? &slot.open : nullptr, window_flags);
    if (slot.placement == Placement::StatusBar) ImGui::PopStyleVar(2);
    if (expanded) {
        slot.shown = ScreenRect{ImGui::GetWindowPos(),
                                {ImGui::GetWindowPos().x + ImGui::GetWindowSize().x,
                                 ImGui::GetWindowPos().y + ImGui::GetWindowSize().y}};
        if (slot.placement == Placement::Free) track_user_layout(slot, area);
        panel.draw(*this);
    }
    ImGui::End();
}

void App::track_user_layout(PanelSlot& slot, const ImVec4& area) {
    const ImVec2 pos = ImGui::GetWindowPos();
    const ImVec2 size = ImGui::GetWindowSize();
    const ImVec4 now(pos.x, pos.y, size.x, size.y);
    if (same(now, slot.placed) || area.z <= 0.0f || area.w <= 0.0f) return;
    // The user moved or resized it: remembered as fractions of the work area,
    // so that it follows the window's size too.
    slot.placed = now;
    saved_layout_.set(slot.id, {(pos.x - area.x) / area.z, (pos.y - area.y) / area.w,
                                size.x / area.z, size.y / area.w});
    layout_dirty_ = true;
}

}  // namespace tessera::studio
