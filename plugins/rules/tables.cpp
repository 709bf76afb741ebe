// Lookup tables of the built-in rules, built once per checker from the label schema.

#include <algorithm>
#include <bit>
#include <unordered_set>

#include <fmt/format.h>

#include "rules_internal.hpp"

namespace tessera::rules {

void KeyIndex::build(const std::vector<std::string_view>& keys) {
    keys_ = keys;
    slots_.clear();
    if (keys.empty()) return;
    const std::size_t size = std::bit_ceil(keys.size() * 2 + 1);
    slots_.assign(size, -1);
    mask_ = size - 1;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (find(keys[i]) >= 0) continue;  // a duplicate key: the first one wins
        std::size_t at = hash(keys[i]) & mask_;
        while (slots_[at] >= 0) at = (at + 1) & mask_;
        slots_[at] = static_cast<int>(i);
    }
}

namespace {

std::vector<v1::UnicodeRange> ranges_of(
    const flatbuffers::Vector<const v1::UnicodeRange*>* ranges) {
    std::vector<v1::UnicodeRange> out;
    if (ranges)
        for (const v1::UnicodeRange* range : *ranges) out.push_back(*range);
    return out;
}

AttributeScope scope_of(const flatbuffers::Vector<flatbuffers::Offset<v1::AttributeSpec>>* specs,
                        const std::string& owner) {
    AttributeScope scope;
    if (!specs) return scope;
    scope.attributes.reserve(specs->size());
    for (const v1::AttributeSpec* spec : *specs) {
        AttributeRule& rule = scope.attributes.emplace_back();
        rule.key = std::string(text(spec->key()));
        rule.owner = owner;
        rule.type = spec->type();
        rule.min = spec->min();
        rule.max = spec->max();
        rule.required = spec->required();
        if (const auto* values = spec->values())
            for (const v1::EnumValue* value : *values) rule.values.emplace_back(text(value->key()));
        rule.pattern = std::string(text(spec->pattern()));
        if (!rule.pattern.empty()) {
            // A schema stored in a project may hold a pattern that no plugin
            // load checked (an older Tessera, an edited file): refused here
            // the same way, it makes the rule fail instead of being run.
            rule.compiled = SchemaPattern::compile(rule.pattern);
            if (!rule.compiled.ok())
                rule.pattern_error = fmt::format("pattern of attribute \"{}\" of {} is refused: {}",
                                                 rule.key, owner, rule.compiled.error());
        }
        rule.ranges = ranges_of(spec->unicode_ranges());
    }
    for (std::size_t i = 0; i < scope.attributes.size(); ++i) {
        AttributeRule& rule = scope.attributes[i];
        std::vector<std::string_view> values(rule.values.begin(), rule.values.end());
        rule.value_index.build(values);
        if (!rule.required) continue;
        if (i < 64)
            scope.required_mask |= std::uint64_t{1} << i;
        else
            scope.required_beyond_mask.push_back(i);
    }
    return scope;
}

/// Fills `scope.by_key` once every key of the schema is in `tables.attribute_keys`.
void index_scope(const Tables& tables, AttributeScope& scope) {
    scope.by_key.assign(tables.attribute_key_names.size(), -1);
    for (std::size_t i = 0; i < scope.attributes.size(); ++i) {
        const int key = tables.attribute_keys.find(scope.attributes[i].key);
        int& slot = scope.by_key[static_cast<std::size_t>(key)];
        if (slot < 0) slot = static_cast<int>(i);  // a duplicate key: the first one wins
    }
}

}  // namespace

Tables build_tables(const v1::LabelSchema& schema) {
    Tables tables;
    if (const auto* classes = schema.classes()) {
        tables.classes.reserve(classes->size());
        for (const v1::LabelClass* label : *classes) {
            ClassRule& rule = tables.classes.emplace_back();
            rule.key = std::string(text(label->key()));
            if (const auto* kinds = label->geometry())
                for (const v1::GeometryKind kind : *kinds)
                    if (static_cast<unsigned>(kind) < 32)
                        rule.geometry_mask |= 1u << static_cast<unsigned>(kind);
            rule.min_width = label->min_width();
            rule.min_height = label->min_height();
            rule.scope = scope_of(label->attributes(), "class " + rule.key);
        }
    }
    if (const auto* tiers = schema.tiers()) {
        tables.tiers.reserve(tiers->size());
        for (const v1::Tier* tier : *tiers) {
            TierRule& rule = tables.tiers.emplace_back();
            rule.key = std::string(text(tier->key()));
            rule.exclusive = tier->exclusive();
            rule.ranges = ranges_of(tier->unicode_ranges());
            rule.scope = scope_of(tier->attributes(), "tier " + rule.key);
            tables.any_exclusive_tier |= rule.exclusive;
        }
    }
    std::vector<std::string_view> keys;
    for (const ClassRule& rule : tables.classes) keys.push_back(rule.key);
    tables.class_index.build(keys);
    keys.clear();
    for (const TierRule& rule : tables.tiers) keys.push_back(rule.key);
    tables.tier_index.build(keys);

    // Attribute keys across classes and tiers, each once: an item's key
    // strings are looked up once, then indexed per scope.
    std::vector<const AttributeScope*> scopes;
    for (const ClassRule& rule : tables.classes) scopes.push_back(&rule.scope);
    for (const TierRule& rule : tables.tiers) scopes.push_back(&rule.scope);
    std::vector<std::string_view> names;
    std::unordered_set<std::string_view> known;
    for (const AttributeScope* scope : scopes)
        for (const AttributeRule& rule : scope->attributes)
            if (known.insert(rule.key).second) names.push_back(rule.key);
    tables.attribute_key_names.assign(names.begin(), names.end());
    keys.assign(tables.attribute_key_names.begin(), tables.attribute_key_names.end());
    tables.attribute_keys.build(keys);
    for (ClassRule& rule : tables.classes) index_scope(tables, rule.scope);
    for (TierRule& rule : tables.tiers) index_scope(tables, rule.scope);
    return tables;
}

}  // namespace tessera::rules
