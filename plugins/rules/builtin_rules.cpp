// The built-in rule provider: one pass over each item's annotations runs every
// enabled rule; the themes live in schema_rules.cpp, geometry_rules.cpp and
// text_rules.cpp.

#include "builtin_rules.hpp"

#include <array>
#include <memory>

#include "qa/engine.hpp"
#include "rules_internal.hpp"

namespace tessera::rules {
namespace {

using qa::RuleInfo;
using qa::Severity;

const std::array<RuleInfo, 12>& infos() {
    static const std::array<RuleInfo, 12> list{{
        {std::string(kLabelUnknown), "Every label and tier is declared by the label schema",
         Severity::Error},
        {std::string(kGeometryKind), "The geometry kind is one the label's class allows",
         Severity::Error},
        {std::string(kAttributeRequired), "Every required attribute of the class is set",
         Severity::Error},
        {std::string(kAttributeValue),
         "Attribute values have the declared type and lie in their enum, range and pattern",
         Severity::Error},
        {std::string(kOutsideImage),
         "Geometry lies inside the image (param tolerance: pixels allowed outside, default 0.5)",
         Severity::Error},
        {std::string(kDegenerate),
         "No zero-area boxes, polygons with fewer than 3 points or self-intersecting, empty spans",
         Severity::Error},
        {std::string(kBoxMinSize), "Boxes are at least the class's minimum width and height",
         Severity::Warning},
        {std::string(kNearDuplicate),
         "No two boxes of the same label overlap with IoU >= param iou (default 0.95)",
         Severity::Error},
        {std::string(kTextRange), "Text uses only the Unicode ranges its tier or attribute allows",
         Severity::Error},
        {std::string(kTextNfc),
         "Every string of an annotation is in Unicode normalization form C (NFC)",
         Severity::Warning},
        {std::string(kTextDamaged),
         "No string of an annotation holds U+FFFD (a character lost in a conversion), a NUL byte "
         "or invalid UTF-8",
         Severity::Error},
        {std::string(kTierOverlap), "Time spans of an exclusive tier do not overlap",
         Severity::Error},
    }};
    return list;
}

class BuiltinChecker final : public qa::ItemChecker {
public:
    explicit BuiltinChecker(const qa::RunConfig& config) {
        on_.label_unknown = config.enabled(kLabelUnknown);
        on_.geometry_kind = config.enabled(kGeometryKind);
        on_.attribute_required = config.enabled(kAttributeRequired);
        on_.attribute_value = config.enabled(kAttributeValue);
        on_.outside_image = config.enabled(kOutsideImage);
        on_.degenerate = config.enabled(kDegenerate);
        on_.box_min_size = config.enabled(kBoxMinSize);
        on_.near_duplicate = config.enabled(kNearDuplicate);
        on_.text_range = config.enabled(kTextRange);
        on_.text_nfc = config.enabled(kTextNfc);
        on_.text_damaged = config.enabled(kTextDamaged);
        on_.tier_overlap = config.enabled(kTierOverlap);
        params_.tolerance = config.number(kOutsideImage, "tolerance", params_.tolerance);
        params_.iou = config.number(kNearDuplicate, "iou", params_.iou);
        schema_rules_ = on_.label_unknown || on_.geometry_kind || on_.attribute_required ||
                        on_.attribute_value || on_.text_range;
        geometry_rules_ =
            on_.outside_image || on_.degenerate || on_.box_min_size || on_.near_duplicate;
        text_rules_ = on_.text_range || on_.tier_overlap;
        string_rules_ = on_.text_nfc || on_.text_damaged;
    }

    // Flattened: the per-annotation checks of rules_internal.hpp run inline.
    [[gnu::flatten]] void check(const qa::ItemInput& input, qa::FindingSink& findings) override {
        const Tables& tables = tables_for(input);
        Pass pass{tables, on_, params_, findings, scratch_};
        if (const v1::Media* media = input.item.media(); media && media->width() && media->height())
            pass.set_image(media->width(), media->height());
        else
            pass.set_image(0, 0);
        scratch_.boxes.clear();
        scratch_.spans.clear();
        const auto* annotations = input.annotations.annotations();
        if (!annotations) return;
        // The annotations are read in a chain of dependent loads (table, vtable,
        // geometry, attributes): ask for the whole buffer at once instead.
        const std::span<const std::uint8_t> bytes = input.annotation_bytes;
        for (std::size_t at = 0; at < bytes.size(); at += 64) __builtin_prefetch(bytes.data() + at);
        const bool has_tiers = !tables.tiers.empty();
        // The caches remember strings by address: only within one buffer.
        scratch_.labels.clear();
        scratch_.keys.clear();
        scratch_.plain.clear();
        for (const v1::Annotation* table : *annotations) {
            const AnnotationFields annotation(*table);
            const int class_index = scratch_.labels.find(annotation.label, tables.class_index);
            const ClassRule* cls =
                class_index < 0 ? nullptr : &tables.classes[static_cast<std::size_t>(class_index)];
            int tier_index = -1;
            const TierRule* tier = nullptr;
            if (has_tiers) {
                if (const auto* key = annotation.tier; key && key->size()) {
                    tier_index = tables.tier_index.find(text(key));
                    if (tier_index >= 0) tier = &tables.tiers[static_cast<std::size_t>(tier_index)];
                }
            }
            if (schema_rules_) check_schema(pass, annotation, cls, tier);
            if (geometry_rules_) check_geometry(pass, annotation, cls, class_index);
            // check_text() looks at the text, and at time spans of a tier.
            if (text_rules_ && (tier || (annotation.text && annotation.text->size())))
                check_text(pass, annotation, tier, tier_index);
            if (string_rules_) check_strings(pass, annotation);
        }
        if (on_.near_duplicate && scratch_.boxes.size() > 1) check_near_duplicates(pass);
        if (on_.tier_overlap && scratch_.spans.size() > 1) check_tier_overlaps(pass);
    }

private:
    // The schema rarely changes between items: rebuild only for another buffer.
    const Tables& tables_for(const qa::ItemInput& input) {
        if (!tables_ || input.schema_bytes.data() != schema_data_ ||
            input.schema_bytes.size() != schema_size_) {
            tables_ = std::make_unique<Tables>(build_tables(input.schema));
            schema_data_ = input.schema_bytes.data();
            schema_size_ = input.schema_bytes.size();
        }
        return *tables_;
    }

    Enabled on_;
    Params params_;
    bool schema_rules_ = false, geometry_rules_ = false, text_rules_ = false, string_rules_ = false;
    Scratch scratch_;
    std::unique_ptr<Tables> tables_;
    const std::uint8_t* schema_data_ = nullptr;
    std::size_t schema_size_ = 0;
};

class BuiltinProvider final : public qa::RuleProvider {
public:
    std::string_view plugin_id() const override { return qa::kBuiltinPluginId; }
    std::span<const RuleInfo> rules() const override { return infos(); }
    std::unique_ptr<qa::ItemChecker> make_checker(const qa::RunConfig& config) const override {
        return std::make_unique<BuiltinChecker>(config);
    }
};

}  // namespace

const qa::RuleProvider& builtin_rules() {
    static const BuiltinProvider provider;
    return provider;
}

}  // namespace tessera::rules
