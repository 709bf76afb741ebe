#include "formats/schema_conform.hpp"

#include <cmath>

namespace tessera::formats {
namespace {

using Specs = std::vector<std::unique_ptr<v1::AttributeSpecT>>;

const v1::AttributeSpecT* find_spec(const Specs* specs, const std::string& key) {
    if (specs == nullptr) return nullptr;
    for (const auto& spec : *specs)
        if (spec->key == key) return spec.get();
    return nullptr;
}

bool to_type(v1::AttributeT& a, v1::AttributeType want) {
    using T = v1::AttributeType;
    const T have = a.type;
    switch (want) {
        case T::Enum:
            if (have != T::String) return false;
            break;
        case T::String:
            if (have != T::Enum) return false;
            break;
        case T::MultiEnum:
            if (have != T::String && have != T::Enum) return false;
            a.strings = {a.string_value};
            a.string_value.clear();
            break;
        case T::Float:
            if (have != T::Int) return false;
            a.float_value = static_cast<double>(a.int_value);
            a.int_value = 0;
            break;
        case T::Int:
            if (have != T::Float || std::trunc(a.float_value) != a.float_value ||
                std::abs(a.float_value) > 9.0e15)
                return false;
            a.int_value = static_cast<std::int64_t>(a.float_value);
            a.float_value = 0;
            break;
        case T::Bool:
            if (have == T::String && (a.string_value == "true" || a.string_value == "false")) {
                a.bool_value = a.string_value == "true";
                a.string_value.clear();
            } else if (have == T::Int && (a.int_value == 0 || a.int_value == 1)) {
                a.bool_value = a.int_value == 1;
                a.int_value = 0;
            } else {
                return false;
            }
            break;
    }
    a.type = want;
    return true;
}

}  // namespace

AttributeConformer::AttributeConformer(const v1::LabelSchemaT& schema) {
    for (const auto& c : schema.classes) {
        by_class_.emplace(c->key, &c->attributes);
        has_attributes_ |= !c->attributes.empty();
    }
    for (const auto& t : schema.tiers) {
        by_tier_.emplace(t->key, &t->attributes);
        has_attributes_ |= !t->attributes.empty();
    }
}

std::size_t AttributeConformer::apply(
    std::vector<std::unique_ptr<v1::AnnotationT>>& annotations) const {
    if (!has_attributes_) return 0;  // nothing to fit, e.g. a schema made by earlier imports
    std::size_t converted = 0;
    for (const auto& annotation : annotations) {
        if (annotation->attributes.empty()) continue;
        const auto& index = annotation->tier.empty() ? by_class_ : by_tier_;
        const auto it = index.find(annotation->tier.empty() ? annotation->label : annotation->tier);
        if (it == index.end()) continue;
        for (const auto& attribute : annotation->attributes) {
            const v1::AttributeSpecT* spec = find_spec(it->second, attribute->key);
            if (spec != nullptr && spec->type != attribute->type && to_type(*attribute, spec->type))
                ++converted;
        }
    }
    return converted;
}

std::size_t conform_attributes(Dataset& dataset, const v1::LabelSchemaT& schema) {
    const AttributeConformer conformer(schema);
    std::size_t converted = 0;
    for (ImportedItem& item : dataset.items) converted += conformer.apply(item.annotations);
    return converted;
}

std::set<std::string> labels_missing_from(const Dataset& dataset, const v1::LabelSchemaT& schema) {
    std::set<std::string> known;
    for (const auto& c : schema.classes) known.insert(c->key);
    std::set<std::string> missing;
    for (const ImportedItem& item : dataset.items)
        for (const auto& annotation : item.annotations)
            if (!known.count(annotation->label)) missing.insert(annotation->label);
    return missing;
}

}  // namespace tessera::formats
