#include "core/annotation_text.hpp"

#include <cstdlib>
#include <memory>

#include <fmt/format.h>
#include <utf8proc.h>

#include "core/text.hpp"

namespace tessera {
namespace {

/// The NFC form of valid UTF-8 `text` when it differs from `text`.
std::optional<std::string> nfc_if_different(std::string_view text) {
    utf8proc_uint8_t* mapped = nullptr;
    const utf8proc_ssize_t length =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                     static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
    if (length < 0) return std::nullopt;
    std::string nfc(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length));
    if (nfc == text) return std::nullopt;
    return nfc;
}

/// Keys are shown in messages only when they cannot break the line or the terminal.
bool printable(std::string_view key) {
    if (key.empty() || first_invalid_utf8(key)) return false;
    for (const char c : key)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '"') return false;
    return key.find("\xEF\xBF\xBD") == std::string_view::npos;
}

}  // namespace

std::string unstorable_text(std::string_view text) {
    if (plain_ascii(text)) return {};
    const std::optional<std::size_t> invalid = first_invalid_utf8(text);
    const std::size_t nul = text.find('\0');
    if (invalid && (nul == std::string_view::npos || *invalid < nul))
        return fmt::format("is not valid UTF-8 at byte {}", *invalid + 1);
    if (nul != std::string_view::npos) return fmt::format("has a NUL byte at byte {}", nul + 1);
    return {};
}

TextScan scan_text(std::string_view text, bool nfc) {
    TextScan scan;
    if (plain_ascii(text)) return scan;
    scan.invalid_utf8 = first_invalid_utf8(text);
    for (std::size_t at = text.find('\0'); at != std::string_view::npos;
         at = text.find('\0', at + 1)) {
        if (!scan.nul) scan.nul = at;
        ++scan.nuls;
    }
    constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
    for (std::size_t at = text.find(kReplacement); at != std::string_view::npos;
         at = text.find(kReplacement, at + kReplacement.size())) {
        if (!scan.replacement) scan.replacement = at;
        ++scan.replacements;
    }
    if (nfc && !scan.invalid_utf8) scan.nfc = nfc_if_different(text);
    return scan;
}

std::vector<Damage> damages(const TextScan& scan) {
    using Kind = Damage::Kind;
    std::vector<Damage> found;
    if (scan.invalid_utf8)
        found.push_back({Kind::InvalidUtf8,
                         fmt::format("is not valid UTF-8 at byte {}", *scan.invalid_utf8 + 1)});
    if (scan.nul)
        found.push_back({Kind::Nul, scan.nuls == 1
                                        ? fmt::format("has a NUL byte at byte {}", *scan.nul + 1)
                                        : fmt::format("has {} NUL bytes, the first at byte {}",
                                                      scan.nuls, *scan.nul + 1)});
    if (scan.replacement)
        found.push_back(
            {Kind::Replacement,
             scan.replacements == 1
                 ? fmt::format("has a U+FFFD replacement character at byte {}",
                               *scan.replacement + 1)
                 : fmt::format("has {} U+FFFD replacement characters, the first at byte {}",
                               scan.replacements, *scan.replacement + 1)});
    return found;
}

std::string field_name(const TextField& field) {
    using Kind = TextField::Kind;
    const auto entry = [&](std::string_view what) {
        return printable(field.key) ? fmt::format("{} \"{}\"", what, field.key)
                                    : fmt::format("{} {}", what, field.index);
    };
    switch (field.kind) {
        case Kind::Label:
            return "label";
        case Kind::Text:
            return "text";
        case Kind::Tier:
            return "tier";
        case Kind::AttributeKey:
            return fmt::format("key of attribute {}", field.index);
        case Kind::AttributeValue:
            return entry("attribute");
        case Kind::AttributeListValue:
            return fmt::format("{}, value {}", entry("attribute"), field.value);
        case Kind::RelationKind:
            return fmt::format("relation {} kind", field.index);
        case Kind::ProvenanceAuthor:
            return "provenance author";
        case Kind::ProvenanceModel:
            return "provenance model";
        case Kind::MetadataKey:
            return fmt::format("key of metadata entry {}", field.index);
        case Kind::MetadataValue:
            return entry("metadata");
    }
    return "string";
}

namespace {

template <class Annotation>
std::string first_unstorable(const Annotation& annotation) {
    std::string problem;
    for_each_text(annotation, [&](const TextField& field, std::string_view text) {
        if (!problem.empty() || plain_ascii(text)) return;
        if (std::string why = unstorable_text(text); !why.empty())
            problem = fmt::format("{}: text {}", field_name(field), why);
    });
    return problem;
}

}  // namespace

std::string first_unstorable_text(const v1::Annotation& annotation) {
    return first_unstorable(annotation);
}

std::string first_unstorable_text(const v1::AnnotationT& annotation) {
    return first_unstorable(annotation);
}

}  // namespace tessera
