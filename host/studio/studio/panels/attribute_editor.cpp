// The attribute editor: the label and the attributes of the selected annotation.
//
// One widget per AttributeSpec of the annotation's class: Enum → combo,
// MultiEnum → checkboxes, Bool → checkbox, Int / Float with finite min and max
// → slider, otherwise an input clamped to whichever bound exists, String →
// text input checked as you type against the spec's pattern and code point
// ranges. Required attributes are marked with "*".
//
// Every committed change (a combo pick, a checkbox, a slider released, an
// input left after editing, Enter in a text field) is one UpdateAnnotation of
// the whole annotation — provenance kept, `modified` set to now — applied
// through App::apply, so it is durable and undoable at once. A String value
// that fails its checks is still committed (the annotator's typing is never
// lost); the message stays red and live QA reports it until it is fixed.
//
// Text is never altered. Debian's Dear ImGui 1.86 holds characters in 16 bits:
// a character beyond U+FFFF (Pollard Miao, rare CJK ideographs, emoji) becomes
// U+FFFD in its text field, and editing such a text used to store U+FFFD and
// stray NUL bytes. So a stored text ImGui cannot hold is shown read-only with a
// note and never rewritten, and typed or pasted text that came out of ImGui
// with a U+FFFD or NUL it did not have before is refused, not committed. (The
// text engine will replace these widgets.)
//
// Every widget is named for scripted sessions (App::name_widget):
// "attribute.KEY", "attribute.KEY=VALUE" for combo entries and multi-enum
// boxes, "attribute.label" and "attribute.label=KEY".
//
// Missing: item-level attributes (LabelSchema.item_attributes) and the
// annotation's free `text`; attributes the class does not declare are kept
// untouched but not shown.

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "core/schema_pattern.hpp"
#include "studio/app.hpp"
#include "studio/i18n.hpp"
#include "studio/panels/panels.hpp"

namespace tessera::studio {
namespace {

const v1::Attribute* find_attribute(const v1::Annotation& annotation, std::string_view key) {
    if (annotation.attributes() == nullptr) return nullptr;
    for (const v1::Attribute* attribute : *annotation.attributes())
        if (text(attribute->key()) == key) return attribute;
    return nullptr;
}

/// The attribute `spec` names in `annotation`, added (in key order) when missing.
v1::AttributeT& attribute_in(v1::AnnotationT& annotation, const v1::AttributeSpec& spec) {
    const std::string_view key = text(spec.key());
    auto it = annotation.attributes.begin();
    for (; it != annotation.attributes.end(); ++it) {
        if ((*it)->key == key) break;
        if ((*it)->key > key) {
            it = annotation.attributes.insert(it, std::make_unique<v1::AttributeT>());
            (*it)->key = std::string(key);
            break;
        }
    }
    if (it == annotation.attributes.end()) {
        annotation.attributes.push_back(std::make_unique<v1::AttributeT>());
        it = annotation.attributes.end() - 1;
        (*it)->key = std::string(key);
    }
    v1::AttributeT& attribute = **it;
    // A fresh value of the spec's type: the other value fields are cleared.
    attribute = v1::AttributeT{};
    attribute.key = std::string(key);
    attribute.type = spec.type();
    return attribute;
}

void remove_attribute(v1::AnnotationT& annotation, std::string_view key) {
    std::erase_if(annotation.attributes, [&](const auto& a) { return a->key == key; });
}

/// A printf format for a numeric widget: `number` then the unit, '%' escaped.
std::string number_format(const char* number, std::string_view unit) {
    std::string format = number;
    if (!unit.empty()) format += ' ';
    for (const char c : unit) {
        format += c;
        if (c == '%') format += '%';
    }
    return format;
}

/// Decodes one UTF-8 code point at `pos`; nullopt when the bytes are not UTF-8.
std::optional<char32_t> decode_utf8(std::string_view text, std::size_t& pos) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(pos);
    int length = 0;
    char32_t cp = 0;
    if (lead < 0x80) {
        ++pos;
        return lead;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2;
        cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        cp = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        cp = lead & 0x07;
    } else {
        return std::nullopt;
    }
    if (pos + static_cast<std::size_t>(length) > text.size()) return std::nullopt;
    for (int i = 1; i < length; ++i) {
        const unsigned char next = byte(pos + static_cast<std::size_t>(i));
        if ((next & 0xC0) != 0x80) return std::nullopt;
        cp = (cp << 6) | (next & 0x3F);
    }
    constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kSmallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return std::nullopt;
    pos += static_cast<std::size_t>(length);
    return cp;
}

/// U+FFFD, the replacement character, as UTF-8.
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

std::size_t count_of(std::string_view text, std::string_view part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string_view::npos;
         at = text.find(part, at + part.size()))
        ++n;
    return n;
}

/// The first character of `text` that ImGui's text fields would alter (one
/// beyond its ImWchar, a NUL, or bytes that are not UTF-8), as U+XXXX; empty
/// when ImGui can edit the text as it is.
std::string uneditable_character(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t start = pos;
        const std::optional<char32_t> cp = decode_utf8(text, pos);
        if (!cp) return fmt::format("byte {} (not UTF-8)", start);
        if (*cp == 0 || *cp > IM_UNICODE_CODEPOINT_MAX)
            return fmt::format("U+{:04X}", static_cast<std::uint32_t>(*cp));
    }
    return {};
}

/// The working copy of one attribute's value while its widget is being edited.
struct Field {
    bool editing = false;
    std::int64_t int_value = 0;
    double float_value = 0.0;
    std::string text;
};

class AttributeEditor final : public Panel {
public:
    [[nodiscard]] std::string id() const override { return "attributes"; }
    [[nodiscard]] const char* title_key() const override { return "panel.attributes"; }
    void draw(App& app) override;

private:
    void draw_label(App& app, const v1::Annotation& annotation);
    void draw_attribute(App& app, const v1::Annotation& annotation, const v1::AttributeSpec& spec);
    void check_text(const v1::AttributeSpec& spec, const std::string& value);
    /// Applies `change` to a copy of `annotation` as one edit, unless it changes nothing.
    template <typename Change>
    void commit(App& app, const v1::Annotation& annotation, Change&& change);
    [[nodiscard]] const SchemaPattern& pattern(const std::string& source);

    AnnotationId shown_ = 0;
    std::map<std::string, Field, std::less<>> fields_;
    std::map<std::string, SchemaPattern> patterns_;
};

template <typename Change>
void AttributeEditor::commit(App& app, const v1::Annotation& annotation, Change&& change) {
    std::unique_ptr<v1::AnnotationT> before(annotation.UnPack());
    auto after = std::make_unique<v1::AnnotationT>(*before);
    change(*after);
    if (*after == *before) return;
    // `annotation` points into the session's buffer: not used after this.
    app.update_annotation(std::move(*after), "edit attributes");
}

const SchemaPattern& AttributeEditor::pattern(const std::string& source) {
    auto it = patterns_.find(source);
    if (it == patterns_.end()) it = patterns_.emplace(source, SchemaPattern::compile(source)).first;
    return it->second;
}

void AttributeEditor::draw(App& app) {
    const Session& session = app.session();
    const v1::Annotation* annotation =
        session.current() != 0 ? session.find_annotation(session.selected()) : nullptr;
    if (annotation == nullptr) {
        shown_ = 0;
        fields_.clear();
        ImGui::TextDisabled("%s", tr("attributes.no_selection"));
        return;
    }
    if (annotation->id() != shown_) {
        shown_ = annotation->id();
        fields_.clear();
    }

    draw_label(app, *annotation);
    // A committed label change reloads the annotation set: look it up again.
    annotation = session.find_annotation(shown_);
    if (annotation == nullptr) return;
    const v1::LabelClass* label_class = session.find_class(text(annotation->label()));
    if (label_class == nullptr) {
        ImGui::TextColored(kErrorColor, tr("attributes.unknown_label"),
                           std::string(text(annotation->label())).c_str());
    } else if (label_class->attributes() == nullptr || label_class->attributes()->size() == 0) {
        ImGui::TextDisabled("%s", tr("attributes.none"));
    } else {
        ImGui::Separator();
        constexpr ImGuiTableFlags flags =
            ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY;
        if (ImGui::BeginTable("##attributes", 2, flags)) {
            ImGui::TableSetupColumn("##name", ImGuiTableColumnFlags_WidthStretch, 0.4f);
            ImGui::TableSetupColumn("##value", ImGuiTableColumnFlags_WidthStretch, 0.6f);
            for (const v1::AttributeSpec* spec : *label_class->attributes()) {
                // Each committed edit reloads the set, so look the annotation up per widget.
                annotation = session.find_annotation(shown_);
                if (annotation == nullptr) break;
                ImGui::PushID(spec);
                draw_attribute(app, *annotation, *spec);
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
    }
}

void AttributeEditor::draw_label(App& app, const v1::Annotation& annotation) {
    const std::string_view label = text(annotation.label());
    ImGui::Text(tr("attributes.annotation"), static_cast<unsigned long long>(annotation.id()));
    ImGui::SameLine();
    ImGui::ColorButton("##color", rgba_color(app.label_color(label)),
                       ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoDragDrop,
                       ImVec2(ImGui::GetTextLineHeight(), ImGui::GetTextLineHeight()));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-FLT_MIN);
    const std::string preview = app.label_name(label);
    const bool open = ImGui::BeginCombo("##label", preview.c_str());
    app.name_widget("attribute.label");
    if (!open) return;
    std::string picked;
    if (const auto* classes = app.session().schema().classes()) {
        for (const v1::LabelClass* c : *classes) {
            const std::string_view key = text(c->key());
            ImGui::PushID(c);
            if (ImGui::Selectable(app.label_name(key).c_str(), key == label))
                picked = std::string(key);
            app.name_widget("attribute.label=" + std::string(key));
            ImGui::PopID();
        }
    }
    ImGui::EndCombo();
    // Attributes the new class does not declare are kept: undo stays exact and
    // QA reports them if the schema forbids them.
    if (!picked.empty() && picked != label)
        commit(app, annotation, [&](v1::AnnotationT& a) { a.label = picked; });
}

void AttributeEditor::draw_attribute(App& app, const v1::Annotation& annotation,
                                     const v1::AttributeSpec& spec) {
    const std::string_view key = text(spec.key());
    const std::string_view lang = locale();
    const v1::Attribute* value = find_attribute(annotation, key);
    const std::string_view fallback = text(spec.default_value());
    const std::string_view unit = text(spec.unit());

    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::AlignTextToFramePadding();
    const std::string_view name = localized(spec.names(), lang, key);
    ImGui::TextUnformatted(name.data(), name.data() + name.size());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%.*s", static_cast<int>(key.size()), key.data());
    if (spec.required()) {
        // Red while the required value is missing.
        ImGui::SameLine(0.0f, 2.0f);
        ImGui::TextColored(value ? ImVec4(0.8f, 0.8f, 0.8f, 1.0f) : kErrorColor, "*");
    }
    ImGui::TableSetColumnIndex(1);
    ImGui::SetNextItemWidth(-FLT_MIN);

    Field& field = fields_[std::string(key)];
    const std::string widget_name = "attribute." + std::string(key);
    const bool bounded =
        std::isfinite(spec.min()) && std::isfinite(spec.max()) && spec.min() <= spec.max();
    // ImGui's S64 sliders take ranges within half of int64; schemas use far less.
    constexpr double kSliderLimit = 4.0e15;
    const bool int_slider = bounded && std::fabs(spec.min()) < kSliderLimit &&
                            std::fabs(spec.max()) < kSliderLimit &&
                            std::ceil(spec.min()) <= std::floor(spec.max());

    switch (spec.type()) {
        case v1::AttributeType::Bool: {
            bool on = value ? value->bool_value() : fallback == "true";
            const bool changed = ImGui::Checkbox("##bool", &on);
            app.name_widget(widget_name);
            if (changed)
                commit(app, annotation,
                       [&](v1::AnnotationT& a) { attribute_in(a, spec).bool_value = on; });
            break;
        }
        case v1::AttributeType::Enum: {
            const std::string_view current =
                value ? text(value->string_value()) : std::string_view();
            // A value the schema does not list shows as its key.
            std::string preview =
                current.empty() ? std::string(tr("attributes.not_set")) : std::string(current);
            if (spec.values() != nullptr && !current.empty())
                for (const v1::EnumValue* v : *spec.values())
                    if (text(v->key()) == current)
                        preview = std::string(localized(v->names(), lang, current));
            const bool open = ImGui::BeginCombo("##enum", preview.c_str());
            app.name_widget(widget_name);
            if (open) {
                std::optional<std::string> picked;
                if (ImGui::Selectable(tr("attributes.not_set"), current.empty()))
                    picked = std::string();
                app.name_widget(widget_name + "=");
                if (spec.values() != nullptr) {
                    for (const v1::EnumValue* v : *spec.values()) {
                        const std::string_view v_key = text(v->key());
                        const std::string v_name(localized(v->names(), lang, v_key));
                        if (ImGui::Selectable(v_name.c_str(), v_key == current))
                            picked = std::string(v_key);
                        app.name_widget(widget_name + "=" + std::string(v_key));
                    }
                }
                ImGui::EndCombo();
                if (picked) {
                    commit(app, annotation, [&](v1::AnnotationT& a) {
                        if (picked->empty())
                            remove_attribute(a, key);
                        else
                            attribute_in(a, spec).string_value = *picked;
                    });
                }
            }
            break;
        }
        case v1::AttributeType::MultiEnum: {
            if (spec.values() == nullptr) break;
            std::vector<std::string> chosen;
            if (value != nullptr && value->strings() != nullptr)
                for (const flatbuffers::String* s : *value->strings())
                    chosen.emplace_back(s->string_view());
            bool toggled = false;
            std::vector<std::string> next;
            for (const v1::EnumValue* v : *spec.values()) {
                const std::string v_key(text(v->key()));
                bool on = std::find(chosen.begin(), chosen.end(), v_key) != chosen.end();
                const std::string v_name(localized(v->names(), lang, v_key));
                ImGui::PushID(v);
                if (ImGui::Checkbox(v_name.c_str(), &on)) toggled = true;
                app.name_widget(widget_name + "=" + v_key);
                ImGui::PopID();
                if (on) next.push_back(v_key);  // schema order
            }
            if (toggled) {
                commit(app, annotation, [&](v1::AnnotationT& a) {
                    if (next.empty())
                        remove_attribute(a, key);
                    else
                        attribute_in(a, spec).strings = next;
                });
            }
            break;
        }
        case v1::AttributeType::Int: {
            if (!field.editing) {
                field.int_value = value ? value->int_value() : 0;
                if (!value && !fallback.empty())
                    std::sscanf(std::string(fallback).c_str(), "%" SCNd64, &field.int_value);
            }
            const std::string format = number_format("%" PRId64, unit);
            if (int_slider) {
                const std::int64_t lo = static_cast<std::int64_t>(std::ceil(spec.min()));
                const std::int64_t hi = static_cast<std::int64_t>(std::floor(spec.max()));
                ImGui::SliderScalar("##int", ImGuiDataType_S64, &field.int_value, &lo, &hi,
                                    format.c_str());
            } else {
                ImGui::InputScalar("##int", ImGuiDataType_S64, &field.int_value, nullptr, nullptr,
                                   format.c_str());
            }
            app.name_widget(widget_name);
            field.editing = ImGui::IsItemActive();
            if (ImGui::IsItemDeactivatedAfterEdit()) {
                std::int64_t v = field.int_value;
                if (std::isfinite(spec.min()) && static_cast<double>(v) < spec.min() &&
                    std::fabs(spec.min()) < kSliderLimit)
                    v = static_cast<std::int64_t>(std::ceil(spec.min()));
                if (std::isfinite(spec.max()) && static_cast<double>(v) > spec.max() &&
                    std::fabs(spec.max()) < kSliderLimit)
                    v = static_cast<std::int64_t>(std::floor(spec.max()));
                commit(app, annotation,
                       [&](v1::AnnotationT& a) { attribute_in(a, spec).int_value = v; });
            }
            break;
        }
        case v1::AttributeType::Float: {
            if (!field.editing) {
                field.float_value = value ? value->float_value() : 0.0;
                if (!value && !fallback.empty())
                    field.float_value = std::strtod(std::string(fallback).c_str(), nullptr);
            }
            const std::string format = number_format("%.3f", unit);
            if (bounded) {
                const double lo = spec.min();
                const double hi = spec.max();
                ImGui::SliderScalar("##float", ImGuiDataType_Double, &field.float_value, &lo, &hi,
                                    format.c_str());
            } else {
                ImGui::InputScalar("##float", ImGuiDataType_Double, &field.float_value, nullptr,
                                   nullptr, format.c_str());
            }
            app.name_widget(widget_name);
            field.editing = ImGui::IsItemActive();
            if (ImGui::IsItemDeactivatedAfterEdit() && std::isfinite(field.float_value)) {
                const double v = std::clamp(field.float_value, spec.min(), spec.max());
                commit(app, annotation,
                       [&](v1::AnnotationT& a) { attribute_in(a, spec).float_value = v; });
            }
            break;
        }
        case v1::AttributeType::String: {
            const std::string stored =
                value ? std::string(text(value->string_value())) : std::string(fallback);
            if (const std::string character = uneditable_character(stored); !character.empty()) {
                // Shown, never handed to ImGui's editor, which would rewrite it.
                ImGui::PushTextWrapPos(0.0f);
                ImGui::TextUnformatted(stored.c_str(), stored.c_str() + stored.size());
                app.name_widget(widget_name);
                ImGui::TextDisabled(tr("attributes.read_only_text"), character.c_str());
                ImGui::PopTextWrapPos();
                break;
            }
            if (!field.editing) field.text = stored;
            const bool entered =
                ImGui::InputText("##string", &field.text, ImGuiInputTextFlags_EnterReturnsTrue);
            app.name_widget(widget_name);
            field.editing = ImGui::IsItemActive();
            // ImGui turns what it cannot hold into U+FFFD: a new one means
            // the annotator typed or pasted such a character, which is lost.
            const bool altered =
                count_of(field.text, kReplacement) > count_of(stored, kReplacement) ||
                field.text.find('\0') != std::string::npos;
            if (altered) {
                ImGui::PushTextWrapPos(0.0f);
                ImGui::TextColored(kErrorColor, "%s", tr("attributes.unrepresentable"));
                ImGui::PopTextWrapPos();
            }
            if ((entered || ImGui::IsItemDeactivatedAfterEdit()) && altered) {
                app.message(tr("attributes.unrepresentable"), true);
                field.editing = false;  // back to the stored text
            } else if (entered || ImGui::IsItemDeactivatedAfterEdit()) {
                const std::string text = field.text;
                commit(app, annotation, [&](v1::AnnotationT& a) {
                    if (text.empty())
                        remove_attribute(a, key);
                    else
                        attribute_in(a, spec).string_value = text;
                });
            }
            check_text(spec, field.text);
            break;
        }
    }
    if (ImGui::IsItemHovered() && !fallback.empty() && value == nullptr)
        ImGui::SetTooltip(tr("attributes.default"), std::string(fallback).c_str());
}

void AttributeEditor::check_text(const v1::AttributeSpec& spec, const std::string& value) {
    if (value.empty()) return;
    if (const std::string_view source = text(spec.pattern()); !source.empty()) {
        const std::string source_text(source);
        if (const SchemaPattern& compiled = pattern(source_text); !compiled.ok()) {
            const std::string why = source_text + " (" + compiled.error() + ")";
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextColored(kErrorColor, tr("attributes.bad_pattern"), why.c_str());
            ImGui::PopTextWrapPos();
        } else if (!compiled.matches(value)) {
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextColored(kErrorColor, tr("attributes.pattern_mismatch"), source_text.c_str());
            ImGui::PopTextWrapPos();
        }
    }
    const auto* ranges = spec.unicode_ranges();
    if (ranges == nullptr || ranges->size() == 0) return;
    std::size_t pos = 0;
    int index = 0;
    while (pos < value.size()) {
        const std::size_t start = pos;
        const std::optional<char32_t> cp = decode_utf8(value, pos);
        ++index;
        if (!cp) {
            ImGui::TextColored(kErrorColor, tr("attributes.bad_utf8"), static_cast<int>(start));
            return;
        }
        bool allowed = false;
        for (const v1::UnicodeRange* range : *ranges)
            if (*cp >= range->first() && *cp <= range->last()) allowed = true;
        if (!allowed) {
            const std::string character = value.substr(start, pos - start);
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextColored(kErrorColor, tr("attributes.outside_ranges"), character.c_str(),
                               static_cast<unsigned>(*cp), index);
            ImGui::PopTextWrapPos();
            return;
        }
    }
}

}  // namespace

std::unique_ptr<Panel> make_attribute_editor() {
    return std::make_unique<AttributeEditor>();
}

}  // namespace tessera::studio
