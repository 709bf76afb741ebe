// Text rules: text outside the allowed Unicode ranges, strings not in NFC or
// damaged (U+FFFD, NUL, invalid UTF-8), overlapping time spans in an exclusive tier.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>
#include <utf8proc.h>

#include "core/annotation_text.hpp"
#include "core/text.hpp"
#include "rules_internal.hpp"

namespace tessera::rules {
namespace {

bool is_ascii(std::string_view text) {
    for (const char c : text)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

std::string ranges_text(const std::vector<v1::UnicodeRange>& ranges) {
    std::string out;
    for (const v1::UnicodeRange& range : ranges) {
        if (!out.empty()) out += ", ";
        fmt::format_to(std::back_inserter(out), "U+{:04X}–U+{:04X}", range.first(), range.last());
    }
    return out;
}

bool allowed(const std::vector<v1::UnicodeRange>& ranges, std::uint32_t code_point) {
    // Whitespace separates words in every orthography; ranges list letters.
    if (code_point == ' ' || code_point == '\t' || code_point == '\n' || code_point == '\r')
        return true;
    for (const v1::UnicodeRange& range : ranges)
        if (range.first() <= code_point && code_point <= range.last()) return true;
    return false;
}

/// Whose text is checked: an attribute's value, or an annotation's text on a tier (or none).
struct TextOwner {
    const AttributeRule* attribute = nullptr;
    const TierRule* tier = nullptr;

    [[nodiscard]] std::string what() const {
        return attribute ? fmt::format("attribute \"{}\"", attribute->key) : std::string("text");
    }
    [[nodiscard]] std::string ranges_owner() const {
        if (attribute)
            return fmt::format("attribute \"{}\" of {}", attribute->key, attribute->owner);
        return tier ? fmt::format("tier {}", tier->key) : std::string();
    }
};

/// Checks that one text lies inside `ranges` (empty = any).
void check_text_value(const Pass& pass, std::uint64_t id, std::string_view text,
                      const std::vector<v1::UnicodeRange>& ranges, const TextOwner& owner) {
    if (!pass.on.text_range || ranges.empty()) return;
    if (!is_ascii(text)) {
        if (const auto bad = first_invalid_utf8(text)) {
            // Its code points cannot be told; builtin.text-damaged reports the text when on.
            if (!pass.on.text_damaged)
                pass.report(kTextRange, id,
                            fmt::format("{} is not valid UTF-8 (byte {})", owner.what(), *bad));
            return;
        }
    }
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    std::size_t at = 0, index = 0;
    while (at < text.size()) {
        utf8proc_int32_t code_point = 0;
        const utf8proc_ssize_t length = utf8proc_iterate(
            bytes + at, static_cast<utf8proc_ssize_t>(text.size() - at), &code_point);
        if (length <= 0) return;  // cannot happen after the UTF-8 check
        if (!allowed(ranges, static_cast<std::uint32_t>(code_point))) {
            const std::string_view character = text.substr(at, static_cast<std::size_t>(length));
            pass.report(kTextRange, id,
                        fmt::format("{} has U+{:04X} \"{}\" at code point {}, outside the ranges "
                                    "{} allows ({})",
                                    owner.what(), code_point, character, index,
                                    owner.ranges_owner(), ranges_text(ranges)));
            return;
        }
        at += static_cast<std::size_t>(length);
        ++index;
    }
}

std::string_view damage_fix(Damage::Kind kind) {
    switch (kind) {
        case Damage::Kind::InvalidUtf8:
            return "enter the text again as UTF-8, or correct the file it was imported from";
        case Damage::Kind::Nul:
            return "delete the NUL bytes: text never holds them; they are left over from a "
                   "buffer of an editor or converter";
        case Damage::Kind::Replacement:
            break;
    }
    return "type the text again from its source: each U+FFFD stands for a character that a "
           "conversion could not represent and lost";
}

}  // namespace

void check_text(const Pass& pass, const AnnotationFields& annotation, const TierRule* tier,
                int tier_index) {
    if (const auto* text = annotation.text; text && text->size()) {
        static const std::vector<v1::UnicodeRange> any;
        check_text_value(pass, annotation.id, cpp::text(text), tier ? tier->ranges : any,
                         TextOwner{nullptr, tier});
    }
    if (pass.on.tier_overlap && tier && tier->exclusive &&
        annotation.geometry_type == v1::Geometry::TimeSpan) {
        const v1::TimeSpan& span = *static_cast<const v1::TimeSpan*>(annotation.geometry);
        // A NaN would break the sort's strict weak ordering; such spans are
        // reported by builtin.degenerate-geometry instead.
        if (std::isfinite(span.start()) && std::isfinite(span.end()))
            pass.scratch.spans.push_back({tier_index, span.start(), span.end(), annotation.id});
    }
}

namespace {

/// True when every string of the annotation is plain ASCII, so neither damaged
/// nor outside NFC: what nearly every annotation is, found without naming fields.
bool all_plain(PlainStrings& plain, const AnnotationFields& annotation) {
    using String = flatbuffers::String;
    if (!plain.plain(annotation.label) || !plain.plain(annotation.text) ||
        !plain.plain(annotation.tier))
        return false;
    if (annotation.attributes)
        for (const v1::Attribute* attribute : *annotation.attributes) {
            using A = v1::Attribute;
            const TableFields fields(attribute);
            if (!plain.plain(fields.pointer<String>(A::VT_KEY)) ||
                !plain.plain(fields.pointer<String>(A::VT_STRING_VALUE)))
                return false;
            if (const auto* strings =
                    fields.pointer<flatbuffers::Vector<flatbuffers::Offset<String>>>(A::VT_STRINGS))
                for (const String* value : *strings)
                    if (!plain.plain(value)) return false;
        }
    using N = v1::Annotation;
    const TableFields fields(annotation.annotation);
    if (const auto* relations =
            fields.pointer<flatbuffers::Vector<flatbuffers::Offset<v1::Relation>>>(N::VT_RELATIONS))
        for (const v1::Relation* relation : *relations)
            if (!plain.plain(relation->kind())) return false;
    if (const auto* provenance = fields.pointer<v1::Provenance>(N::VT_PROVENANCE);
        provenance && provenance != plain.provenance) {
        if (!plain.plain(provenance->author()) || !plain.plain(provenance->model())) return false;
        plain.provenance = provenance;
    }
    if (const auto* metadata =
            fields.pointer<flatbuffers::Vector<flatbuffers::Offset<v1::KeyValue>>>(N::VT_METADATA))
        for (const v1::KeyValue* entry : *metadata)
            if (!plain.plain(entry->key()) || !plain.plain(entry->value())) return false;
    return true;
}

/// check_strings() for an annotation with a string that is not plain ASCII.
[[gnu::cold]] void check_other_strings(const Pass& pass, const AnnotationFields& annotation) {
    for_each_text(*annotation.annotation, [&](const TextField& field, std::string_view text) {
        if (plain_ascii(text)) return;
        const TextScan scan = scan_text(text, pass.on.text_nfc);
        if (pass.on.text_damaged && scan.damaged()) {
            const std::string name = field_name(field);
            for (const Damage& damage : damages(scan))
                pass.report(kTextDamaged, annotation.id, fmt::format("{} {}", name, damage.phrase),
                            damage_fix(damage.kind));
        }
        if (pass.on.text_nfc && scan.nfc)
            pass.report(kTextNfc, annotation.id,
                        fmt::format("{} is not in Unicode NFC", field_name(field)),
                        fmt::format("replace it with its NFC form \"{}\"", *scan.nfc));
    });
}

}  // namespace

void check_strings(const Pass& pass, const AnnotationFields& annotation) {
    if (!all_plain(pass.scratch.plain, annotation)) check_other_strings(pass, annotation);
}

void check_attribute_text(const Pass& pass, std::uint64_t annotation, const AttributeRule& rule,
                          std::string_view text) {
    if (text.empty()) return;
    check_text_value(pass, annotation, text, rule.ranges, TextOwner{&rule, nullptr});
}

void check_tier_overlaps(const Pass& pass) {
    auto& spans = pass.scratch.spans;
    std::sort(spans.begin(), spans.end(), [](const SpanEntry& a, const SpanEntry& b) {
        return a.tier != b.tier ? a.tier < b.tier : a.start < b.start;
    });
    // Each span is compared with the one reaching furthest among those before it.
    std::size_t reach = 0;
    for (std::size_t i = 1; i < spans.size(); ++i) {
        const SpanEntry& span = spans[i];
        if (span.tier != spans[reach].tier) {
            reach = i;
            continue;
        }
        const SpanEntry& before = spans[reach];
        if (span.start < before.end) {
            const std::string& tier = pass.tables.tiers[static_cast<std::size_t>(span.tier)].key;
            const std::uint64_t ids[2] = {std::min(before.id, span.id),
                                          std::max(before.id, span.id)};
            pass.sink.report(kTierOverlap, ids,
                             fmt::format("spans {} ({}–{} s) and {} ({}–{} s) overlap in exclusive "
                                         "tier {}",
                                         before.id, before.start, before.end, span.id, span.start,
                                         span.end, tier),
                             fmt::format("move the start of span {} to {} s", span.id, before.end));
        }
        if (span.end > before.end) reach = i;
    }
}

}  // namespace tessera::rules
