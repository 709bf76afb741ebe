#include "lua/schema.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>
#include <utility>

#include "core/error.hpp"
#include "core/schema_pattern.hpp"
#include "core/verify.hpp"

namespace tessera::lua {
namespace {

using Names = std::vector<std::unique_ptr<v1::LocalizedTextT>>;
using Attributes = std::vector<std::unique_ptr<v1::AttributeSpecT>>;

template <class Enum, std::size_t N>
using NameTable = std::array<std::pair<const char*, Enum>, N>;

constexpr NameTable<v1::GeometryKind, 12> kGeometryKinds = {{
    {"box", v1::GeometryKind::Box},
    {"rotated_box", v1::GeometryKind::RotatedBox},
    {"polygon", v1::GeometryKind::Polygon},
    {"multi_polygon", v1::GeometryKind::MultiPolygon},
    {"polyline", v1::GeometryKind::Polyline},
    {"keypoints", v1::GeometryKind::Keypoints},
    {"point", v1::GeometryKind::Point},
    {"circle", v1::GeometryKind::Circle},
    {"mask", v1::GeometryKind::Mask},
    {"cuboid", v1::GeometryKind::Cuboid},
    {"time_span", v1::GeometryKind::TimeSpan},
    {"text_span", v1::GeometryKind::TextSpan},
}};

constexpr NameTable<v1::AttributeType, 6> kAttributeTypes = {{
    {"bool", v1::AttributeType::Bool},
    {"int", v1::AttributeType::Int},
    {"float", v1::AttributeType::Float},
    {"string", v1::AttributeType::String},
    {"enum", v1::AttributeType::Enum},
    {"multi_enum", v1::AttributeType::MultiEnum},
}};

constexpr NameTable<v1::TierConstraint, 5> kTierConstraints = {{
    {"none", v1::TierConstraint::None},
    {"time_subdivision", v1::TierConstraint::TimeSubdivision},
    {"included_in", v1::TierConstraint::IncludedIn},
    {"symbolic_subdivision", v1::TierConstraint::SymbolicSubdivision},
    {"symbolic_association", v1::TierConstraint::SymbolicAssociation},
}};

// Reads the string at `index` as one of the names of `table`.
template <class Enum, std::size_t N>
Enum one_of(const TableReader& reader, int index, const std::string& path,
            const NameTable<Enum, N>& table) {
    std::string expected = "one of";
    for (std::size_t i = 0; i < N; ++i)
        expected += std::string(i == 0 ? " " : ", ") + table[i].first;
    if (lua_type(reader.state(), index) == LUA_TSTRING) {
        const std::string name = reader.to_string(index, path);
        for (const auto& [candidate, value] : table)
            if (name == candidate) return value;
    }
    reader.wrong_type(index, path, expected);
}

// Keys of one list (classes of a schema, attributes of a class) must be unique.
class UniqueKeys {
public:
    explicit UniqueKeys(const TableReader& reader) : reader_(reader) {}
    void add(const std::string& key, const std::string& path) {
        if (!seen_.insert(key).second)
            reader_.fail(field_path(path, "key"), "\"" + key + "\" is declared twice");
    }
    [[nodiscard]] bool contains(const std::string& key) const { return seen_.count(key) != 0; }

private:
    const TableReader& reader_;
    std::set<std::string, std::less<>> seen_;
};

Names read_names(const TableReader& reader, int table, const std::string& path, const char* field) {
    Names names;
    reader.map_field(table, path, field,
                     [&](const std::string& lang, int value, const std::string& at) {
                         if (lang.empty()) reader.fail(at, "language tag must not be empty");
                         auto text = std::make_unique<v1::LocalizedTextT>();
                         text->lang = lang;
                         text->text = reader.to_string(value, at);
                         names.push_back(std::move(text));
                     });
    std::sort(names.begin(), names.end(),
              [](const auto& a, const auto& b) { return a->lang < b->lang; });
    return names;
}

std::vector<std::unique_ptr<v1::KeyValueT>> read_metadata(const TableReader& reader, int table,
                                                          const std::string& path) {
    std::vector<std::unique_ptr<v1::KeyValueT>> metadata;
    reader.map_field(table, path, "metadata",
                     [&](const std::string& key, int value, const std::string& at) {
                         auto entry = std::make_unique<v1::KeyValueT>();
                         entry->key = key;
                         entry->value = reader.to_string(value, at);
                         metadata.push_back(std::move(entry));
                     });
    std::sort(metadata.begin(), metadata.end(),
              [](const auto& a, const auto& b) { return a->key < b->key; });
    return metadata;
}

std::vector<v1::UnicodeRange> read_ranges(const TableReader& reader, int table,
                                          const std::string& path) {
    std::vector<v1::UnicodeRange> ranges;
    reader.list_field(table, path, "unicode_ranges", [&](int range, const std::string& at) {
        std::vector<lua_Integer> ends;
        reader.list(range, at, [&](int value, const std::string& end_at) {
            const lua_Integer code_point = reader.to_integer(value, end_at);
            if (code_point < 0 || code_point > 0x10FFFF)
                reader.fail(end_at, "expected a code point in 0 .. 0x10FFFF");
            ends.push_back(code_point);
        });
        if (ends.size() != 2) reader.fail(at, "expected { first, last }, two code points");
        if (ends[0] > ends[1]) reader.fail(at, "first code point is greater than the last");
        ranges.emplace_back(static_cast<std::uint32_t>(ends[0]),
                            static_cast<std::uint32_t>(ends[1]));
    });
    return ranges;
}

std::string number_text(double value) {
    char text[64];
    const auto result = std::to_chars(text, text + sizeof text, value);
    return std::string(text, result.ptr);
}

// The `default` field as text, checked against the attribute's type.
std::string read_default(const TableReader& reader, int table, const std::string& path,
                         const v1::AttributeSpecT& spec) {
    lua_State* L = reader.state();
    const std::string at = field_path(path, "default");
    const int type = reader.push_field(table, "default");
    std::string text;
    const auto check_value = [&](const std::string& key, const std::string& value_at) {
        const bool known = std::any_of(spec.values.begin(), spec.values.end(),
                                       [&](const auto& value) { return value->key == key; });
        if (!known) reader.fail(value_at, "\"" + key + "\" is not one of the attribute's values");
    };
    switch (spec.type) {
        case v1::AttributeType::Bool:
            if (type != LUA_TBOOLEAN) reader.wrong_type(-1, at, "true or false");
            text = lua_toboolean(L, -1) ? "true" : "false";
            break;
        case v1::AttributeType::Int: {
            const lua_Integer value = reader.to_integer(-1, at);
            if (static_cast<double>(value) < spec.min || static_cast<double>(value) > spec.max)
                reader.fail(at, "outside min .. max");
            text = std::to_string(value);
            break;
        }
        case v1::AttributeType::Float: {
            if (type != LUA_TNUMBER) reader.wrong_type(-1, at, "a number");
            const double value = lua_tonumber(L, -1);
            if (value < spec.min || value > spec.max) reader.fail(at, "outside min .. max");
            text = number_text(value);
            break;
        }
        case v1::AttributeType::String:
            text = reader.to_string(-1, at);
            break;
        case v1::AttributeType::Enum:
            text = reader.to_string(-1, at);
            check_value(text, at);
            break;
        case v1::AttributeType::MultiEnum:
            // Stored comma-separated, in the order written.
            reader.list(-1, at, [&](int value, const std::string& value_at) {
                const std::string key = reader.to_string(value, value_at);
                check_value(key, value_at);
                text += (text.empty() ? "" : ",") + key;
            });
            break;
    }
    lua_pop(L, 1);
    return text;
}

std::unique_ptr<v1::AttributeSpecT> read_attribute(const TableReader& reader, int table,
                                                   const std::string& path) {
    reader.check_fields(table, path,
                        {"key", "names", "type", "values", "min", "max", "unit", "required",
                         "pattern", "unicode_ranges", "default"});
    auto spec = std::make_unique<v1::AttributeSpecT>();
    spec->key = reader.required_string(table, path, "key");
    spec->names = read_names(reader, table, path, "names");
    {
        const std::string at = field_path(path, "type");
        if (reader.push_field(table, "type") == LUA_TNIL)
            reader.fail(at, "required, " +
                                std::string("one of bool, int, float, string, enum, multi_enum"));
        spec->type = one_of(reader, -1, at, kAttributeTypes);
        lua_pop(reader.state(), 1);
    }
    const bool enumerated =
        spec->type == v1::AttributeType::Enum || spec->type == v1::AttributeType::MultiEnum;
    const bool numeric =
        spec->type == v1::AttributeType::Int || spec->type == v1::AttributeType::Float;
    const bool text = spec->type == v1::AttributeType::String;
    const auto only_for = [&](const char* field, bool allowed, const char* types) {
        if (allowed) return;
        StackTop top(reader.state());
        if (reader.push_field(table, field) != LUA_TNIL)
            reader.fail(field_path(path, field), std::string("only for ") + types + " attributes");
    };
    only_for("values", enumerated, "enum and multi_enum");
    only_for("min", numeric, "int and float");
    only_for("max", numeric, "int and float");
    only_for("unit", numeric, "int and float");
    only_for("pattern", text, "string");
    only_for("unicode_ranges", text, "string");

    UniqueKeys value_keys(reader);
    reader.list_field(table, path, "values", [&](int value, const std::string& at) {
        reader.check_fields(value, at, {"key", "names"});
        auto entry = std::make_unique<v1::EnumValueT>();
        entry->key = reader.required_string(value, at, "key");
        value_keys.add(entry->key, at);
        entry->names = read_names(reader, value, at, "names");
        spec->values.push_back(std::move(entry));
    });
    if (enumerated && spec->values.empty())
        reader.fail(field_path(path, "values"),
                    "required for enum and multi_enum attributes, at least one value");
    if (const auto min = reader.number_field(table, path, "min")) spec->min = *min;
    if (const auto max = reader.number_field(table, path, "max")) spec->max = *max;
    if (spec->min > spec->max) reader.fail(field_path(path, "min"), "greater than max");
    spec->unit = reader.string_field(table, path, "unit").value_or("");
    spec->required = reader.bool_field(table, path, "required").value_or(false);
    spec->pattern = reader.string_field(table, path, "pattern").value_or("");
    if (!spec->pattern.empty()) {
        // Compiled here with the limits the QA rules apply, so that a pattern
        // they would refuse never reaches a project.
        if (const SchemaPattern pattern = SchemaPattern::compile(spec->pattern); !pattern.ok())
            reader.fail(field_path(path, "pattern"), "refused: " + pattern.error());
    }
    spec->unicode_ranges = read_ranges(reader, table, path);
    {
        StackTop top(reader.state());
        const bool has_default = reader.push_field(table, "default") != LUA_TNIL;
        lua_pop(reader.state(), 1);
        if (has_default) spec->default_value = read_default(reader, table, path, *spec);
    }
    return spec;
}

Attributes read_attributes(const TableReader& reader, int table, const std::string& path,
                           const char* field) {
    Attributes attributes;
    UniqueKeys keys(reader);
    reader.list_field(table, path, field, [&](int attribute, const std::string& at) {
        auto spec = read_attribute(reader, attribute, at);
        keys.add(spec->key, at);
        attributes.push_back(std::move(spec));
    });
    return attributes;
}

std::uint32_t read_color(const TableReader& reader, int table, const std::string& path) {
    const std::optional<std::string> text = reader.string_field(table, path, "color");
    if (!text) return v1::LabelClassT{}.color;
    const bool hex = (text->size() == 7 || text->size() == 9) && (*text)[0] == '#' &&
                     std::all_of(text->begin() + 1, text->end(), [](char c) {
                         return std::isxdigit(static_cast<unsigned char>(c));
                     });
    if (!hex) {
        StackTop top(reader.state());
        (void)reader.push_field(table, "color");
        reader.wrong_type(-1, field_path(path, "color"), "\"#RRGGBB\" or \"#RRGGBBAA\"");
    }
    std::uint32_t value = 0;
    std::from_chars(text->data() + 1, text->data() + text->size(), value, 16);
    return text->size() == 7 ? (value << 8) | 0xFFu : value;
}

std::unique_ptr<v1::SkeletonT> read_skeleton(const TableReader& reader, int table,
                                             const std::string& path) {
    reader.check_fields(table, path, {"key", "points", "edges"});
    auto skeleton = std::make_unique<v1::SkeletonT>();
    skeleton->key = reader.required_string(table, path, "key");
    reader.list_field(table, path, "points", [&](int point, const std::string& at) {
        skeleton->points.push_back(reader.to_string(point, at));
    });
    if (skeleton->points.empty())
        reader.fail(field_path(path, "points"), "required, at least one point name");
    reader.list_field(table, path, "edges", [&](int edge, const std::string& at) {
        std::vector<lua_Integer> ends;
        reader.list(edge, at, [&](int value, const std::string& end_at) {
            const lua_Integer index = reader.to_integer(value, end_at);
            if (index < 0 || index >= static_cast<lua_Integer>(skeleton->points.size()))
                reader.fail(end_at, "expected a 0-based point index below " +
                                        std::to_string(skeleton->points.size()));
            ends.push_back(index);
        });
        if (ends.size() != 2) reader.fail(at, "expected { from, to }, two point indices");
        skeleton->edges.emplace_back(static_cast<std::uint16_t>(ends[0]),
                                     static_cast<std::uint16_t>(ends[1]));
    });
    return skeleton;
}

std::unique_ptr<v1::LabelClassT> read_class(const TableReader& reader, int table,
                                            const std::string& path, const UniqueKeys& earlier,
                                            const UniqueKeys& skeletons) {
    reader.check_fields(table, path,
                        {"key", "names", "color", "hotkey", "parent", "geometry", "min_width",
                         "min_height", "attributes", "skeleton", "metadata"});
    auto label = std::make_unique<v1::LabelClassT>();
    label->key = reader.required_string(table, path, "key");
    label->names = read_names(reader, table, path, "names");
    label->color = read_color(reader, table, path);
    label->hotkey = reader.string_field(table, path, "hotkey").value_or("");
    label->parent = reader.string_field(table, path, "parent").value_or("");
    if (!label->parent.empty() && !earlier.contains(label->parent))
        reader.fail(field_path(path, "parent"),
                    "\"" + label->parent + "\" is not a class declared before this one");
    reader.list_field(table, path, "geometry", [&](int kind, const std::string& at) {
        label->geometry.push_back(one_of(reader, kind, at, kGeometryKinds));
    });
    for (const char* field : {"min_width", "min_height"}) {
        const double value = reader.number_field(table, path, field).value_or(0);
        if (!(value >= 0) || std::isinf(value))
            reader.fail(field_path(path, field), "expected a number >= 0");
        (std::string_view(field) == "min_width" ? label->min_width : label->min_height) = value;
    }
    label->attributes = read_attributes(reader, table, path, "attributes");
    label->skeleton = reader.string_field(table, path, "skeleton").value_or("");
    if (!label->skeleton.empty() && !skeletons.contains(label->skeleton))
        reader.fail(field_path(path, "skeleton"),
                    "\"" + label->skeleton + "\" is not one of the schema's skeletons");
    label->metadata = read_metadata(reader, table, path);
    return label;
}

std::unique_ptr<v1::TierT> read_tier(const TableReader& reader, int table, const std::string& path,
                                     const UniqueKeys& earlier) {
    reader.check_fields(table, path,
                        {"key", "names", "parent", "constraint", "exclusive", "lang",
                         "unicode_ranges", "attributes"});
    auto tier = std::make_unique<v1::TierT>();
    tier->key = reader.required_string(table, path, "key");
    tier->names = read_names(reader, table, path, "names");
    tier->parent = reader.string_field(table, path, "parent").value_or("");
    if (!tier->parent.empty() && !earlier.contains(tier->parent))
        reader.fail(field_path(path, "parent"),
                    "\"" + tier->parent + "\" is not a tier declared before this one");
    {
        StackTop top(reader.state());
        if (reader.push_field(table, "constraint") != LUA_TNIL)
            tier->constraint = one_of(reader, -1, field_path(path, "constraint"), kTierConstraints);
    }
    if (tier->constraint != v1::TierConstraint::None && tier->parent.empty())
        reader.fail(field_path(path, "constraint"), "needs a parent tier");
    tier->exclusive = reader.bool_field(table, path, "exclusive").value_or(false);
    tier->lang = reader.string_field(table, path, "lang").value_or("");
    tier->unicode_ranges = read_ranges(reader, table, path);
    tier->attributes = read_attributes(reader, table, path, "attributes");
    return tier;
}

std::unique_ptr<v1::DefectT> read_defect(const TableReader& reader, int table,
                                         const std::string& path) {
    reader.check_fields(table, path, {"key", "names", "descriptions"});
    auto defect = std::make_unique<v1::DefectT>();
    defect->key = reader.required_string(table, path, "key");
    defect->names = read_names(reader, table, path, "names");
    defect->descriptions = read_names(reader, table, path, "descriptions");
    return defect;
}

bool is_version(const std::string& text) {
    int parts = 0;
    std::size_t digits = 0;
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            ++digits;
        } else if (c == '.' && digits > 0 && parts < 2) {
            ++parts;
            digits = 0;
        } else {
            return false;
        }
    }
    return parts == 2 && digits > 0;
}

}  // namespace

v1::LabelSchemaT read_label_schema(const TableReader& reader, int index, const std::string& path) {
    StackTop top(reader.state());
    index = lua_absindex(reader.state(), index);
    reader.check_fields(index, path,
                        {"id", "version", "names", "classes", "tiers", "defects", "item_attributes",
                         "skeletons", "metadata"});
    v1::LabelSchemaT schema;
    schema.id = reader.required_string(index, path, "id");
    schema.version = reader.required_string(index, path, "version");
    if (!is_version(schema.version))
        reader.fail(field_path(path, "version"),
                    "expected MAJOR.MINOR.PATCH, got \"" + schema.version + "\"");
    schema.names = read_names(reader, index, path, "names");

    UniqueKeys skeletons(reader);
    reader.list_field(index, path, "skeletons", [&](int table, const std::string& at) {
        auto skeleton = read_skeleton(reader, table, at);
        skeletons.add(skeleton->key, at);
        schema.skeletons.push_back(std::move(skeleton));
    });
    UniqueKeys classes(reader);
    reader.list_field(index, path, "classes", [&](int table, const std::string& at) {
        auto label = read_class(reader, table, at, classes, skeletons);
        classes.add(label->key, at);
        schema.classes.push_back(std::move(label));
    });
    UniqueKeys tiers(reader);
    reader.list_field(index, path, "tiers", [&](int table, const std::string& at) {
        auto tier = read_tier(reader, table, at, tiers);
        tiers.add(tier->key, at);
        schema.tiers.push_back(std::move(tier));
    });
    UniqueKeys defects(reader);
    reader.list_field(index, path, "defects", [&](int table, const std::string& at) {
        auto defect = read_defect(reader, table, at);
        defects.add(defect->key, at);
        schema.defects.push_back(std::move(defect));
    });
    schema.item_attributes = read_attributes(reader, index, path, "item_attributes");
    schema.metadata = read_metadata(reader, index, path);
    return schema;
}

std::vector<std::uint8_t> pack_label_schema(const v1::LabelSchemaT& schema) {
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishLabelSchemaBuffer(builder, v1::LabelSchema::Pack(builder, &schema));
    std::vector<std::uint8_t> bytes(builder.GetBufferPointer(),
                                    builder.GetBufferPointer() + builder.GetSize());
    (void)verified_root<v1::LabelSchema>(bytes, v1::LabelSchemaIdentifier(),
                                         "label schema " + schema.id);
    return bytes;
}

}  // namespace tessera::lua
