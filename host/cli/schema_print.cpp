// Text and JSON renderings of a LabelSchema.

#include "schema_print.hpp"

#include <cmath>

#include <fmt/format.h>
#include <tessera/cpp/strings.hpp>

#include "core/display_text.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"

namespace tessera::cli {
namespace {

using flatbuffers::Offset;
using flatbuffers::Vector;

using cpp::text;

std::string lowercase_enum(const char* name) {
    // "MultiEnum" → "multi_enum", "TimeSubdivision" → "time_subdivision": the Lua API's spelling.
    std::string out;
    for (const char* c = name; *c; ++c) {
        if (*c >= 'A' && *c <= 'Z') {
            if (!out.empty()) out += '_';
            out += static_cast<char>(*c - 'A' + 'a');
        } else {
            out += *c;
        }
    }
    return out;
}

// --- JSON --------------------------------------------------------------

class JsonWriter {
public:
    std::string out;

    void key(std::string_view k) {
        comma();
        append_json_string(out, k);
        out += ':';
        first_ = true;
        pending_value_ = true;
    }
    void open(char bracket) {
        comma();
        out += bracket;
        first_ = true;
    }
    void close(char bracket) {
        out += bracket;
        first_ = false;
    }
    void string(std::string_view s) {
        comma();
        append_json_string(out, s);
    }
    void number(double v) {
        comma();
        if (std::isfinite(v))
            append_double(out, v);
        else
            out += "null";
    }
    void integer(std::uint64_t v) {
        comma();
        out += std::to_string(v);
    }
    void boolean(bool v) {
        comma();
        out += v ? "true" : "false";
    }

private:
    void comma() {
        if (pending_value_) {
            pending_value_ = false;
            first_ = false;
            return;
        }
        if (!first_) out += ',';
        first_ = false;
    }
    bool first_ = true;
    bool pending_value_ = false;
};

void names_json(JsonWriter& w, std::string_view key,
                const Vector<Offset<v1::LocalizedText>>* names) {
    w.key(key);
    w.open('{');
    if (names)
        for (const v1::LocalizedText* n : *names) {
            w.key(text(n->lang()));
            w.string(text(n->text()));
        }
    w.close('}');
}

void ranges_json(JsonWriter& w, const Vector<const v1::UnicodeRange*>* ranges) {
    w.key("unicode_ranges");
    w.open('[');
    if (ranges)
        for (const v1::UnicodeRange* r : *ranges) {
            w.open('[');
            w.integer(r->first());
            w.integer(r->last());
            w.close(']');
        }
    w.close(']');
}

void attributes_json(JsonWriter& w, std::string_view key,
                     const Vector<Offset<v1::AttributeSpec>>* specs) {
    w.key(key);
    w.open('[');
    if (specs)
        for (const v1::AttributeSpec* a : *specs) {
            w.open('{');
            w.key("key"), w.string(text(a->key()));
            names_json(w, "names", a->names());
            w.key("type"), w.string(lowercase_enum(v1::EnumNameAttributeType(a->type())));
            w.key("required"), w.boolean(a->required());
            if (a->values()) {
                w.key("values");
                w.open('[');
                for (const v1::EnumValue* v : *a->values()) {
                    w.open('{');
                    w.key("key"), w.string(text(v->key()));
                    names_json(w, "names", v->names());
                    w.close('}');
                }
                w.close(']');
            }
            if (std::isfinite(a->min())) w.key("min"), w.number(a->min());
            if (std::isfinite(a->max())) w.key("max"), w.number(a->max());
            if (!text(a->unit()).empty()) w.key("unit"), w.string(text(a->unit()));
            if (!text(a->pattern()).empty()) w.key("pattern"), w.string(text(a->pattern()));
            if (a->unicode_ranges() && a->unicode_ranges()->size())
                ranges_json(w, a->unicode_ranges());
            if (!text(a->default_value()).empty())
                w.key("default"), w.string(text(a->default_value()));
            w.close('}');
        }
    w.close(']');
}

// --- Text --------------------------------------------------------------

// A schema's text comes from plugins: shown as one terminal line each (see terminal_text).
std::string shown(const flatbuffers::String* s) {
    return terminal_text(text(s));
}

std::string both_names(const Vector<Offset<v1::LocalizedText>>* names) {
    const std::string zh = terminal_text(localized(names, "zh-CN"));
    const std::string en = terminal_text(localized(names, "en"));
    if (zh.empty() || zh == en) return en;
    if (en.empty()) return zh;
    return zh + " / " + en;
}

std::string attribute_line(const v1::AttributeSpec& a) {
    std::string line =
        fmt::format("{} ({}", shown(a.key()), lowercase_enum(v1::EnumNameAttributeType(a.type())));
    if (a.required()) line += ", required";
    if (std::isfinite(a.min()) || std::isfinite(a.max())) {
        line += ", ";
        if (std::isfinite(a.min())) append_double(line, a.min());
        line += "..";
        if (std::isfinite(a.max())) append_double(line, a.max());
    }
    if (!text(a.unit()).empty()) line += fmt::format(" {}", shown(a.unit()));
    line += ')';
    if (a.values() && a.values()->size()) {
        line += ':';
        for (const v1::EnumValue* v : *a.values()) line += fmt::format(" {}", shown(v->key()));
    }
    const std::string names = both_names(a.names());
    if (!names.empty()) line += fmt::format("  — {}", names);
    return line;
}

}  // namespace

std::string localized(const Vector<Offset<v1::LocalizedText>>* names, std::string_view lang) {
    if (!names || names->size() == 0) return {};
    for (const v1::LocalizedText* n : *names)
        if (text(n->lang()) == lang) return std::string(text(n->text()));
    return std::string(text(names->Get(0)->text()));
}

std::string schema_json(const v1::LabelSchema& s) {
    JsonWriter w;
    w.open('{');
    w.key("id"), w.string(text(s.id()));
    w.key("version"), w.string(text(s.version()));
    names_json(w, "names", s.names());
    w.key("classes");
    w.open('[');
    if (s.classes())
        for (const v1::LabelClass* c : *s.classes()) {
            w.open('{');
            w.key("key"), w.string(text(c->key()));
            names_json(w, "names", c->names());
            if (!text(c->parent()).empty()) w.key("parent"), w.string(text(c->parent()));
            w.key("color"), w.string(fmt::format("#{:08X}", c->color()));
            if (!text(c->hotkey()).empty()) w.key("hotkey"), w.string(text(c->hotkey()));
            w.key("geometry");
            w.open('[');
            if (c->geometry())
                for (auto kind : *c->geometry())
                    w.string(lowercase_enum(
                        v1::EnumNameGeometryKind(static_cast<v1::GeometryKind>(kind))));
            w.close(']');
            if (c->min_width() > 0) w.key("min_width"), w.number(c->min_width());
            if (c->min_height() > 0) w.key("min_height"), w.number(c->min_height());
            attributes_json(w, "attributes", c->attributes());
            w.close('}');
        }
    w.close(']');
    w.key("tiers");
    w.open('[');
    if (s.tiers())
        for (const v1::Tier* t : *s.tiers()) {
            w.open('{');
            w.key("key"), w.string(text(t->key()));
            names_json(w, "names", t->names());
            if (!text(t->parent()).empty()) w.key("parent"), w.string(text(t->parent()));
            w.key("constraint"),
                w.string(lowercase_enum(v1::EnumNameTierConstraint(t->constraint())));
            w.key("exclusive"), w.boolean(t->exclusive());
            if (!text(t->lang()).empty()) w.key("lang"), w.string(text(t->lang()));
            ranges_json(w, t->unicode_ranges());
            attributes_json(w, "attributes", t->attributes());
            w.close('}');
        }
    w.close(']');
    w.key("defects");
    w.open('[');
    if (s.defects())
        for (const v1::Defect* d : *s.defects()) {
            w.open('{');
            w.key("key"), w.string(text(d->key()));
            names_json(w, "names", d->names());
            names_json(w, "descriptions", d->descriptions());
            w.close('}');
        }
    w.close(']');
    attributes_json(w, "item_attributes", s.item_attributes());
    w.close('}');
    w.out += '\n';
    return w.out;
}

std::string schema_text(const v1::LabelSchema& s) {
    std::string out =
        fmt::format("{} {}  {}\n", shown(s.id()), shown(s.version()), both_names(s.names()));
    if (s.classes() && s.classes()->size()) {
        out += fmt::format("\nclasses ({}):\n", s.classes()->size());
        for (const v1::LabelClass* c : *s.classes()) {
            std::string kinds;
            if (c->geometry())
                for (auto kind : *c->geometry())
                    kinds += (kinds.empty() ? "" : ",") + lowercase_enum(v1::EnumNameGeometryKind(
                                                              static_cast<v1::GeometryKind>(kind)));
            out += fmt::format(
                "  {}{}  {}  [{}]{}\n", shown(c->key()),
                text(c->hotkey()).empty() ? "" : fmt::format(" ({})", shown(c->hotkey())),
                both_names(c->names()), kinds.empty() ? "any geometry" : kinds,
                text(c->parent()).empty() ? "" : fmt::format("  parent {}", shown(c->parent())));
            if (c->attributes())
                for (const v1::AttributeSpec* a : *c->attributes())
                    out += "      " + attribute_line(*a) + "\n";
        }
    }
    if (s.tiers() && s.tiers()->size()) {
        out += fmt::format("\ntiers ({}):\n", s.tiers()->size());
        for (const v1::Tier* t : *s.tiers()) {
            out += fmt::format(
                "  {}  {}  {}{}{}\n", shown(t->key()), both_names(t->names()),
                lowercase_enum(v1::EnumNameTierConstraint(t->constraint())),
                t->exclusive() ? ", exclusive" : "",
                text(t->parent()).empty() ? "" : fmt::format(", parent {}", shown(t->parent())));
            if (t->attributes())
                for (const v1::AttributeSpec* a : *t->attributes())
                    out += "      " + attribute_line(*a) + "\n";
        }
    }
    if (s.item_attributes() && s.item_attributes()->size()) {
        out += "\nitem attributes:\n";
        for (const v1::AttributeSpec* a : *s.item_attributes())
            out += "  " + attribute_line(*a) + "\n";
    }
    if (s.defects() && s.defects()->size()) {
        out += fmt::format("\ndefects ({}):\n", s.defects()->size());
        for (const v1::Defect* d : *s.defects())
            out += fmt::format("  {}  {}\n", shown(d->key()), both_names(d->names()));
    }
    return out;
}

}  // namespace tessera::cli
