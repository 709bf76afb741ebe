#pragma once
// Builds a tessera.v1.LabelSchema over the FlatBuffers object API, with a few
// chainable shortcuts for what every schema spells out (names, classes,
// attributes). Anything else: reach the object through `.get()`.
//
//   LabelSchemaBuilder schema("com.example.traffic", "1.0.0", {{"en", "Traffic"}});
//   schema.add_class("traffic_light", {{"en", "Traffic light"}, {"zh-CN", "交通灯"}})
//       .geometry({v1::GeometryKind::Box})
//       .add_attribute("state", v1::AttributeType::Enum, {{"en", "State"}})
//       .values({"red", "yellow", "green"})
//       .required();
//   flatbuffers::DetachedBuffer bytes = schema.finish();

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <flatbuffers/flatbuffers.h>
#include <tessera/v1/label_schema_generated.h>

namespace tessera::cpp {

/// Display names per BCP 47 language tag: {{"en", "Car"}, {"zh-CN", "汽车"}}.
using Names = std::initializer_list<std::pair<std::string_view, std::string_view>>;

/// Converts `names` to the object API's list.
[[nodiscard]] inline std::vector<std::unique_ptr<v1::LocalizedTextT>> localized(Names names) {
    std::vector<std::unique_ptr<v1::LocalizedTextT>> out;
    out.reserve(names.size());
    for (const auto& [lang, text] : names) {
        auto entry = std::make_unique<v1::LocalizedTextT>();
        entry->lang = lang;
        entry->text = text;
        out.push_back(std::move(entry));
    }
    return out;
}

/// Chainable setters over one AttributeSpecT owned by a schema.
class AttributeRef {
public:
    /// Wraps `spec` (owned elsewhere; must outlive this reference).
    explicit AttributeRef(v1::AttributeSpecT& spec) noexcept : spec_(&spec) {}
    /// Every annotation of the class must set it.
    AttributeRef& required(bool value = true) {
        spec_->required = value;
        return *this;
    }
    /// Allowed keys of an Enum / MultiEnum attribute, each named by its key
    /// in every language until given names through get().
    AttributeRef& values(std::initializer_list<std::string_view> keys) {
        for (std::string_view key : keys) {
            auto value = std::make_unique<v1::EnumValueT>();
            value->key = key;
            spec_->values.push_back(std::move(value));
        }
        return *this;
    }
    /// One allowed Enum / MultiEnum value with display names.
    AttributeRef& value(std::string_view key, Names names) {
        auto value = std::make_unique<v1::EnumValueT>();
        value->key = key;
        value->names = localized(names);
        spec_->values.push_back(std::move(value));
        return *this;
    }
    /// Inclusive range of an Int / Float value.
    AttributeRef& range(double min, double max) {
        spec_->min = min;
        spec_->max = max;
        return *this;
    }
    /// Unit of a numeric value, e.g. "cm" (display only).
    AttributeRef& unit(std::string_view unit) {
        spec_->unit = unit;
        return *this;
    }
    /// RE2 pattern a String value must match in full (plugins/lua/README.md
    /// "Attribute patterns": syntax and limits).
    AttributeRef& pattern(std::string_view pattern) {
        spec_->pattern = pattern;
        return *this;
    }
    /// Default value as text ("true", "15", an enum key).
    AttributeRef& default_value(std::string_view value) {
        spec_->default_value = value;
        return *this;
    }
    /// The underlying object, for fields without a shortcut.
    [[nodiscard]] v1::AttributeSpecT& get() const noexcept { return *spec_; }

private:
    v1::AttributeSpecT* spec_;
};

namespace detail {
/// Appends a new attribute to `list` and returns a reference to it.
inline AttributeRef add_attribute(std::vector<std::unique_ptr<v1::AttributeSpecT>>& list,
                                  std::string_view key, v1::AttributeType type, Names names) {
    auto spec = std::make_unique<v1::AttributeSpecT>();
    spec->key = key;
    spec->type = type;
    spec->names = localized(names);
    list.push_back(std::move(spec));
    return AttributeRef(*list.back());
}
}  // namespace detail

/// Chainable setters over one LabelClassT owned by a schema.
class ClassRef {
public:
    /// Wraps `label_class` (owned elsewhere; must outlive this reference).
    explicit ClassRef(v1::LabelClassT& label_class) noexcept : class_(&label_class) {}
    /// Display colour as 0xRRGGBBAA.
    ClassRef& color(std::uint32_t rgba) {
        class_->color = rgba;
        return *this;
    }
    /// Key of the parent class (which must come earlier in the schema).
    ClassRef& parent(std::string_view key) {
        class_->parent = key;
        return *this;
    }
    /// Studio shortcut, e.g. "1".
    ClassRef& hotkey(std::string_view key) {
        class_->hotkey = key;
        return *this;
    }
    /// Geometry kinds annotations of the class may use (default: any).
    ClassRef& geometry(std::initializer_list<v1::GeometryKind> kinds) {
        class_->geometry.assign(kinds.begin(), kinds.end());
        return *this;
    }
    /// Smallest allowed box, pixels (0 = no limit).
    ClassRef& min_size(double width, double height) {
        class_->min_width = width;
        class_->min_height = height;
        return *this;
    }
    /// Adds an attribute and returns it for further settings.
    AttributeRef add_attribute(std::string_view key, v1::AttributeType type, Names names = {}) {
        return detail::add_attribute(class_->attributes, key, type, names);
    }
    /// The underlying object, for fields without a shortcut.
    [[nodiscard]] v1::LabelClassT& get() const noexcept { return *class_; }

private:
    v1::LabelClassT* class_;
};

/// Builds one LabelSchema. Not thread-safe; build once (e.g. in init()).
class LabelSchemaBuilder {
public:
    /// Starts schema `id` (reverse-DNS, e.g. "com.example.traffic") at
    /// `version` ("MAJOR.MINOR.PATCH") with display `names`.
    LabelSchemaBuilder(std::string_view id, std::string_view version, Names names = {}) {
        schema_.id = id;
        schema_.version = version;
        schema_.names = localized(names);
    }

    /// Adds class `key` (after its parent, if any) and returns it.
    ClassRef add_class(std::string_view key, Names names = {}) {
        auto label_class = std::make_unique<v1::LabelClassT>();
        label_class->key = key;
        label_class->names = localized(names);
        schema_.classes.push_back(std::move(label_class));
        return ClassRef(*schema_.classes.back());
    }

    /// Adds an attribute of the item itself (weather, scene).
    AttributeRef add_item_attribute(std::string_view key, v1::AttributeType type,
                                    Names names = {}) {
        return detail::add_attribute(schema_.item_attributes, key, type, names);
    }

    /// The schema so far, for fields without a shortcut (tiers, skeletons, defects).
    [[nodiscard]] v1::LabelSchemaT& get() noexcept { return schema_; }
    /// The schema so far.
    [[nodiscard]] const v1::LabelSchemaT& get() const noexcept { return schema_; }

    /// Serializes the schema as a finished "TSCH" buffer.
    [[nodiscard]] flatbuffers::DetachedBuffer finish() const {
        flatbuffers::FlatBufferBuilder builder;
        v1::FinishLabelSchemaBuffer(builder, v1::LabelSchema::Pack(builder, &schema_));
        return builder.Release();
    }

private:
    v1::LabelSchemaT schema_;
};

}  // namespace tessera::cpp
