// Schema rules: label not in the schema, geometry kind not allowed, required
// attribute missing, attribute outside its enum / range / pattern or of the
// wrong type. The checks of every annotation are inline in rules_internal.hpp;
// here are their reports and the rarer value types.

#include <bit>
#include <cmath>

#include <fmt/format.h>

#include "rules_internal.hpp"

namespace tessera::rules {
namespace {

const char* type_name(v1::AttributeType type) {
    switch (type) {
        case v1::AttributeType::Bool:
            return "a boolean";
        case v1::AttributeType::Int:
            return "an integer";
        case v1::AttributeType::Float:
            return "a number";
        case v1::AttributeType::String:
            return "a string";
        case v1::AttributeType::Enum:
            return "an enum value";
        case v1::AttributeType::MultiEnum:
            return "a list of enum values";
    }
    return "a value";
}

std::string allowed_kinds(std::uint32_t mask) {
    std::string out;
    for (unsigned kind = 0; kind < 32; ++kind) {
        if (!(mask & (1u << kind))) continue;
        if (!out.empty()) out += ", ";
        out += v1::EnumNameGeometryKind(static_cast<v1::GeometryKind>(kind));
    }
    return out;
}

std::string enum_list(const AttributeRule& rule) {
    return rule.values.empty() ? std::string("(none declared)")
                               : fmt::format("{}", fmt::join(rule.values, ", "));
}

std::string range_text(const AttributeRule& rule) {
    if (std::isinf(rule.min)) return fmt::format("at most {}", rule.max);
    if (std::isinf(rule.max)) return fmt::format("at least {}", rule.min);
    return fmt::format("between {} and {}", rule.min, rule.max);
}

bool has_attribute(const v1::Annotation& annotation, std::string_view key) {
    if (const auto* attributes = annotation.attributes())
        for (const v1::Attribute* attribute : *attributes)
            if (text(attribute->key()) == key) return true;
    return false;
}

void report_missing_one(const Pass& pass, std::uint64_t id, const AttributeRule& rule) {
    pass.report(kAttributeRequired, id,
                fmt::format("required attribute \"{}\" of {} is missing", rule.key, rule.owner),
                rule.values.empty()
                    ? fmt::format("set \"{}\"", rule.key)
                    : fmt::format("set \"{}\" to one of {}", rule.key, enum_list(rule)));
}

void check_enum_value(const Pass& pass, std::uint64_t id, const AttributeRule& rule,
                      std::string_view value) {
    if (rule.value_index.find(value) >= 0) return;
    pass.report(kAttributeValue, id,
                fmt::format("attribute \"{}\" is \"{}\", expected one of {} ({})", rule.key, value,
                            enum_list(rule), rule.owner));
}

}  // namespace

void report_number(const Pass& pass, std::uint64_t id, const AttributeRule& rule, double value) {
    if (std::isnan(value)) {
        pass.report(kAttributeValue, id,
                    fmt::format("attribute \"{}\" is not a number (NaN)", rule.key));
    } else if (value < rule.min || value > rule.max) {
        pass.report(
            kAttributeValue, id,
            fmt::format("attribute \"{}\" is {}, expected {} ({})", rule.key, value,
                        range_text(rule), rule.owner),
            fmt::format("set \"{}\" to {}", rule.key, value < rule.min ? rule.min : rule.max));
    }
}

void report_attribute_type(const Pass& pass, std::uint64_t id, const AttributeRule& rule,
                           v1::AttributeType type) {
    pass.report(kAttributeValue, id,
                fmt::format("attribute \"{}\" is {}, expected {} ({})", rule.key, type_name(type),
                            type_name(rule.type), rule.owner));
}

void check_other_value(const Pass& pass, std::uint64_t id, const AttributeRule& rule,
                       const v1::Attribute& attribute) {
    switch (rule.type) {
        case v1::AttributeType::Enum:
            if (pass.on.attribute_value)
                check_enum_value(pass, id, rule, text(attribute.string_value()));
            break;
        case v1::AttributeType::MultiEnum:
            if (!pass.on.attribute_value) break;
            if (const auto* strings = attribute.strings())
                for (const flatbuffers::String* value : *strings)
                    check_enum_value(pass, id, rule, text(value));
            break;
        case v1::AttributeType::String: {
            const std::string_view text = cpp::text(attribute.string_value());
            if (pass.on.attribute_value && !rule.pattern.empty()) {
                if (!rule.compiled.ok())
                    pass.sink.rule_failed(kAttributeValue, rule.pattern_error);
                else if (text.size() > kMaxPatternValueBytes)
                    // Matching is linear: the limit bounds the time per value.
                    pass.report(kAttributeValue, id,
                                fmt::format("attribute \"{}\" is {} bytes long, too long to check "
                                            "against the pattern /{}/ (limit {} bytes) ({})",
                                            rule.key, text.size(), rule.pattern,
                                            kMaxPatternValueBytes, rule.owner));
                else if (!rule.compiled.matches(text))
                    pass.report(kAttributeValue, id,
                                fmt::format("attribute \"{}\" is \"{}\", which does not match "
                                            "/{}/ ({})",
                                            rule.key, text, rule.pattern, rule.owner));
            }
            if (pass.on.text_range) check_attribute_text(pass, id, rule, text);
            break;
        }
        default:
            break;  // Bool, Int and Float are checked inline
    }
}

void report_missing(const Pass& pass, const AnnotationFields& annotation,
                    const AttributeScope& scope, std::uint64_t seen) {
    for (std::uint64_t missing = scope.required_mask & ~seen; missing; missing &= missing - 1)
        report_missing_one(pass, annotation.id,
                           scope.attributes[static_cast<std::size_t>(std::countr_zero(missing))]);
    for (const std::size_t index : scope.required_beyond_mask)
        if (!has_attribute(*annotation.annotation, scope.attributes[index].key))
            report_missing_one(pass, annotation.id, scope.attributes[index]);
}

void check_label_known(const Pass& pass, const AnnotationFields& annotation, const ClassRule* cls,
                       const TierRule* tier) {
    const Tables& tables = pass.tables;
    const std::string_view label = text(annotation.label);
    const std::string_view tier_key = text(annotation.tier);
    // An annotation on a tier (a transcription) may go without a label.
    if (!cls && !tables.classes.empty() && (!label.empty() || tier_key.empty()))
        pass.report(kLabelUnknown, annotation.id,
                    label.empty() ? std::string("annotation has no label")
                                  : fmt::format("label \"{}\" is not in the label schema", label));
    if (!tier && !tables.tiers.empty() && !tier_key.empty())
        pass.report(kLabelUnknown, annotation.id,
                    fmt::format("tier \"{}\" is not in the label schema", tier_key));
}

void report_geometry_kind(const Pass& pass, const AnnotationFields& annotation,
                          const ClassRule& cls) {
    pass.report(kGeometryKind, annotation.id,
                fmt::format("geometry {} is not allowed for class {} (allowed: {})",
                            v1::EnumNameGeometry(annotation.geometry_type), cls.key,
                            allowed_kinds(cls.geometry_mask)));
}

}  // namespace tessera::rules
