// ui:submit's edit tables into a tessera.v1.EditBatch (lua/view_plugin/view_edits.hpp).
// Host side: reads with TableReader (raw access, C++ exceptions, no Lua error).

#include "lua/view_plugin/view_edits.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <tessera/cpp/strings.hpp>

#include "lua/sandbox.hpp"
#include "lua/table_reader.hpp"

namespace tessera::lua {
namespace {

using cpp::text;

// The number at `index`, which must be finite: NaN and ±inf mean nothing as a
// coordinate and cannot be written to JSON.
double finite_number(const TableReader& reader, int index, const std::string& path) {
    if (lua_type(reader.state(), index) != LUA_TNUMBER) reader.wrong_type(index, path, "a number");
    const double value = lua_tonumber(reader.state(), index);
    if (!std::isfinite(value)) reader.wrong_type(index, path, "a finite number");
    return value;
}

double required_number(const TableReader& reader, int table, std::string_view path,
                       const char* name) {
    StackTop top(reader.state());
    if (reader.push_field(table, name) == LUA_TNIL)
        reader.fail(field_path(path, name), "required, a number");
    return finite_number(reader, -1, field_path(path, name));
}

// The flat list {x1, y1, x2, y2, ...} at `list` as points; at least `minimum`.
std::vector<v1::Point2> read_points(const TableReader& reader, int list, const std::string& path,
                                    std::size_t minimum) {
    std::vector<double> numbers;
    reader.list(list, path, [&](int value, const std::string& at) {
        numbers.push_back(finite_number(reader, value, at));
    });
    if (numbers.size() % 2 != 0 || numbers.size() / 2 < minimum)
        reader.fail(path, "expected a flat list {x1, y1, x2, y2, ...} of at least " +
                              std::to_string(minimum) + " points, got " +
                              std::to_string(numbers.size()) + " numbers");
    std::vector<v1::Point2> points;
    points.reserve(numbers.size() / 2);
    for (std::size_t i = 0; i + 1 < numbers.size(); i += 2)
        points.emplace_back(numbers[i], numbers[i + 1]);
    return points;
}

std::vector<v1::Point2> points_field(const TableReader& reader, int table, const std::string& path,
                                     const char* name, std::size_t minimum) {
    StackTop top(reader.state());
    if (reader.push_field(table, name) == LUA_TNIL)
        reader.fail(field_path(path, name), "required, a flat list {x1, y1, x2, y2, ...}");
    return read_points(reader, lua_gettop(reader.state()), field_path(path, name), minimum);
}

std::pair<double, double> span_field(const TableReader& reader, int span, const std::string& path) {
    reader.check_fields(span, path, {"start", "end"});
    const double start = required_number(reader, span, path, "start");
    const double end = required_number(reader, span, path, "end");
    if (!(start >= 0)) reader.fail(field_path(path, "start"), "must be >= 0");
    if (!(end >= start)) reader.fail(field_path(path, "end"), "must be >= start");
    return {start, end};
}

// The one geometry of the table at `table` (path `path`).
v1::GeometryUnion read_geometry(const TableReader& reader, int table, const std::string& path) {
    lua_State* L = reader.state();
    reader.check_fields(
        table, path,
        {"box", "polygon", "polyline", "keypoints", "point", "circle", "time_span", "text_span"});
    int kinds = 0;
    lua_pushnil(L);
    while (lua_next(L, table) != 0) {
        lua_pop(L, 1);
        ++kinds;
    }
    if (kinds != 1)
        reader.fail(path, "expected exactly one geometry kind, got " + std::to_string(kinds));
    StackTop top(L);  // pops the key and value pushed next
    lua_pushnil(L);
    lua_next(L, table);
    const std::string kind = lua_tostring(L, -2);
    const int value = lua_gettop(L);
    const std::string at = field_path(path, kind);
    v1::GeometryUnion geometry;
    if (kind == "polygon" || kind == "polyline") {
        if (kind == "polygon") {
            v1::PolygonT polygon;
            polygon.points = read_points(reader, value, at, 3);
            geometry.Set(std::move(polygon));
        } else {
            v1::PolylineT polyline;
            polyline.points = read_points(reader, value, at, 2);
            geometry.Set(std::move(polyline));
        }
        return geometry;
    }
    if (lua_type(L, value) != LUA_TTABLE) reader.wrong_type(value, at, "a table");
    if (kind == "box") {
        reader.check_fields(value, at, {"left", "top", "right", "bottom"});
        v1::BoxT box;
        box.left = required_number(reader, value, at, "left");
        box.top = required_number(reader, value, at, "top");
        box.right = required_number(reader, value, at, "right");
        box.bottom = required_number(reader, value, at, "bottom");
        if (box.right < box.left || box.bottom < box.top)
            reader.fail(at, "expected left <= right and top <= bottom");
        geometry.Set(std::move(box));
    } else if (kind == "keypoints") {
        reader.check_fields(value, at, {"points", "visibility", "skeleton"});
        v1::KeypointsT keypoints;
        keypoints.points = points_field(reader, value, at, "points", 1);
        reader.list_field(value, at, "visibility", [&](int flag, const std::string& flag_at) {
            const lua_Integer v = reader.to_integer(flag, flag_at);
            if (v < 0 || v > 2)
                reader.fail(flag_at, "expected 0 (not labelled), 1 (occluded) or 2 (visible)");
            keypoints.visibility.push_back(static_cast<v1::Visibility>(v));
        });
        if (keypoints.visibility.empty())
            keypoints.visibility.assign(keypoints.points.size(), v1::Visibility::Visible);
        if (keypoints.visibility.size() != keypoints.points.size())
            reader.fail(field_path(at, "visibility"), "expected one flag per point");
        keypoints.skeleton = reader.string_field(value, at, "skeleton").value_or("");
        geometry.Set(std::move(keypoints));
    } else if (kind == "point") {
        reader.check_fields(value, at, {"x", "y"});
        v1::PointT point;
        point.position = std::make_unique<v1::Point2>(required_number(reader, value, at, "x"),
                                                      required_number(reader, value, at, "y"));
        geometry.Set(std::move(point));
    } else if (kind == "circle") {
        reader.check_fields(value, at, {"x", "y", "radius"});
        v1::CircleT circle;
        circle.center = std::make_unique<v1::Point2>(required_number(reader, value, at, "x"),
                                                     required_number(reader, value, at, "y"));
        circle.radius = required_number(reader, value, at, "radius");
        if (!(circle.radius >= 0)) reader.fail(field_path(at, "radius"), "must be >= 0");
        geometry.Set(std::move(circle));
    } else if (kind == "time_span") {
        v1::TimeSpanT span;
        std::tie(span.start, span.end) = span_field(reader, value, at);
        geometry.Set(std::move(span));
    } else {  // text_span
        reader.check_fields(value, at, {"start", "end"});
        const lua_Integer start = reader.integer_field(value, at, "start").value_or(-1);
        const lua_Integer end = reader.integer_field(value, at, "end").value_or(-1);
        if (start < 0 || start > UINT32_MAX)
            reader.fail(field_path(at, "start"), "required, a code point index >= 0");
        if (end < start || end > UINT32_MAX)
            reader.fail(field_path(at, "end"), "required, >= start");
        v1::TextSpanT span;
        span.start = static_cast<std::uint32_t>(start);
        span.end = static_cast<std::uint32_t>(end);
        geometry.Set(std::move(span));
    }
    return geometry;
}

// The type the schema gives attribute `key` of class `label`, if it declares it.
std::optional<v1::AttributeType> declared_type(const v1::LabelSchema* schema,
                                               std::string_view label, std::string_view key) {
    if (schema == nullptr || schema->classes() == nullptr) return std::nullopt;
    for (const v1::LabelClass* c : *schema->classes()) {
        if (text(c->key()) != label || c->attributes() == nullptr) continue;
        for (const v1::AttributeSpec* spec : *c->attributes())
            if (text(spec->key()) == key) return spec->type();
    }
    return std::nullopt;
}

std::unique_ptr<v1::AttributeT> read_attribute(const TableReader& reader, const std::string& key,
                                               int value, const std::string& path,
                                               std::optional<v1::AttributeType> declared) {
    lua_State* L = reader.state();
    auto attribute = std::make_unique<v1::AttributeT>();
    attribute->key = key;
    const int type = lua_type(L, value);
    v1::AttributeType kind = v1::AttributeType::String;
    if (declared)
        kind = *declared;
    else if (type == LUA_TBOOLEAN)
        kind = v1::AttributeType::Bool;
    else if (type == LUA_TNUMBER)
        kind = lua_isinteger(L, value) ? v1::AttributeType::Int : v1::AttributeType::Float;
    else if (type == LUA_TTABLE)
        kind = v1::AttributeType::MultiEnum;
    attribute->type = kind;
    const std::string schema_says = declared ? " (the label schema's type)" : "";
    switch (kind) {
        case v1::AttributeType::Bool:
            if (type != LUA_TBOOLEAN) reader.wrong_type(value, path, "true or false" + schema_says);
            attribute->bool_value = lua_toboolean(L, value) != 0;
            break;
        case v1::AttributeType::Int:
            if (type != LUA_TNUMBER) reader.wrong_type(value, path, "an integer" + schema_says);
            attribute->int_value = reader.to_integer(value, path);
            break;
        case v1::AttributeType::Float:
            if (type != LUA_TNUMBER) reader.wrong_type(value, path, "a number" + schema_says);
            attribute->float_value = finite_number(reader, value, path);
            break;
        case v1::AttributeType::String:
        case v1::AttributeType::Enum:
            if (type != LUA_TSTRING) reader.wrong_type(value, path, "a string" + schema_says);
            attribute->string_value = reader.to_string(value, path);
            break;
        case v1::AttributeType::MultiEnum:
            reader.list(value, path, [&](int entry, const std::string& at) {
                attribute->strings.push_back(reader.to_string(entry, at));
            });
            break;
    }
    return attribute;
}

// Sets the fields the op table at `op` gives on `annotation` (an add starts
// from an empty one, an update from the stored one).
void read_fields(const TableReader& reader, int op, const std::string& path,
                 const EditTarget& target, v1::AnnotationT& annotation) {
    if (auto label = reader.string_field(op, path, "label")) {
        if (label->empty())
            reader.fail(field_path(path, "label"), "expected a label key, got \"\"");
        annotation.label = std::move(*label);
    }
    {
        StackTop top(reader.state());
        if (reader.push_field(op, "geometry") != LUA_TNIL) {
            const int geometry = lua_gettop(reader.state());
            annotation.geometry = read_geometry(reader, geometry, field_path(path, "geometry"));
        }
    }
    if (auto value = reader.string_field(op, path, "text")) annotation.text = std::move(*value);
    if (auto value = reader.string_field(op, path, "tier")) annotation.tier = std::move(*value);
    const std::pair<const char*, std::uint64_t*> ids[] = {
        {"parent", &annotation.parent}, {"group", &annotation.group}, {"track", &annotation.track}};
    for (const auto& [name, target_id] : ids)
        if (const auto value = reader.integer_field(op, path, name)) {
            if (*value < 0) reader.fail(field_path(path, name), "expected an id >= 0");
            *target_id = static_cast<std::uint64_t>(*value);
        }
    if (const auto frame = reader.integer_field(op, path, "frame")) {
        if (*frame < -1)
            reader.fail(field_path(path, "frame"), "expected a frame index, or -1 for none");
        annotation.frame = *frame;
    }
    reader.map_field(
        op, path, "attributes", [&](const std::string& key, int value, const std::string& at) {
            auto attribute = read_attribute(reader, key, value, at,
                                            declared_type(target.schema, annotation.label, key));
            const auto same =
                std::find_if(annotation.attributes.begin(), annotation.attributes.end(),
                             [&](const auto& a) { return a && a->key == key; });
            if (same != annotation.attributes.end())
                *same = std::move(attribute);
            else
                annotation.attributes.push_back(std::move(attribute));
        });
    // The data API keeps attributes sorted by key.
    std::sort(annotation.attributes.begin(), annotation.attributes.end(),
              [](const auto& a, const auto& b) { return a->key < b->key; });
}

const v1::Annotation* stored(const EditTarget& target, std::uint64_t id) {
    if (target.annotations == nullptr || target.annotations->annotations() == nullptr)
        return nullptr;
    for (const v1::Annotation* annotation : *target.annotations->annotations())
        if (annotation->id() == id) return annotation;
    return nullptr;
}

std::uint64_t existing_id(const TableReader& reader, int op, const std::string& path,
                          const EditTarget& target) {
    const auto id = reader.integer_field(op, path, "id");
    if (!id || *id <= 0) reader.fail(field_path(path, "id"), "required, an annotation id > 0");
    if (stored(target, static_cast<std::uint64_t>(*id)) == nullptr)
        reader.fail(field_path(path, "id"),
                    "the open item has no annotation " + std::to_string(*id));
    return static_cast<std::uint64_t>(*id);
}

}  // namespace

std::vector<std::uint8_t> read_edit_batch(lua_State* L, int ops, const EditTarget& target,
                                          std::string_view comment) {
    const TableReader reader(L, "ui:submit", Sandbox::of(L).limits().host_bytes);
    v1::EditBatchT batch;
    batch.author = target.author;
    batch.time = target.time_ms;
    batch.comment = comment;
    reader.list(ops, "ops", [&](int op, const std::string& path) {
        reader.check_fields(op, path,
                            {"op", "id", "label", "geometry", "attributes", "text", "tier",
                             "parent", "group", "track", "frame"});
        const std::string kind = reader.string_field(op, path, "op").value_or("");
        auto edit = std::make_unique<v1::EditOpT>();
        if (kind == "add") {
            if (reader.integer_field(op, path, "id"))
                reader.fail(field_path(path, "id"),
                            "an added annotation gets its id from the store");
            auto annotation = std::make_unique<v1::AnnotationT>();
            read_fields(reader, op, path, target, *annotation);
            if (annotation->label.empty())
                reader.fail(field_path(path, "label"), "required, a label key");
            annotation->provenance = std::make_unique<v1::ProvenanceT>();
            annotation->provenance->author = target.author;
            annotation->provenance->created = target.time_ms;
            annotation->provenance->modified = target.time_ms;
            annotation->provenance->source = v1::Source::Human;
            v1::AddAnnotationT add;
            add.item = target.item;
            add.annotation = std::move(annotation);
            edit->edit.Set(std::move(add));
        } else if (kind == "update") {
            const std::uint64_t id = existing_id(reader, op, path, target);
            std::unique_ptr<v1::AnnotationT> annotation(stored(target, id)->UnPack());
            read_fields(reader, op, path, target, *annotation);
            if (!annotation->provenance) {
                annotation->provenance = std::make_unique<v1::ProvenanceT>();
                annotation->provenance->author = target.author;
                annotation->provenance->source = v1::Source::Human;
            }
            annotation->provenance->modified = target.time_ms;
            v1::UpdateAnnotationT update;
            update.item = target.item;
            update.annotation = std::move(annotation);
            edit->edit.Set(std::move(update));
        } else if (kind == "delete") {
            reader.check_fields(op, path, {"op", "id"});
            v1::DeleteAnnotationT remove;
            remove.item = target.item;
            remove.annotation = existing_id(reader, op, path, target);
            edit->edit.Set(std::move(remove));
        } else {
            StackTop top(L);
            (void)reader.push_field(op, "op");
            reader.wrong_type(-1, field_path(path, "op"), "\"add\", \"update\" or \"delete\"");
        }
        batch.ops.push_back(std::move(edit));
    });
    if (batch.ops.empty()) reader.fail("ops", "expected at least one edit");
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishEditBatchBuffer(builder, v1::EditBatch::Pack(builder, &batch));
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

}  // namespace tessera::lua
