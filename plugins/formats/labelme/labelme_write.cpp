// Writing labelme JSON. See labelme.hpp for what is implemented and what is missing.

#include <initializer_list>
#include <map>
#include <span>

#include <fmt/format.h>

#include "core/json_text.hpp"
#include "formats/files.hpp"
#include "formats/geometry.hpp"
#include "labelme/labelme.hpp"

namespace tessera::formats::labelme {
namespace {

namespace fs = std::filesystem;

std::string string_of(const flatbuffers::String* text) {
    return text != nullptr ? text->str() : std::string();
}

/// Fields labelme itself writes; metadata never overrides them.
bool own_top_level_field(std::string_view name) {
    for (const std::string_view own :
         {"version", "flags", "shapes", "imagePath", "imageData", "imageHeight", "imageWidth"})
        if (name == own) return true;
    return false;
}

bool own_shape_field(std::string_view name) {
    for (const std::string_view own :
         {"label", "points", "group_id", "description", "shape_type", "flags"})
        if (name == own) return true;
    return false;
}

/// The value of metadata `key` of `annotation`; "" when absent.
std::string metadata_value(const v1::Annotation& annotation, std::string_view key) {
    if (annotation.metadata() == nullptr) return {};
    for (const v1::KeyValue* kv : *annotation.metadata())
        if (kv->key() != nullptr && kv->key()->string_view() == key) return string_of(kv->value());
    return {};
}

class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    /// Appends metadata kept as raw JSON; text that is not JSON goes out as a string.
    void raw(std::string_view text) {
        if (is_json(text))
            out_ += text;
        else
            append_json_string(out_, text);
    }

    void point(double x, double y, bool first) {
        out_ += first ? "\n        [" : ",\n        [";
        append_json_number(out_, x);
        out_ += ", ";
        append_json_number(out_, y);
        out_ += "]";
    }

    /// The same, for points listed in place.
    void shape(const v1::Annotation& annotation, std::string_view type,
               std::initializer_list<v1::Point2> points, std::uint64_t group, bool& first_shape) {
        shape(annotation, type, std::span(points.begin(), points.size()), group, first_shape);
    }

    /// One shape of `annotation` with `points`, labelme `type` and group `group`
    /// (0 = null; a group read from labelme's group_id 0 is written as 0).
    void shape(const v1::Annotation& annotation, std::string_view type,
               std::span<const v1::Point2> points, std::uint64_t group, bool& first_shape) {
        out_ += first_shape ? "\n    {\n      \"label\": " : ",\n    {\n      \"label\": ";
        first_shape = false;
        append_json_string(out_, string_of(annotation.label()));
        out_ += ",\n      \"points\": [";
        for (std::size_t i = 0; i < points.size(); ++i) point(points[i].x(), points[i].y(), i == 0);
        out_ += points.empty() ? "],\n      \"group_id\": " : "\n      ],\n      \"group_id\": ";
        if (group == 0)
            out_ += "null";
        else if (group == annotation.group() &&
                 metadata_value(annotation, "labelme:group_id") == "0")
            out_ += "0";
        else
            fmt::format_to(std::back_inserter(out_), "{}", group);
        out_ += ",\n      \"description\": ";
        append_json_string(out_, string_of(annotation.text()));
        out_ += ",\n      \"shape_type\": ";
        append_json_string(out_, type);
        out_ += ",\n      \"flags\": {";
        bool first_flag = true;
        if (annotation.attributes() != nullptr)
            for (const v1::Attribute* attribute : *annotation.attributes()) {
                if (attribute->type() != v1::AttributeType::Bool) continue;
                out_ += first_flag ? "\n        " : ",\n        ";
                first_flag = false;
                append_json_string(out_, string_of(attribute->key()));
                out_ += attribute->bool_value() ? ": true" : ": false";
            }
        out_ += first_flag ? "}" : "\n      }";
        if (annotation.metadata() != nullptr)
            for (const v1::KeyValue* kv : *annotation.metadata()) {
                const std::string key = string_of(kv->key());
                if (!key.starts_with("labelme:") || own_shape_field(key.substr(8))) continue;
                out_ += ",\n      ";
                append_json_string(out_, key.substr(8));
                out_ += ": ";
                raw(string_of(kv->value()));
            }
        out_ += "\n    }";
    }

private:
    std::string& out_;
};

/// Writes the labelme shapes of one item's annotations, noting what labelme
/// cannot hold.
class ShapeWriter {
public:
    ShapeWriter(JsonWriter& json, const v1::Item& item, const v1::AnnotationSet& set,
                const WriteOptions& options)
        : json_(json), item_(item), options_(options) {
        // Groups made for multi-part shapes come after every group in use.
        if (set.annotations() != nullptr)
            for (const v1::Annotation* a : *set.annotations())
                next_group_ = std::max(next_group_, a->group() + 1);
    }

    void write(const v1::Annotation& a) {
        note_attributes(a);
        const std::string kept_type = metadata_value(a, "labelme:shape_type");
        const auto rectangle = [&](const Bounds& b) {
            json_.shape(a, "rectangle", {{b.left, b.top}, {b.right, b.bottom}}, a.group(), first_);
        };
        switch (a.geometry_type()) {
            case v1::Geometry::Box: {
                const v1::Box* box = a.geometry_as_Box();
                // A labelme mask shape keeps its bitmap (metadata "labelme:mask").
                const bool mask = kept_type == "mask" || kept_type == "ai_mask";
                json_.shape(a, mask ? std::string_view(kept_type) : "rectangle",
                            {{box->left(), box->top()}, {box->right(), box->bottom()}}, a.group(),
                            first_);
                return;
            }
            case v1::Geometry::Polygon: {
                const v1::Polygon* polygon = a.geometry_as_Polygon();
                const auto points = outer_ring(*polygon);
                if (points.size() < 3) break;
                if (polygon->ring_ends() != nullptr && polygon->ring_ends()->size() > 1)
                    lost(a, "polygon holes (labelme polygons have none)");
                return json_.shape(a, kept_type == "ai_polygon" ? "ai_polygon" : "polygon", points,
                                   a.group(), first_);
            }
            case v1::Geometry::MultiPolygon: {
                // One polygon per part, sharing a group so that the instance stays one.
                const std::uint64_t group = a.group() != 0 ? a.group() : next_group_++;
                if (const auto* parts = a.geometry_as_MultiPolygon()->polygons())
                    for (const v1::Polygon* part : *parts) {
                        if (part->ring_ends() != nullptr && part->ring_ends()->size() > 1)
                            lost(a, "polygon holes (labelme polygons have none)");
                        if (const auto points = outer_ring(*part); points.size() >= 3)
                            json_.shape(a, "polygon", points, group, first_);
                    }
                return;
            }
            case v1::Geometry::Polyline: {
                const auto* list = a.geometry_as_Polyline()->points();
                std::vector<v1::Point2> points;
                if (list != nullptr)
                    for (const v1::Point2* p : *list) points.push_back(*p);
                if (points.size() >= 2)
                    return json_.shape(
                        a, points.size() == 2 && kept_type == "line" ? "line" : "linestrip", points,
                        a.group(), first_);
                if (points.size() == 1) {
                    lost(a, "one-point polylines written as points");
                    return json_.shape(a, "point", points, a.group(), first_);
                }
                break;
            }
            case v1::Geometry::Point:
                if (const v1::Point2* p = a.geometry_as_Point()->position())
                    return json_.shape(a, "point", {*p}, a.group(), first_);
                break;
            case v1::Geometry::Circle: {
                const v1::Circle* circle = a.geometry_as_Circle();
                if (const v1::Point2* c = circle->center())
                    return json_.shape(a, "circle", {*c, {c->x() + circle->radius(), c->y()}},
                                       a.group(), first_);
                break;
            }
            case v1::Geometry::RotatedBox:
                lost(a, "RotatedBox annotations written as polygons");
                return json_.shape(a, "polygon", corners_of(*a.geometry_as_RotatedBox()), a.group(),
                                   first_);
            default:
                break;
        }
        if (const std::optional<Bounds> bounds = bounds_of(a)) {
            lost(a, fmt::format("{} annotations written as rectangles (labelme has no such shape)",
                                v1::EnumNameGeometry(a.geometry_type())));
            rectangle(*bounds);
        } else {
            lost(a, fmt::format("{} annotations (labelme holds 2D shapes only)",
                                v1::EnumNameGeometry(a.geometry_type())));
        }
    }

    /// True until the first shape is written.
    [[nodiscard]] bool none_written() const { return first_; }

private:
    void lost(const v1::Annotation& a, std::string_view what) const {
        options_.lost(
            what, string_of(a.label()),
            fmt::format("item {} ({}) annotation {}", item_.id(), dataset_name(item_), a.id()));
    }

    /// labelme's flags hold true/false only.
    void note_attributes(const v1::Annotation& a) const {
        if (a.attributes() == nullptr) return;
        for (const v1::Attribute* attribute : *a.attributes())
            if (attribute->type() != v1::AttributeType::Bool)
                return lost(a, "attributes other than true/false (labelme flags hold only those)");
    }

    JsonWriter& json_;
    const v1::Item& item_;
    const WriteOptions& options_;
    std::uint64_t next_group_ = 1;
    bool first_ = true;
};

std::string document(const v1::Item& item, const v1::AnnotationSet& set,
                     const std::string& image_path, const WriteOptions& options) {
    std::string out = "{\n  \"version\": ";
    append_json_string(out, kVersion);
    JsonWriter json(out);
    std::map<std::string, std::string> extra;  // other top-level fields, raw JSON
    std::string flags = "{}";
    if (item.metadata() != nullptr)
        for (const v1::KeyValue* kv : *item.metadata()) {
            const std::string key = string_of(kv->key());
            if (key == "labelme:flags")
                flags = string_of(kv->value());
            else if (key.starts_with("labelme:") && !own_top_level_field(key.substr(8)))
                extra[key.substr(8)] = string_of(kv->value());
        }
    out += ",\n  \"flags\": ";
    json.raw(flags);
    out += ",\n  \"shapes\": [";
    ShapeWriter shapes(json, item, set, options);
    if (set.annotations() != nullptr)
        for (const v1::Annotation* annotation : *set.annotations()) shapes.write(*annotation);
    out += shapes.none_written() ? "],\n  \"imagePath\": " : "\n  ],\n  \"imagePath\": ";
    append_json_string(out, image_path);
    out += ",\n  \"imageData\": null,\n  \"imageHeight\": ";
    const v1::Media* media = item.media();
    const auto size = [&](std::uint32_t pixels) {
        if (pixels == 0)
            out += "null";
        else
            fmt::format_to(std::back_inserter(out), "{}", pixels);
    };
    size(media != nullptr ? media->height() : 0);
    out += ",\n  \"imageWidth\": ";
    size(media != nullptr ? media->width() : 0);
    for (const auto& [key, value] : extra) {
        out += ",\n  ";
        append_json_string(out, key);
        out += ": ";
        json.raw(value);
    }
    out += "\n}\n";
    return out;
}

}  // namespace

void write(const ItemSource& source, const fs::path& out, const WriteOptions& options) {
    write_per_item(source, out, ".json", "labelme file", options,
                   [&](const v1::Item& item, const v1::AnnotationSet& set, const std::string& uri,
                       const fs::path& relative) {
                       // The image as seen from the JSON file, the output folder standing for
                       // the project folder.
                       const fs::path folder = relative.parent_path();
                       fs::path image = folder.empty() ? fs::path(uri)
                                                       : fs::path(uri).lexically_relative(folder);
                       if (image.empty()) image = uri;
                       return document(item, set, image.generic_string(), options);
                   });
}

}  // namespace tessera::formats::labelme
