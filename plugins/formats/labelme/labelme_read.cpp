// Reading labelme JSON. See labelme.hpp for what is implemented and what is missing.

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "formats/files.hpp"
#include "labelme/labelme.hpp"

namespace tessera::formats::labelme {
namespace {

namespace fs = std::filesystem;
namespace od = simdjson::ondemand;

std::string_view trim_end(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' ||
                             text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

/// Metadata entries sorted by key; a repeated key keeps its last value.
std::vector<std::unique_ptr<v1::KeyValueT>> sorted(std::map<std::string, std::string>& fields) {
    std::vector<std::unique_ptr<v1::KeyValueT>> out;
    for (auto& [key, value] : fields) {
        auto kv = std::make_unique<v1::KeyValueT>();
        kv->key = key;
        kv->value = std::move(value);
        out.push_back(std::move(kv));
    }
    return out;
}

/// Reads one document; every error names the file, line and column.
class DocumentReader {
public:
    DocumentReader(const JsonText& json, DatasetBuilder& builder, const ReadOptions& options)
        : json_(json), builder_(builder), options_(options) {}

    void read() {
        od::parser parser;
        od::document doc;
        const char* start = json_.padded().data();
        if (const auto error = parser.iterate(json_.padded()).get(doc))
            fail_simdjson(start, error, "labelme file");
        od::object root;
        if (const auto error = doc.get_object().get(root)) {
            if (error == simdjson::INCORRECT_TYPE)
                json_.fail(start, "expected a JSON object with labelme's fields");
            fail_simdjson(here(doc), error, "labelme file");
        }

        ImportedItem item;
        item.media.kind = v1::MediaKind::Image;
        std::map<std::string, std::string> metadata;
        bool have_shapes = false, have_path = false;
        for (auto field_result : root) {
            od::field field;
            if (const auto error = std::move(field_result).get(field))
                fail_simdjson(here(doc), error, "labelme file");
            std::string_view key;
            if (const auto error = field.unescaped_key().get(key))
                fail_simdjson(here(doc), error, "labelme file: a field name");
            const std::string name(key);
            od::value value = field.value();
            const char* at = value.raw_json_token().data();
            if (name == "shapes") {
                have_shapes = true;
                shapes(value, at, item);
            } else if (name == "imagePath") {
                have_path = true;
                item.name = string(value, "imagePath");
                std::replace(item.name.begin(), item.name.end(), '\\', '/');
                if (item.name.empty())
                    json_.fail(at, "imagePath: expected the image's path, found \"\"");
            } else if (name == "imageWidth" || name == "imageHeight") {
                (name == "imageWidth" ? item.media.width : item.media.height) = pixels(value, name);
            } else if (name == "flags") {
                // No flags ({}, what labelme writes by default) is what export writes
                // when none are kept: nothing to keep.
                std::string flags = raw(value, "flags");
                if (std::count_if(flags.begin(), flags.end(), [](char c) {
                        return c != ' ' && c != '\n' && c != '\r' && c != '\t';
                    }) > 2)
                    metadata["labelme:flags"] = std::move(flags);
            } else if (name != "version" && name != "imageData") {
                metadata["labelme:" + name] = raw(value, name);
            }
        }
        if (!have_shapes) json_.fail(start, "expected \"shapes\", the array of labelme shapes");
        if (!have_path) json_.fail(start, "expected \"imagePath\" naming the image");
        // The root object ends where it should; anything after it is not labelme.
        const char* after = nullptr;
        if (doc.current_location().get(after) == simdjson::SUCCESS && after != nullptr &&
            json_.offset_of(after) < json_.text().size())
            json_.fail(after, "unexpected text after the JSON object");

        const fs::path image = json_.path().parent_path() / fs::path(item.name);
        std::error_code ec;
        if (fs::is_regular_file(image, ec)) item.media_path = image.lexically_normal();
        item.metadata = sorted(metadata);
        builder_.dataset.items.push_back(std::move(item));
    }

private:
    /// The 1-based line of `location` (a pointer into the padded text).
    std::size_t line_of(const char* location) const {
        const std::string_view text = json_.text().substr(0, json_.offset_of(location));
        return 1 + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    }

    const char* here(od::document& doc) const {
        const char* location = nullptr;
        if (doc.current_location().get(location) != simdjson::SUCCESS) return nullptr;
        return location;
    }

    [[noreturn]] void fail_simdjson(const char* at, simdjson::error_code error,
                                    std::string_view context) const {
        // A document that ends early is best shown where it ends.
        if (error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT)
            at = json_.padded().data() + json_.text().size();
        json_.fail_simdjson(at, error, context);
    }

    [[noreturn]] void type_error(const char* at, simdjson::error_code error,
                                 std::string_view context, std::string_view expected) const {
        if (error == simdjson::INCORRECT_TYPE || error == simdjson::NUMBER_ERROR ||
            error == simdjson::NUMBER_OUT_OF_RANGE || error == simdjson::N_ATOM_ERROR ||
            error == simdjson::T_ATOM_ERROR || error == simdjson::F_ATOM_ERROR)
            json_.fail(at, fmt::format("{}: expected {}", context, expected));
        fail_simdjson(at, error, context);
    }

    std::string string(od::value& value, std::string_view context) const {
        const char* at = value.raw_json_token().data();
        std::string_view text;
        if (const auto error = value.get_string().get(text))
            type_error(at, error, context, "a string");
        return std::string(text);
    }

    /// A string or null ("").
    std::string optional_string(od::value& value, std::string_view context) const {
        const char* at = value.raw_json_token().data();
        bool null = false;
        if (value.is_null().get(null) == simdjson::SUCCESS && null) return {};
        std::string_view text;
        if (const auto error = value.get_string().get(text))
            type_error(at, error, context, "a string or null");
        return std::string(text);
    }

    std::uint32_t pixels(od::value& value, std::string_view context) const {
        const char* at = value.raw_json_token().data();
        bool null = false;
        if (value.is_null().get(null) == simdjson::SUCCESS && null) return 0;
        std::uint64_t number = 0;
        if (const auto error = value.get_uint64().get(number); error || number > 0xFFFFFFFFu)
            type_error(at, error ? error : simdjson::NUMBER_OUT_OF_RANGE, context,
                       "a whole number of pixels");
        return static_cast<std::uint32_t>(number);
    }

    /// The value's JSON text, checked as far as on-demand parsing goes.
    std::string raw(od::value& value, std::string_view context) const {
        const char* at = value.raw_json_token().data();
        od::json_type type;
        if (const auto error = value.type().get(type)) fail_simdjson(at, error, context);
        std::string_view text;
        simdjson::error_code error = simdjson::SUCCESS;
        switch (type) {
            case od::json_type::object: {
                od::object object;
                error = value.get_object().get(object);
                if (!error) error = object.raw_json().get(text);
                break;
            }
            case od::json_type::array: {
                od::array array;
                error = value.get_array().get(array);
                if (!error) error = array.raw_json().get(text);
                break;
            }
            default: {
                text = trim_end(value.raw_json_token());
                // Scalars are validated by reading them.
                bool null = false;
                if (type == od::json_type::number)
                    error = value.get_double().error();
                else if (type == od::json_type::boolean)
                    error = value.get_bool().error();
                else if (type == od::json_type::string)
                    error = value.get_string().error();
                else
                    error = value.is_null().get(null);
                if (error || (type == od::json_type::null && !null))
                    json_.fail(at, fmt::format("{}: expected a JSON value, found \"{}\"", context,
                                               text.substr(0, 24)));
                break;
            }
        }
        if (error) fail_simdjson(at, error, context);
        return std::string(trim_end(text));
    }

    void shapes(od::value& value, const char* at, ImportedItem& item) {
        od::array array;
        if (const auto error = value.get_array().get(array))
            type_error(at, error, "shapes", "an array of shapes");
        std::size_t number = 0;
        std::vector<std::size_t> zero_group;
        std::uint64_t highest_group = 0;
        for (auto element : array) {
            od::value shape_value;
            if (const auto error = std::move(element).get(shape_value))
                fail_simdjson(at, error, fmt::format("shape {}", number + 1));
            bool group_zero = false;
            item.annotations.push_back(shape(shape_value, ++number, group_zero));
            if (group_zero) zero_group.push_back(item.annotations.size() - 1);
            highest_group = std::max(highest_group, item.annotations.back()->group);
        }
        // group_id 0 is a group like any other in labelme, but 0 means "none" in
        // Tessera: its shapes share a group number unused in this file, and
        // metadata "labelme:group_id" = "0" writes it back as 0.
        if (!zero_group.empty() && highest_group == UINT64_MAX)
            json_.fail(at,
                       "shapes: group_id 0 and 18446744073709551615 in one file cannot both "
                       "be kept");
        for (const std::size_t index : zero_group)
            item.annotations[index]->group = highest_group + 1;
    }

    std::vector<v1::Point2> points(od::value& value, const std::string& context) const {
        const char* at = value.raw_json_token().data();
        od::array array;
        if (const auto error = value.get_array().get(array))
            type_error(at, error, context + ": points", "an array of [x, y] pairs");
        std::vector<v1::Point2> out;
        for (auto element : array) {
            od::value pair_value;
            if (const auto error = std::move(element).get(pair_value))
                fail_simdjson(at, error, context + ": points");
            const std::string where = fmt::format("{}: point {}", context, out.size() + 1);
            const char* pair_at = pair_value.raw_json_token().data();
            od::array pair;
            if (const auto error = pair_value.get_array().get(pair))
                type_error(pair_at, error, where, "[x, y]");
            double xy[2] = {0, 0};
            std::size_t count = 0;
            for (auto coordinate : pair) {
                od::value number;
                if (const auto error = std::move(coordinate).get(number))
                    fail_simdjson(pair_at, error, where);
                const char* number_at = number.raw_json_token().data();
                if (count == 2)
                    json_.fail(number_at, where + ": expected [x, y], found more than 2 numbers");
                if (const auto error = number.get_double().get(xy[count]))
                    type_error(number_at, error, where, "a number");
                ++count;
            }
            if (count != 2)
                json_.fail(pair_at,
                           fmt::format("{}: expected [x, y], found {} numbers", where, count));
            out.emplace_back(xy[0], xy[1]);
        }
        return out;
    }

    std::unique_ptr<v1::AnnotationT> shape(od::value& value, std::size_t number, bool& group_zero) {
        const std::string context = fmt::format("shape {}", number);
        const char* at = value.raw_json_token().data();
        od::object object;
        if (const auto error = value.get_object().get(object))
            type_error(at, error, context, "an object");

        auto annotation = std::make_unique<v1::AnnotationT>();
        std::optional<std::string> label;
        std::optional<std::vector<v1::Point2>> shape_points;
        const char* points_at = at;
        std::string shape_type = "polygon";
        const char* type_at = at;
        std::map<std::string, std::string> metadata;
        std::map<std::string, bool> flags;
        for (auto field_result : object) {
            od::field field;
            if (const auto error = std::move(field_result).get(field))
                fail_simdjson(at, error, context);
            std::string_view key;
            if (const auto error = field.unescaped_key().get(key))
                fail_simdjson(at, error, context);
            const std::string name(key);
            od::value field_value = field.value();
            const char* field_at = field_value.raw_json_token().data();
            if (name == "label") {
                label = string(field_value, context + ": label");
            } else if (name == "points") {
                points_at = field_at;
                shape_points = points(field_value, context);
            } else if (name == "shape_type") {
                type_at = field_at;
                shape_type = optional_string(field_value, context + ": shape_type");
                if (shape_type.empty()) shape_type = "polygon";
            } else if (name == "group_id") {
                bool null = false;
                if (field_value.is_null().get(null) == simdjson::SUCCESS && null) continue;
                if (const auto error = field_value.get_uint64().get(annotation->group))
                    type_error(field_at, error, context + ": group_id", "a whole number or null");
                group_zero = annotation->group == 0;
                if (group_zero) metadata["labelme:group_id"] = "0";
            } else if (name == "description") {
                annotation->text = optional_string(field_value, context + ": description");
            } else if (name == "flags") {
                read_flags(field_value, context, flags);
            } else {
                metadata["labelme:" + name] = raw(field_value, context + ": " + name);
            }
        }
        if (!label) json_.fail(at, context + ": expected \"label\"");
        if (label->empty()) json_.fail(at, context + ": label is empty");
        if (!shape_points) json_.fail(at, context + ": expected \"points\"");

        annotation->id = builder_.take_id();
        annotation->label = std::move(*label);
        builder_.add_class(annotation->label);
        geometry(*annotation, shape_type, *shape_points, context, type_at, points_at, metadata);
        if (shape_type == "mask" || shape_type == "ai_mask")
            options_.lost(
                "labelme mask shapes, kept as their box (the bitmap goes back only to "
                "labelme)",
                annotation->label,
                fmt::format("{}:{}: {}", json_.path().generic_string(), line_of(at), context));
        for (const auto& [key, value] : flags) {
            auto attribute = std::make_unique<v1::AttributeT>();
            attribute->key = key;
            attribute->type = v1::AttributeType::Bool;
            attribute->bool_value = value;
            annotation->attributes.push_back(std::move(attribute));
        }
        annotation->metadata = sorted(metadata);
        return annotation;
    }

    void read_flags(od::value& value, const std::string& context,
                    std::map<std::string, bool>& flags) const {
        const char* at = value.raw_json_token().data();
        bool null = false;
        if (value.is_null().get(null) == simdjson::SUCCESS && null) return;
        od::object object;
        if (const auto error = value.get_object().get(object))
            type_error(at, error, context + ": flags", "an object of true/false values");
        for (auto field_result : object) {
            od::field field;
            if (const auto error = std::move(field_result).get(field))
                fail_simdjson(at, error, context + ": flags");
            std::string_view key;
            if (const auto error = field.unescaped_key().get(key))
                fail_simdjson(at, error, context + ": flags");
            const std::string name(key);
            od::value flag = field.value();
            const char* flag_at = flag.raw_json_token().data();
            bool set = false;
            if (const auto error = flag.get_bool().get(set))
                type_error(flag_at, error, fmt::format("{}: flag \"{}\"", context, name),
                           "true or false");
            flags[name] = set;
        }
    }

    void geometry(v1::AnnotationT& annotation, const std::string& type,
                  const std::vector<v1::Point2>& p, const std::string& context, const char* type_at,
                  const char* points_at, std::map<std::string, std::string>& metadata) const {
        const auto need = [&](bool ok, std::string_view expected) {
            if (!ok)
                json_.fail(
                    points_at,
                    fmt::format("{}: {} expects {}, found {}", context, type, expected,
                                p.size() == 1 ? "1 point" : fmt::format("{} points", p.size())));
        };
        if (type == "rectangle") {
            need(p.size() == 2 || p.size() == 4, "2 corner points");
            v1::BoxT box{};
            box.left = box.right = p[0].x();
            box.top = box.bottom = p[0].y();
            for (const v1::Point2& point : p) {
                box.left = std::min(box.left, point.x());
                box.top = std::min(box.top, point.y());
                box.right = std::max(box.right, point.x());
                box.bottom = std::max(box.bottom, point.y());
            }
            annotation.geometry.Set(std::move(box));
        } else if (type == "mask" || type == "ai_mask") {
            // labelme 5.3+: points are the mask's box corners, "mask" its bitmap
            // (a base64 PNG inside that box), kept as metadata "labelme:mask".
            need(p.size() == 2, "2 corner points");
            v1::BoxT box{};
            box.left = std::min(p[0].x(), p[1].x());
            box.top = std::min(p[0].y(), p[1].y());
            box.right = std::max(p[0].x(), p[1].x());
            box.bottom = std::max(p[0].y(), p[1].y());
            annotation.geometry.Set(std::move(box));
            metadata["labelme:shape_type"] = type;
        } else if (type == "polygon" || type == "ai_polygon") {
            need(p.size() >= 3, "3 or more points");
            v1::PolygonT polygon;
            polygon.points = p;
            annotation.geometry.Set(std::move(polygon));
            if (type == "ai_polygon") metadata["labelme:shape_type"] = type;
        } else if (type == "line" || type == "linestrip") {
            need(type == "line" ? p.size() == 2 : p.size() >= 2,
                 type == "line" ? "2 points" : "2 or more points");
            v1::PolylineT polyline;
            polyline.points = p;
            annotation.geometry.Set(std::move(polyline));
            if (type == "line") metadata["labelme:shape_type"] = "line";
        } else if (type == "point") {
            need(p.size() == 1, "1 point");
            v1::PointT point;
            point.position = std::make_unique<v1::Point2>(p[0]);
            annotation.geometry.Set(std::move(point));
        } else if (type == "circle") {
            need(p.size() == 2, "2 points (centre and a point on the circle)");
            v1::CircleT circle;
            circle.center = std::make_unique<v1::Point2>(p[0]);
            circle.radius = std::hypot(p[1].x() - p[0].x(), p[1].y() - p[0].y());
            annotation.geometry.Set(std::move(circle));
        } else {
            json_.fail(type_at,
                       fmt::format("{}: unknown shape_type \"{}\", expected rectangle, polygon, "
                                   "line, linestrip, point, circle, mask, ai_polygon or ai_mask",
                                   context, type));
        }
    }

    const JsonText& json_;
    DatasetBuilder& builder_;
    const ReadOptions& options_;
};

}  // namespace

void read_document(const fs::path& file, std::string_view text, DatasetBuilder& builder,
                   const ReadOptions& options) {
    const JsonText json(file, text);
    DocumentReader(json, builder, options).read();
}

Dataset read(const fs::path& input, const ReadOptions& options) {
    const std::vector<fs::path> files = annotation_files(input, ".json", "labelme");
    DatasetBuilder builder;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const JsonText json(files[i]);
        DocumentReader(json, builder, options).read();
        if (options.progress) options.progress(i + 1, files.size());
    }
    return std::move(builder.dataset);
}

}  // namespace tessera::formats::labelme
