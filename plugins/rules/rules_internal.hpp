#pragma once
// What the built-in rules share: rule ids, the lookup tables built once per
// checker from the label schema, and the per-item pass every theme's checks
// report through. The hot path does no allocation per annotation: keys are
// found through KeyIndex over string_views and scratch vectors are reused.
//
// The checks every box annotation meets (label, attributes, box geometry) are
// inline below, so the per-item driver reads each annotation's fields once and
// runs them without a call per theme; what they report, and every rarer
// geometry, lives out of line in the theme's .cpp file.

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/cpp/strings.hpp>

#include "core/annotation_text.hpp"
#include "core/data_api.hpp"
#include "core/schema_pattern.hpp"
#include "qa/rule.hpp"

namespace tessera::rules {

inline constexpr std::string_view kLabelUnknown = "builtin.label-unknown";
inline constexpr std::string_view kGeometryKind = "builtin.geometry-kind";
inline constexpr std::string_view kAttributeRequired = "builtin.attribute-required";
inline constexpr std::string_view kAttributeValue = "builtin.attribute-value";
inline constexpr std::string_view kOutsideImage = "builtin.outside-image";
inline constexpr std::string_view kDegenerate = "builtin.degenerate-geometry";
inline constexpr std::string_view kBoxMinSize = "builtin.box-min-size";
inline constexpr std::string_view kNearDuplicate = "builtin.near-duplicate";
inline constexpr std::string_view kTextRange = "builtin.text-unicode-range";
inline constexpr std::string_view kTextNfc = "builtin.text-nfc";
inline constexpr std::string_view kTextDamaged = "builtin.text-damaged";
inline constexpr std::string_view kTierOverlap = "builtin.tier-overlap";

using cpp::text;

/// True when `a` and `b` hold the same bytes; short keys are compared with a
/// few loads instead of a call into libc.
inline bool same_key(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    if (n != b.size()) return false;
    if (n >= 8) {
        std::uint64_t x0, y0, x1, y1;
        std::memcpy(&x0, a.data(), 8), std::memcpy(&y0, b.data(), 8);
        std::memcpy(&x1, a.data() + n - 8, 8), std::memcpy(&y1, b.data() + n - 8, 8);
        if (x0 != y0 || x1 != y1) return false;
        return n <= 16 || std::memcmp(a.data() + 8, b.data() + 8, n - 16) == 0;
    }
    if (n >= 4) {
        std::uint32_t x0, y0, x1, y1;
        std::memcpy(&x0, a.data(), 4), std::memcpy(&y0, b.data(), 4);
        std::memcpy(&x1, a.data() + n - 4, 4), std::memcpy(&y1, b.data() + n - 4, 4);
        return x0 == y0 && x1 == y1;
    }
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

/// Open-addressing hash table from keys (owned elsewhere) to their index.
class KeyIndex {
public:
    /// Indexes `keys`; they must outlive the index and be unique (later duplicates are ignored).
    void build(const std::vector<std::string_view>& keys);
    /// Index of `key`, or -1.
    [[nodiscard]] int find(std::string_view key) const {
        if (slots_.empty()) return -1;
        for (std::size_t at = hash(key) & mask_;; at = (at + 1) & mask_) {
            const int index = slots_[at];
            if (index < 0) return -1;
            if (same_key(keys_[static_cast<std::size_t>(index)], key)) return index;
        }
    }
    [[nodiscard]] bool empty() const { return keys_.empty(); }

private:
    static std::uint64_t hash(std::string_view key) {
        // Label keys are short: mix the length with the first and last bytes.
        const auto* p = reinterpret_cast<const unsigned char*>(key.data());
        const std::size_t n = key.size();
        std::uint64_t a = 0, b = 0;
        if (n >= 8) {
            std::memcpy(&a, p, 8);
            std::memcpy(&b, p + n - 8, 8);
        } else if (n >= 4) {
            std::uint32_t x = 0, y = 0;
            std::memcpy(&x, p, 4);
            std::memcpy(&y, p + n - 4, 4);
            a = x, b = y;
        } else if (n > 0) {
            a = p[0] | (std::uint64_t{p[n / 2]} << 8) | (std::uint64_t{p[n - 1]} << 16);
        }
        std::uint64_t h = (n + 1) * 0x9E3779B97F4A7C15ull;
        h ^= a * 0xBF58476D1CE4E5B9ull;
        h = std::rotl(h, 29) ^ (b * 0x94D049BB133111EBull);
        return h ^ (h >> 32);
    }
    std::vector<int> slots_;
    std::vector<std::string_view> keys_;
    std::size_t mask_ = 0;
};

/// An attribute spec prepared for checking.
struct AttributeRule {
    std::string key;
    /// "class vehicle" or "tier yi", for messages.
    std::string owner;
    v1::AttributeType type = v1::AttributeType::Bool;
    double min = 0;
    double max = 0;
    bool required = false;
    /// Allowed enum value keys, and their index.
    std::vector<std::string> values;
    KeyIndex value_index;
    /// The pattern as written, compiled once with the limits of
    /// core/schema_pattern.hpp; pattern_error says why when it is refused.
    std::string pattern;
    SchemaPattern compiled;
    std::string pattern_error;
    /// Allowed code points of a String value; empty = any.
    std::vector<v1::UnicodeRange> ranges;
};

/// The attributes declared by a class or a tier.
struct AttributeScope {
    std::vector<AttributeRule> attributes;
    /// Index into `attributes` of the first rule with each key of
    /// Tables::attribute_keys (by that key's index there), or -1.
    std::vector<int> by_key;
    /// Bit i set when attributes[i] (i < 64) is required.
    std::uint64_t required_mask = 0;
    /// Required attributes at index >= 64, checked the slow way.
    std::vector<std::size_t> required_beyond_mask;
};

/// A label class prepared for checking.
struct ClassRule {
    std::string key;
    /// Bit k set when geometry kind k is allowed; 0 = any.
    std::uint32_t geometry_mask = 0;
    double min_width = 0;
    double min_height = 0;
    AttributeScope scope;
};

/// A tier prepared for checking.
struct TierRule {
    std::string key;
    bool exclusive = false;
    std::vector<v1::UnicodeRange> ranges;
    AttributeScope scope;
};

/// Everything the rules look up in the label schema, built once per checker.
struct Tables {
    std::vector<ClassRule> classes;
    KeyIndex class_index;
    std::vector<TierRule> tiers;
    KeyIndex tier_index;
    bool any_exclusive_tier = false;
    /// Every attribute key declared by a class or a tier, once; see AttributeScope::by_key.
    std::vector<std::string> attribute_key_names;
    KeyIndex attribute_keys;
};

/// Prepares `schema` for checking (compiles patterns, indexes keys).
[[nodiscard]] Tables build_tables(const v1::LabelSchema& schema);

/// Which rules are enabled, read once per checker.
struct Enabled {
    bool label_unknown = false, geometry_kind = false, attribute_required = false,
         attribute_value = false, outside_image = false, degenerate = false, box_min_size = false,
         near_duplicate = false, text_range = false, text_nfc = false, text_damaged = false,
         tier_overlap = false;
};

/// Parameters of the rules, read once per checker.
struct Params {
    /// builtin.outside-image "tolerance": pixels a shape may stick out.
    double tolerance = 0.5;
    /// builtin.near-duplicate "iou": smallest IoU reported.
    double iou = 0.95;
};

/// A box kept for the near-duplicate test at the end of the item.
struct BoxEntry {
    double left, top, right, bottom;
    std::uint64_t id;
    /// Index of the label's class, or -1 when the schema lacks it (then `label` decides).
    int label_class;
    std::string_view label;
};

/// A time span on an exclusive tier kept for the overlap test.
struct SpanEntry {
    int tier;
    double start, end;
    std::uint64_t id;
};

/// Index in a KeyIndex of the strings met in one item, remembered by address:
/// the store shares label and attribute key strings within an item's buffer,
/// so most look-ups are one pointer comparison. Cleared for every item.
class StringCache {
public:
    [[nodiscard]] int find(const flatbuffers::String* text, const KeyIndex& keys) {
        Entry& entry = entries_[(reinterpret_cast<std::uintptr_t>(text) >> 2) & 15];
        if (entry.text != text || !text) {
            entry.text = text;
            entry.index = keys.find(cpp::text(text));
        }
        return entry.index;
    }
    void clear() {
        // A zeroed entry holds no string: find() never reads its index.
        std::memset(static_cast<void*>(entries_), 0, sizeof entries_);
    }

private:
    struct Entry {
        const flatbuffers::String* text = nullptr;
        int index = -1;
    };
    Entry entries_[16];
};

/// Strings of one item's buffer known to be plain ASCII without NUL, by
/// address: the store shares label, key and provenance strings within a
/// buffer, so most strings are judged with one comparison. Cleared for every item.
class PlainStrings {
public:
    [[nodiscard, gnu::always_inline]] bool plain(const flatbuffers::String* text) {
        return !text || slot(text) == text || remember(text);
    }
    /// The provenance table last found plain (the store shares one per author).
    const v1::Provenance* provenance = nullptr;
    void clear() {
        std::memset(static_cast<void*>(slots_), 0, sizeof slots_);
        provenance = nullptr;
    }

private:
    const flatbuffers::String*& slot(const flatbuffers::String* text) {
        return slots_[(reinterpret_cast<std::uintptr_t>(text) >> 2) & 31];
    }
    /// Checks a string not met before; remembers it when plain.
    [[gnu::noinline]] bool remember(const flatbuffers::String* text) {
        if (!plain_ascii(cpp::text(text))) return false;
        slot(text) = text;
        return true;
    }
    const flatbuffers::String* slots_[32];
};

/// Reusable buffers of one checker.
struct Scratch {
    std::vector<BoxEntry> boxes;
    std::vector<SpanEntry> spans;
    std::vector<std::uint64_t> ids;
    struct Segment {
        double x0, y0, x1, y1;
        std::uint32_t index;
    };
    std::vector<Segment> segments;
    /// For the near-duplicate test: index of the next box of the same label
    /// class (-1 = none), and the first box of each class + 1 (kept all -1).
    std::vector<int> next_of_class;
    std::vector<int> last_of_class;
    /// Class index of the item's label strings, Tables::attribute_keys index of its attribute keys.
    StringCache labels;
    StringCache keys;
    PlainStrings plain;
};

/// One item being checked.
struct Pass {
    const Tables& tables;
    /// A copy: one load less per test in the hot loop.
    const Enabled on;
    const Params& params;
    qa::FindingSink& sink;
    Scratch& scratch;
    /// Image size in pixels; 0 when unknown (then nothing is outside).
    double width = 0;
    double height = 0;
    /// The image with params.tolerance around it: -tolerance, width + tolerance, height +
    /// tolerance.
    double min_edge = 0, max_right = 0, max_bottom = 0;
    /// on.outside_image and the image size is known.
    bool outside_image = false;

    /// Sets the image size (0 x 0 when unknown).
    void set_image(double image_width, double image_height) {
        width = image_width;
        height = image_height;
        const double t = params.tolerance;
        min_edge = -t;
        max_right = width + t;
        max_bottom = height + t;
        outside_image = on.outside_image && width > 0;
    }
    /// True when the box sticks out of the image by more than the tolerance.
    [[nodiscard]] bool outside(double left, double top, double right, double bottom) const {
        return left < min_edge || top < min_edge || right > max_right || bottom > max_bottom;
    }

    /// Reports a finding about one annotation.
    void report(std::string_view rule, std::uint64_t annotation, std::string_view message,
                std::string_view fix = {}) const {
        sink.report(rule, std::span<const std::uint64_t>(&annotation, 1), message, fix);
    }
};

/// Reads the fields of one FlatBuffers table, finding its vtable once (the
/// generated accessors find it again for every field); same results.
class TableFields {
public:
    explicit TableFields(const void* table)
        : table_(static_cast<const std::uint8_t*>(table)),
          vtable_(table_ - flatbuffers::ReadScalar<flatbuffers::soffset_t>(table_)),
          size_(flatbuffers::ReadScalar<flatbuffers::voffset_t>(vtable_)) {}
    template <class T>
    [[nodiscard]] T scalar(flatbuffers::voffset_t field, T fallback) const {
        const flatbuffers::voffset_t at = offset(field);
        return at ? flatbuffers::ReadScalar<T>(table_ + at) : fallback;
    }
    template <class T>
    [[nodiscard]] const T* pointer(flatbuffers::voffset_t field) const {
        const flatbuffers::voffset_t at = offset(field);
        const std::uint8_t* p = table_ + at;
        return at ? reinterpret_cast<const T*>(p +
                                               flatbuffers::ReadScalar<flatbuffers::uoffset_t>(p))
                  : nullptr;
    }

private:
    [[nodiscard]] flatbuffers::voffset_t offset(flatbuffers::voffset_t field) const {
        return field < size_ ? flatbuffers::ReadScalar<flatbuffers::voffset_t>(vtable_ + field) : 0;
    }
    const std::uint8_t* table_;
    const std::uint8_t* vtable_;
    flatbuffers::voffset_t size_;
};

/// The fields of an annotation the rules read, read once from its table.
struct AnnotationFields {
    const v1::Annotation* annotation;
    std::uint64_t id;
    const flatbuffers::String* label;
    const flatbuffers::String* tier;
    const flatbuffers::String* text;
    const flatbuffers::Vector<flatbuffers::Offset<v1::Attribute>>* attributes;
    const void* geometry;
    v1::Geometry geometry_type;

    explicit AnnotationFields(const v1::Annotation& table)
        : AnnotationFields(table, TableFields(&table)) {}

private:
    using A = v1::Annotation;
    AnnotationFields(const v1::Annotation& table, const TableFields& fields)
        : annotation(&table),
          id(fields.scalar<std::uint64_t>(A::VT_ID, 0)),
          label(fields.pointer<flatbuffers::String>(A::VT_LABEL)),
          tier(fields.pointer<flatbuffers::String>(A::VT_TIER)),
          text(fields.pointer<flatbuffers::String>(A::VT_TEXT)),
          attributes(fields.pointer<flatbuffers::Vector<flatbuffers::Offset<v1::Attribute>>>(
              A::VT_ATTRIBUTES)),
          geometry(fields.pointer<void>(A::VT_GEOMETRY)),
          geometry_type(
              static_cast<v1::Geometry>(fields.scalar<std::uint8_t>(A::VT_GEOMETRY_TYPE, 0))) {}
};

// --- schema_rules.cpp: label, geometry kind, attributes.
// The reports and the rarer attribute types are out of line.
/// builtin.label-unknown for an annotation whose label or tier was not found.
[[gnu::cold]] void check_label_known(const Pass& pass, const AnnotationFields& annotation,
                                     const ClassRule* cls, const TierRule* tier);
[[gnu::cold]] void report_geometry_kind(const Pass& pass, const AnnotationFields& annotation,
                                        const ClassRule& cls);
/// An attribute value of another type than its rule's.
[[gnu::cold]] void report_attribute_type(const Pass& pass, std::uint64_t id,
                                         const AttributeRule& rule, v1::AttributeType type);
/// A number that is NaN or outside [rule.min, rule.max] (reports nothing otherwise).
[[gnu::cold]] void report_number(const Pass& pass, std::uint64_t id, const AttributeRule& rule,
                                 double value);
/// Enum, MultiEnum and String values (of the rule's type).
void check_other_value(const Pass& pass, std::uint64_t id, const AttributeRule& rule,
                       const v1::Attribute& attribute);
/// builtin.attribute-required for the required attributes of `scope` not in `seen`.
[[gnu::cold]] void report_missing(const Pass& pass, const AnnotationFields& annotation,
                                  const AttributeScope& scope, std::uint64_t seen);

/// Checks an attribute's value against its rule.
inline void check_value(const Pass& pass, std::uint64_t id, const AttributeRule& rule,
                        const v1::Attribute& attribute, const TableFields& fields) {
    using A = v1::Attribute;
    const auto type = static_cast<v1::AttributeType>(fields.scalar<std::uint8_t>(A::VT_TYPE, 0));
    // An integer is a fine value for a Float attribute.
    if (type != rule.type &&
        !(rule.type == v1::AttributeType::Float && type == v1::AttributeType::Int)) {
        if (pass.on.attribute_value) report_attribute_type(pass, id, rule, type);
        return;
    }
    double number = 0;
    switch (rule.type) {
        case v1::AttributeType::Bool:
            return;
        case v1::AttributeType::Int:
            number = static_cast<double>(fields.scalar<std::int64_t>(A::VT_INT_VALUE, 0));
            break;
        case v1::AttributeType::Float:
            number = type == v1::AttributeType::Int
                         ? static_cast<double>(fields.scalar<std::int64_t>(A::VT_INT_VALUE, 0))
                         : fields.scalar<double>(A::VT_FLOAT_VALUE, 0.0);
            break;
        default:
            check_other_value(pass, id, rule, attribute);
            return;
    }
    // False for NaN too.
    if (pass.on.attribute_value && !(number >= rule.min && number <= rule.max))
        report_number(pass, id, rule, number);
}

/// Checks the annotation's attributes against those `scope` declares.
inline void check_attributes(const Pass& pass, const AnnotationFields& annotation,
                             const AttributeScope& scope) {
    if (scope.attributes.empty()) return;
    std::uint64_t seen = 0;
    if (annotation.attributes) {
        for (const v1::Attribute* attribute : *annotation.attributes) {
            const TableFields fields(attribute);
            const int key =
                pass.scratch.keys.find(fields.pointer<flatbuffers::String>(v1::Attribute::VT_KEY),
                                       pass.tables.attribute_keys);
            if (key < 0) continue;  // undeclared attributes are kept, not judged
            const int index = scope.by_key[static_cast<std::size_t>(key)];
            if (index < 0) continue;
            if (index < 64) seen |= std::uint64_t{1} << index;
            check_value(pass, annotation.id, scope.attributes[static_cast<std::size_t>(index)],
                        *attribute, fields);
        }
    }
    if (pass.on.attribute_required &&
        ((scope.required_mask & ~seen) || !scope.required_beyond_mask.empty()))
        report_missing(pass, annotation, scope, seen);
}

/// Label and tier known, geometry kind allowed, attributes present and valid.
inline void check_schema(const Pass& pass, const AnnotationFields& annotation, const ClassRule* cls,
                         const TierRule* tier) {
    if (pass.on.label_unknown &&
        ((!cls && !pass.tables.classes.empty()) ||
         (!tier && annotation.tier && annotation.tier->size() && !pass.tables.tiers.empty())))
        check_label_known(pass, annotation, cls, tier);
    if (cls) {
        const std::uint32_t mask = cls->geometry_mask;
        const auto kind = static_cast<unsigned>(annotation.geometry_type);
        if (pass.on.geometry_kind && mask && (kind >= 32 || !(mask & (1u << kind))))
            report_geometry_kind(pass, annotation, *cls);
        check_attributes(pass, annotation, cls->scope);
    }
    if (tier) check_attributes(pass, annotation, tier->scope);
}

// --- geometry_rules.cpp: outside the image, degenerate, too small, duplicates.
[[gnu::cold]] void report_box_not_finite(const Pass& pass, std::uint64_t id);
[[gnu::cold]] void report_box_empty(const Pass& pass, std::uint64_t id, double left, double top,
                                    double right, double bottom);
[[gnu::cold]] void report_box_outside(const Pass& pass, std::uint64_t id, double left, double top,
                                      double right, double bottom);
[[gnu::cold]] void report_box_small(const Pass& pass, std::uint64_t id, double width, double height,
                                    const ClassRule& cls);
/// Every geometry but a box.
void check_other_geometry(const Pass& pass, const AnnotationFields& annotation);

/// Checks the annotation's geometry and keeps boxes for check_near_duplicates().
inline void check_geometry(const Pass& pass, const AnnotationFields& annotation,
                           const ClassRule* cls, int class_index) {
    if (annotation.geometry_type != v1::Geometry::Box) {
        check_other_geometry(pass, annotation);
        return;
    }
    const TableFields box(annotation.geometry);
    using B = v1::Box;
    const double left = box.scalar<double>(B::VT_LEFT, 0.0),
                 top = box.scalar<double>(B::VT_TOP, 0.0),
                 right = box.scalar<double>(B::VT_RIGHT, 0.0),
                 bottom = box.scalar<double>(B::VT_BOTTOM, 0.0);
    const double width = right - left, height = bottom - top;
    // x - x is 0 for a finite x and NaN for NaN or an infinity.
    if (!((left - left) + (top - top) + (right - right) + (bottom - bottom) == 0)) {
        if (pass.on.degenerate) report_box_not_finite(pass, annotation.id);
        return;
    }
    if (!(width > 0 && height > 0)) {
        if (pass.on.degenerate) report_box_empty(pass, annotation.id, left, top, right, bottom);
        return;
    }
    if (pass.outside_image && pass.outside(left, top, right, bottom))
        report_box_outside(pass, annotation.id, left, top, right, bottom);
    if (pass.on.box_min_size && cls &&
        ((cls->min_width > 0 && width < cls->min_width) ||
         (cls->min_height > 0 && height < cls->min_height)))
        report_box_small(pass, annotation.id, width, height, *cls);
    if (pass.on.near_duplicate)
        pass.scratch.boxes.push_back(
            {left, top, right, bottom, annotation.id, class_index, text(annotation.label)});
}

/// Reports pairs of boxes of the same label with IoU >= params.iou.
void check_near_duplicates(const Pass& pass);

// --- text_rules.cpp: Unicode ranges, NFC, damaged text, overlapping spans.
/// Checks the annotation's text against its tier's ranges; keeps spans of exclusive tiers.
void check_text(const Pass& pass, const AnnotationFields& annotation, const TierRule* tier,
                int tier_index);
/// Checks every string of the annotation for damage (builtin.text-damaged) and NFC.
void check_strings(const Pass& pass, const AnnotationFields& annotation);
/// Checks a String attribute value against the spec's ranges.
void check_attribute_text(const Pass& pass, std::uint64_t annotation, const AttributeRule& rule,
                          std::string_view text);
/// Reports overlapping spans within each exclusive tier.
void check_tier_overlaps(const Pass& pass);

}  // namespace tessera::rules
