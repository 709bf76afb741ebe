// Writing labelme JSON. See labelme.hpp for what is implemented and what is missing.

#include <initializer_list>
#include <map>
#include <span>

#include <fmt/format.h>

#include "formats/files.hpp"
#include "formats/geometry.hpp"
#include "formats/json_text.hpp"
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
               std::initializer_list<v1::Point2> points, bool& first_shape) {
        shape(annotation, type, std::span(points.begin(), points.size()), first_shape);
    }

    /// One shape of `annotation` with `points` and labelme `type`.
    void shape(const v1::Annotation& annotation, std::string_view type,
               std::span<const v1::Point2> points, bool& first_shape) {
        out_ += first_shape ? "\n    {\n      \"label\": " : ",\n    {\n      \"label\": ";
        first_shape = false;
        append_json_string(out_, string_of(annotation.label()));
        out_ += ",\n      \"points\": [";
        for (std::size_t i = 0; i < points.size(); ++i) point(points[i].x(), points[i].y(), i == 0);
        out_ += points.empty() ? "],\n      \"group_id\": " : "\n      ],\n      \"group_id\": ";
        if (annotation.group() == 0)
            out_ += "null";
        else
            fmt::format_to(std::back_inserter(out_), "{}", annotation.group());
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

bool is_line(const v1::Annotation& annotation) {
    if (annotation.metadata() == nullptr) return false;
    for (const v1::KeyValue* kv : *annotation.metadata())
        if (string_of(kv->key()) == "labelme:shape_type") return string_of(kv->value()) == "line";
    return false;
}

/// The labelme shapes of one annotation (none for shapes without a 2D extent).
void shapes(JsonWriter& json, const v1::Annotation& a, bool& first) {
    const auto rectangle = [&](const Bounds& b) {
        json.shape(a, "rectangle", {{b.left, b.top}, {b.right, b.bottom}}, first);
    };
    switch (a.geometry_type()) {
        case v1::Geometry::Box: {
            const v1::Box* box = a.geometry_as_Box();
            json.shape(a, "rectangle", {{box->left(), box->top()}, {box->right(), box->bottom()}},
                       first);
            return;
        }
        case v1::Geometry::Polygon: {
            const auto points = outer_ring(*a.geometry_as_Polygon());
            if (points.size() >= 3) return json.shape(a, "polygon", points, first);
            break;
        }
        case v1::Geometry::MultiPolygon:
            if (const auto* parts = a.geometry_as_MultiPolygon()->polygons())
                for (const v1::Polygon* part : *parts)
                    if (const auto points = outer_ring(*part); points.size() >= 3)
                        json.shape(a, "polygon", points, first);
            return;
        case v1::Geometry::Polyline: {
            const auto* list = a.geometry_as_Polyline()->points();
            std::vector<v1::Point2> points;
            if (list != nullptr)
                for (const v1::Point2* p : *list) points.push_back(*p);
            if (points.size() >= 2)
                return json.shape(a, points.size() == 2 && is_line(a) ? "line" : "linestrip",
                                  points, first);
            if (points.size() == 1) return json.shape(a, "point", points, first);
            return;
        }
        case v1::Geometry::Point:
            if (const v1::Point2* p = a.geometry_as_Point()->position())
                json.shape(a, "point", {*p}, first);
            return;
        case v1::Geometry::Circle: {
            const v1::Circle* circle = a.geometry_as_Circle();
            if (const v1::Point2* c = circle->center())
                json.shape(a, "circle", {*c, {c->x() + circle->radius(), c->y()}}, first);
            return;
        }
        case v1::Geometry::RotatedBox:
            return json.shape(a, "polygon", corners_of(*a.geometry_as_RotatedBox()), first);
        default:
            break;
    }
    if (const std::optional<Bounds> bounds = bounds_of(a)) rectangle(*bounds);
}

std::string document(const v1::Item& item, const v1::AnnotationSet& set,
                     const std::string& image_path) {
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
    bool first = true;
    if (set.annotations() != nullptr)
        for (const v1::Annotation* annotation : *set.annotations())
            shapes(json, *annotation, first);
    out += first ? "],\n  \"imagePath\": " : "\n  ],\n  \"imagePath\": ";
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
                   [](const v1::Item& item, const v1::AnnotationSet& set, const std::string& uri,
                      const fs::path& relative) {
                       // The image as seen from the JSON file, the output folder standing for
                       // the project folder.
                       const fs::path folder = relative.parent_path();
                       fs::path image = folder.empty() ? fs::path(uri)
                                                       : fs::path(uri).lexically_relative(folder);
                       if (image.empty()) image = uri;
                       return document(item, set, image.generic_string());
                   });
}

}  // namespace tessera::formats::labelme
