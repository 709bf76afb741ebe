#pragma once
// What the built-in rules share: rule ids, the lookup tables built once per
// checker from the label schema, and the per-item pass every theme's checks
// report through. The hot path does no allocation per annotation: keys are
// found through KeyIndex over string_views and scratch vectors are reused.

#include <cstdint>
#include <cstring>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_api.hpp"
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
inline constexpr std::string_view kTierOverlap = "builtin.tier-overlap";

/// A string of a FlatBuffer as a view; empty for an absent string.
inline std::string_view view(const flatbuffers::String* text) {
    return text ? std::string_view(text->c_str(), text->size()) : std::string_view();
}

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
    static std::uint64_t hash(std::string_view key);
    std::vector<int> slots_;
    std::vector<std::string_view> keys_;
    std::size_t mask_ = 0;
};

/// Limits on attribute patterns (they come from plugins): a longer pattern,
/// or one with a repetition count {n} / {n,m} above kMaxPatternRepeat, is
/// refused (rule_failed), never compiled.
inline constexpr std::size_t kMaxPatternBytes = 512;
inline constexpr std::uint64_t kMaxPatternRepeat = 1000;
/// libstdc++'s std::regex matcher recurses once per character: a longer
/// value is reported as too long to check instead of matched.
inline constexpr std::size_t kMaxPatternValueBytes = 4096;

/// An attribute spec prepared for checking.
struct AttributeRule {
    std::string key;
    /// Where this key was last found in the item of pass `cached_item`: the
    /// store shares key strings within an item's buffer, so a pointer match
    /// saves the comparison. Per checker, so no thread shares it.
    mutable const char* cached_key = nullptr;
    mutable std::uint64_t cached_item = 0;
    /// "class vehicle" or "tier yi", for messages.
    std::string owner;
    v1::AttributeType type = v1::AttributeType::Bool;
    double min = 0;
    double max = 0;
    bool required = false;
    /// Allowed enum value keys, and their index.
    std::vector<std::string> values;
    KeyIndex value_index;
    /// The pattern as written and compiled once; regex_error when it does not compile.
    std::string pattern;
    std::optional<std::regex> regex;
    std::string regex_error;
    /// Allowed code points of a String value; empty = any.
    std::vector<v1::UnicodeRange> ranges;
};

/// The attributes declared by a class or a tier.
struct AttributeScope {
    std::vector<AttributeRule> attributes;
    KeyIndex index;
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
};

/// Prepares `schema` for checking (compiles patterns, indexes keys).
[[nodiscard]] Tables build_tables(const v1::LabelSchema& schema);

/// Which rules are enabled, read once per checker.
struct Enabled {
    bool label_unknown = false, geometry_kind = false, attribute_required = false,
         attribute_value = false, outside_image = false, degenerate = false, box_min_size = false,
         near_duplicate = false, text_range = false, text_nfc = false, tier_overlap = false;
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
};

/// One item being checked.
struct Pass {
    const Tables& tables;
    const Enabled& on;
    const Params& params;
    qa::FindingSink& sink;
    Scratch& scratch;
    /// Image size in pixels; 0 when unknown (then nothing is outside).
    double width = 0;
    double height = 0;
    /// Number of this pass in its checker, starting at 1; tags per-item caches.
    std::uint64_t number = 0;

    /// Reports a finding about one annotation.
    void report(std::string_view rule, std::uint64_t annotation, std::string_view message,
                std::string_view fix = {}) const {
        sink.report(rule, std::span<const std::uint64_t>(&annotation, 1), message, fix);
    }
};

// --- schema_rules.cpp: label, geometry kind, attributes.
/// Label and tier known, geometry kind allowed, attributes present and valid.
void check_schema(const Pass& pass, const v1::Annotation& annotation, const ClassRule* cls,
                  const TierRule* tier);

// --- geometry_rules.cpp: outside the image, degenerate, too small, duplicates.
/// Checks the annotation's geometry and keeps boxes for check_near_duplicates().
void check_geometry(const Pass& pass, const v1::Annotation& annotation, const ClassRule* cls,
                    int class_index);
/// Reports pairs of boxes of the same label with IoU >= params.iou.
void check_near_duplicates(const Pass& pass);

// --- text_rules.cpp: Unicode ranges, NFC, overlapping spans.
/// Checks the annotation's text against its tier's ranges and NFC; keeps spans of exclusive tiers.
void check_text(const Pass& pass, const v1::Annotation& annotation, const TierRule* tier,
                int tier_index);
/// Checks a String attribute value against the spec's ranges and NFC.
void check_attribute_text(const Pass& pass, std::uint64_t annotation, const AttributeRule& rule,
                          std::string_view text);
/// Reports overlapping spans within each exclusive tier.
void check_tier_overlaps(const Pass& pass);

}  // namespace tessera::rules
