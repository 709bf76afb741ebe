// Text rules: text outside the allowed Unicode ranges, text not valid UTF-8
// in NFC, overlapping time spans in an exclusive tier.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>
#include <utf8proc.h>

#include "formats/text.hpp"
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

/// The NFC form of valid UTF-8 `text`, or nullopt if utf8proc refuses it.
std::optional<std::string> nfc_of(std::string_view text) {
    utf8proc_uint8_t* mapped = nullptr;
    const utf8proc_ssize_t length = utf8proc_map(
        reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
        static_cast<utf8proc_ssize_t>(text.size()), &mapped,
        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
    if (length < 0) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length));
}

/// Whose text is checked: an attribute's value, or an annotation's text on a tier (or none).
struct TextOwner {
    const AttributeRule* attribute = nullptr;
    const TierRule* tier = nullptr;

    [[nodiscard]] std::string what() const {
        return attribute ? fmt::format("attribute \"{}\"", attribute->key) : std::string("text");
    }
    [[nodiscard]] std::string ranges_owner() const {
        if (attribute) return fmt::format("attribute \"{}\" of {}", attribute->key, attribute->owner);
        return tier ? fmt::format("tier {}", tier->key) : std::string();
    }
};

/// Checks one text: valid UTF-8 in NFC, and inside `ranges` (empty = any).
void check_text_value(const Pass& pass, std::uint64_t id, std::string_view text,
                      const std::vector<v1::UnicodeRange>& ranges, const TextOwner& owner) {
    const bool ascii = is_ascii(text);
    if (!ascii) {
        if (const auto bad = formats::first_invalid_utf8(text)) {
            const std::string_view rule = pass.on.text_nfc ? kTextNfc : kTextRange;
            pass.report(rule, id, fmt::format("{} is not valid UTF-8 (byte {})", owner.what(), *bad));
            return;
        }
        if (pass.on.text_nfc) {
            const std::optional<std::string> nfc = nfc_of(text);
            if (nfc && *nfc != text)
                pass.report(kTextNfc, id, fmt::format("{} is not in Unicode NFC", owner.what()),
                            fmt::format("replace it with its NFC form \"{}\"", *nfc));
        }
    }
    if (!pass.on.text_range || ranges.empty()) return;
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

}  // namespace

void check_text(const Pass& pass, const AnnotationFields& annotation, const TierRule* tier,
                int tier_index) {
    if (const auto* text = annotation.text; text && text->size()) {
        static const std::vector<v1::UnicodeRange> any;
        check_text_value(pass, annotation.id, view(text), tier ? tier->ranges : any,
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
            const std::uint64_t ids[2] = {std::min(before.id, span.id), std::max(before.id, span.id)};
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
