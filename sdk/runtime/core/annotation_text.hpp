#pragma once
// The strings of an annotation, and what can be wrong with them. The store
// refuses strings that cannot be text (invalid UTF-8, a NUL byte) when they are
// written; `tessera validate` and builtin.text-damaged find text damaged before
// it reached the store: the U+FFFD a lossy conversion leaves in place of each
// character it could not represent (a UI built with 16-bit wide characters
// meeting a character above U+FFFF), or text not in NFC.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/cpp/strings.hpp>

#include "core/data_api.hpp"

namespace tessera {

/// True when `text` is ASCII without a NUL byte: such text is valid UTF-8 in
/// NFC and needs no further check. A few word loads per string, with no loop
/// for the short strings most labels and keys are.
[[nodiscard]] inline bool plain_ascii(std::string_view text) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
    // Non-zero exactly when a byte of `word` is zero or has its high bit set.
    const auto bad = [](std::uint64_t word) { return (word | ((word - kOnes) & ~word)) & kHighs; };
    const char* p = text.data();
    const std::size_t n = text.size();
    if (n >= 8) {
        std::uint64_t word;
        for (std::size_t i = 0; i + 8 < n; i += 8) {
            std::memcpy(&word, p + i, 8);
            if (bad(word)) return false;
        }
        std::memcpy(&word, p + n - 8, 8);  // the last 8 bytes, overlapping the loop's
        return !bad(word);
    }
    if (n >= 4) {
        std::uint32_t first, last;
        std::memcpy(&first, p, 4);
        std::memcpy(&last, p + n - 4, 4);
        return !bad((std::uint64_t{first} << 32) | last);
    }
    for (std::size_t i = 0; i < n; ++i)
        if (const auto c = static_cast<unsigned char>(p[i]); c == 0 || c >= 0x80) return false;
    return true;
}

/// Why `text` cannot be stored as text: "is not valid UTF-8 at byte N" or
/// "has a NUL byte at byte N" (N counts from 1, the earlier problem wins);
/// empty when it can.
[[nodiscard]] std::string unstorable_text(std::string_view text);

/// What one string holds that a reader should know of.
struct TextScan {
    /// Offset of the first byte that is not well-formed UTF-8.
    std::optional<std::size_t> invalid_utf8;
    /// Offset of the first NUL byte, and how many there are.
    std::optional<std::size_t> nul;
    std::size_t nuls = 0;
    /// Offset of the first U+FFFD REPLACEMENT CHARACTER, and how many there are.
    std::optional<std::size_t> replacement;
    std::size_t replacements = 0;
    /// The NFC form (utf8proc) of valid UTF-8 that is not in NFC; nullopt otherwise.
    std::optional<std::string> nfc;

    /// Invalid UTF-8, a NUL byte or U+FFFD: characters were lost or never were text.
    [[nodiscard]] bool damaged() const { return invalid_utf8 || nul || replacement; }
};

/// Scans `text` for invalid UTF-8, NUL bytes, U+FFFD and, when `nfc` is set,
/// for not being in NFC.
[[nodiscard]] TextScan scan_text(std::string_view text, bool nfc = true);

/// One kind of damage in a string, as a phrase to follow "text": "has a NUL
/// byte at byte 9", "has 3 U+FFFD replacement characters, the first at byte 1",
/// "is not valid UTF-8 at byte 4" (bytes count from 1).
struct Damage {
    enum class Kind : std::uint8_t { InvalidUtf8, Nul, Replacement };
    Kind kind;
    std::string phrase;
};

/// The damage `scan` found, one entry per kind, in the order of Damage::Kind.
[[nodiscard]] std::vector<Damage> damages(const TextScan& scan);

/// Which string of an annotation a check is looking at.
struct TextField {
    enum class Kind : std::uint8_t {
        Label,
        Text,
        Tier,
        AttributeKey,
        AttributeValue,
        AttributeListValue,
        RelationKind,
        ProvenanceAuthor,
        ProvenanceModel,
        MetadataKey,
        MetadataValue,
    };
    Kind kind = Kind::Label;
    /// The attribute, relation or metadata entry, counting from 1.
    std::uint32_t index = 0;
    /// The attribute's or metadata entry's key, to name it by.
    std::string_view key;
    /// The value within a MultiEnum attribute's list, counting from 1.
    std::uint32_t value = 0;
};

/// The field as messages name it: `label`, `attribute "name"`,
/// `attribute "tags", value 2`, `key of attribute 3`, `relation 1 kind`,
/// `provenance author`, `metadata "source"`. A key that is not plain
/// printable text is replaced by the entry's number.
[[nodiscard]] std::string field_name(const TextField& field);

/// Calls `visit(const TextField&, std::string_view)` for every non-empty
/// string of `annotation`: label, text, tier, attribute keys and values,
/// relation kinds, provenance, metadata.
template <class Visit>
void for_each_text(const v1::Annotation& annotation, Visit&& visit) {
    using Kind = TextField::Kind;
    const auto field = [&](const flatbuffers::String* text, Kind kind, std::uint32_t index = 0,
                           std::string_view key = {}, std::uint32_t value = 0) {
        if (text && text->size()) visit(TextField{kind, index, key, value}, cpp::text(text));
    };
    field(annotation.label(), Kind::Label);
    field(annotation.text(), Kind::Text);
    field(annotation.tier(), Kind::Tier);
    if (const auto* attributes = annotation.attributes()) {
        std::uint32_t index = 0;
        for (const v1::Attribute* attribute : *attributes) {
            const std::string_view key = cpp::text(attribute->key());
            ++index;
            field(attribute->key(), Kind::AttributeKey, index, key);
            field(attribute->string_value(), Kind::AttributeValue, index, key);
            if (const auto* strings = attribute->strings()) {
                std::uint32_t value = 0;
                for (const flatbuffers::String* text : *strings)
                    field(text, Kind::AttributeListValue, index, key, ++value);
            }
        }
    }
    if (const auto* relations = annotation.relations()) {
        std::uint32_t index = 0;
        for (const v1::Relation* relation : *relations)
            field(relation->kind(), Kind::RelationKind, ++index);
    }
    if (const v1::Provenance* provenance = annotation.provenance()) {
        field(provenance->author(), Kind::ProvenanceAuthor);
        field(provenance->model(), Kind::ProvenanceModel);
    }
    if (const auto* metadata = annotation.metadata()) {
        std::uint32_t index = 0;
        for (const v1::KeyValue* entry : *metadata) {
            const std::string_view key = cpp::text(entry->key());
            ++index;
            field(entry->key(), Kind::MetadataKey, index, key);
            field(entry->value(), Kind::MetadataValue, index, key);
        }
    }
}

/// for_each_text() over an unpacked annotation, as imports hand them to the
/// store: the same fields in the same order, without FlatBuffers look-ups.
template <class Visit>
void for_each_text(const v1::AnnotationT& annotation, Visit&& visit) {
    using Kind = TextField::Kind;
    const auto field = [&](const std::string& text, Kind kind, std::uint32_t index = 0,
                           std::string_view key = {}, std::uint32_t value = 0) {
        if (!text.empty()) visit(TextField{kind, index, key, value}, std::string_view(text));
    };
    field(annotation.label, Kind::Label);
    field(annotation.text, Kind::Text);
    field(annotation.tier, Kind::Tier);
    std::uint32_t index = 0;
    for (const auto& attribute : annotation.attributes) {
        ++index;
        if (!attribute) continue;
        field(attribute->key, Kind::AttributeKey, index, attribute->key);
        field(attribute->string_value, Kind::AttributeValue, index, attribute->key);
        std::uint32_t value = 0;
        for (const std::string& text : attribute->strings)
            field(text, Kind::AttributeListValue, index, attribute->key, ++value);
    }
    index = 0;
    for (const auto& relation : annotation.relations)
        if (++index, relation) field(relation->kind, Kind::RelationKind, index);
    if (const v1::ProvenanceT* provenance = annotation.provenance.get()) {
        field(provenance->author, Kind::ProvenanceAuthor);
        field(provenance->model, Kind::ProvenanceModel);
    }
    index = 0;
    for (const auto& entry : annotation.metadata) {
        ++index;
        if (!entry) continue;
        field(entry->key, Kind::MetadataKey, index, entry->key);
        field(entry->value, Kind::MetadataValue, index, entry->key);
    }
}

/// The first string of `annotation` that unstorable_text() refuses, as
/// `attribute "name": text has a NUL byte at byte 9`; empty when there is none.
[[nodiscard]] std::string first_unstorable_text(const v1::Annotation& annotation);
[[nodiscard]] std::string first_unstorable_text(const v1::AnnotationT& annotation);

}  // namespace tessera
