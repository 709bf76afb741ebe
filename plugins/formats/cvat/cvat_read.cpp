// Reading CVAT for images 1.1 XML. See cvat.hpp for what is implemented and missing.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <unordered_map>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "xml_text.hpp"

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/text.hpp"
#include "cvat/cvat.hpp"
#include "cvat/cvat_xml.hpp"

namespace tessera::formats::cvat {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<v1::KeyValueT> key_value(std::string key, std::string value) {
    auto kv = std::make_unique<v1::KeyValueT>();
    kv->key = std::move(key);
    kv->value = std::move(value);
    return kv;
}

void sort_by_key(std::vector<std::unique_ptr<v1::KeyValueT>>& list) {
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return a->key < b->key; });
}

constexpr std::size_t kEllipseVertices = 64;

/// Reads one document, turning pugixml offsets into "file:line:col" errors.
class DocumentReader {
public:
    DocumentReader(const fs::path& file, std::string_view text, const ReadOptions& options)
        : file_(file), text_(text), options_(options) {}

    Dataset read() {
        pugi::xml_document doc;
        parse_xml(file_, text_, doc);
        const pugi::xml_node root = doc.document_element();
        if (std::string_view(root.name()) != "annotations")
            fail(root, fmt::format("expected <annotations> as the root element of a CVAT for "
                                   "images 1.1 file, found <{}>",
                                   root.name()));
        if (const pugi::xml_node version = root.child("version")) {
            const std::string_view v = trimmed(version.child_value());
            if (v != "1.0" && v != "1.1")
                fail(version, fmt::format("this is CVAT XML version \"{}\"; Tessera reads "
                                          "CVAT for images 1.1",
                                          v));
        }
        if (const pugi::xml_node track = root.child("track"))
            fail(track,
                 "this is a CVAT for video 1.1 file (<track>), which Tessera does not "
                 "read; export the task as CVAT for images 1.1");
        if (const pugi::xml_node meta = root.child("meta")) read_meta(meta);

        for (const pugi::xml_node child : root.children()) {
            if (child.type() != pugi::node_element) continue;
            const std::string_view name = child.name();
            if (name == "image")
                read_image(child);
            else if (name != "version" && name != "meta")
                options_.lost("unknown CVAT elements (not read)", {},
                              fmt::format("<{}> at {}", name, where(child)));
        }
        for (auto& label : builder_.dataset.schema.classes)
            if (skeleton_points_.count(label->key)) label->skeleton = label->key;
        for (auto& [key, points] : skeleton_points_) {
            auto skeleton = std::make_unique<v1::SkeletonT>();
            skeleton->key = key;
            skeleton->points = points;
            builder_.dataset.schema.skeletons.push_back(std::move(skeleton));
        }
        if (options_.progress) options_.progress(images_, images_);
        return std::move(builder_.dataset);
    }

private:
    // --- positions and values ------------------------------------------------------

    [[noreturn]] void fail(const pugi::xml_node& node, std::string_view message) const {
        fail_at_node(file_, text_, node, message);
    }

    /// Offset of the value of attribute `name` in element `node`'s start tag.
    std::size_t attribute_offset(const pugi::xml_node& node, std::string_view name) const {
        const std::ptrdiff_t start = node.offset_debug();
        if (start < 0) return 0;
        const std::size_t end =
            std::min(text_.find('>', static_cast<std::size_t>(start)), text_.size());
        for (std::size_t at = text_.find(name, static_cast<std::size_t>(start)); at < end;
             at = text_.find(name, at + 1)) {
            const std::size_t after = text_.find_first_not_of(" \t\r\n", at + name.size());
            if (at > 0 && std::strchr(" \t\r\n", text_[at - 1]) != nullptr && after < end &&
                text_[after] == '=') {
                const std::size_t quote = text_.find_first_of("\"'", after);
                return quote < end ? quote + 1 : at;
            }
        }
        return static_cast<std::size_t>(start);
    }

    [[noreturn]] void fail_attribute(const pugi::xml_node& node, std::string_view name,
                                     std::string_view message) const {
        fail_at(file_, text_, attribute_offset(node, name), message);
    }

    std::string where(const pugi::xml_node& node) const {
        const TextPosition p = position_of(
            text_, static_cast<std::size_t>(std::max<std::ptrdiff_t>(node.offset_debug(), 0)));
        return fmt::format("line {}", p.line);
    }

    /// Attribute `name` of `node` as a number; required unless `fallback` is given.
    double number(const pugi::xml_node& node, const char* name, std::string_view context,
                  std::optional<double> fallback = std::nullopt) const {
        const pugi::xml_attribute attribute = node.attribute(name);
        if (!attribute) {
            if (fallback) return *fallback;
            fail(node, fmt::format("{}: <{}> has no {}", context, node.name(), name));
        }
        const auto value = number_of(attribute.value());
        if (!value)
            fail_attribute(node, name,
                           fmt::format("{}: {}: expected a number, found \"{}\"", context, name,
                                       attribute.value()));
        return *value;
    }

    /// A whole number of pixels in [0, 2^32).
    std::uint32_t pixels(const pugi::xml_node& node, const char* name, std::string_view context,
                         std::optional<double> fallback = std::nullopt) const {
        const double value = number(node, name, context, fallback);
        if (value < 0 || value > 4294967295.0 || value != std::floor(value))
            fail_attribute(node, name,
                           fmt::format("{}: {}: expected a whole number of pixels, found \"{}\"",
                                       context, name, node.attribute(name).value()));
        return static_cast<std::uint32_t>(value);
    }

    /// "x1,y1;x2,y2;..." of attribute `points`.
    std::vector<v1::Point2> points(const pugi::xml_node& node, std::string_view context) const {
        const pugi::xml_attribute attribute = node.attribute("points");
        if (!attribute) fail(node, fmt::format("{}: <{}> has no points", context, node.name()));
        std::vector<v1::Point2> out;
        std::string_view rest = attribute.value();
        while (!trimmed(rest).empty()) {
            const std::size_t semicolon = rest.find(';');
            const std::string_view pair = rest.substr(0, semicolon);
            const std::size_t comma = pair.find(',');
            const auto x = number_of(pair.substr(0, comma));
            const auto y =
                comma == std::string_view::npos ? std::nullopt : number_of(pair.substr(comma + 1));
            if (!x || !y)
                fail_attribute(node, "points",
                               fmt::format("{}: points: point {}: expected \"x,y\", found \"{}\"",
                                           context, out.size() + 1, trimmed(pair)));
            out.emplace_back(*x, *y);
            if (semicolon == std::string_view::npos) break;
            rest.remove_prefix(semicolon + 1);
        }
        if (out.empty())
            fail_attribute(node, "points",
                           fmt::format("{}: points: expected at least one "
                                       "\"x,y\" point",
                                       context));
        return out;
    }

    std::string text(const pugi::xml_node& node, std::string_view value, std::string_view what,
                     std::string_view context) const {
        if (const auto bad = first_invalid_utf8(value))
            fail(node, fmt::format("{}: {} is not valid UTF-8 (byte {})", context, what, *bad + 1));
        return std::string(value);
    }

    // --- meta ------------------------------------------------------------------------

    void read_meta(const pugi::xml_node& meta) {
        pugi::xml_node holder;
        for (const char* kind : {"task", "job", "project"})
            if (const pugi::xml_node node = meta.child(kind); node && !holder) {
                holder = node;
                builder_.dataset.schema.metadata.push_back(key_value("cvat:meta", kind));
            }
        if (!holder) return;
        if (const pugi::xml_node name = holder.child("name"))
            builder_.dataset.schema.metadata.push_back(
                key_value("cvat:name", text(name, trimmed(name.child_value()), "name", "meta")));
        sort_by_key(builder_.dataset.schema.metadata);
        std::size_t number = 0;
        for (const pugi::xml_node label : holder.child("labels").children("label"))
            read_label(label, fmt::format("label {}", ++number));
    }

    void read_label(const pugi::xml_node& node, const std::string& context) {
        const pugi::xml_node name_node = node.child("name");
        const std::string name = text(name_node, trimmed(name_node.child_value()), "name", context);
        if (name.empty()) fail(node, fmt::format("{}: expected a non-empty <name>", context));
        if (const pugi::xml_node parent = node.child("parent");
            parent && !trimmed(parent.child_value()).empty()) {
            // A skeleton's point: part of the skeleton, not a class of its own.
            skeleton_points_[std::string(trimmed(parent.child_value()))].push_back(name);
            return;
        }
        const std::size_t before = builder_.dataset.schema.classes.size();
        builder_.add_class(name);
        if (builder_.dataset.schema.classes.size() == before)
            fail(name_node, fmt::format("{}: label \"{}\" is declared twice", context, name));
        v1::LabelClassT& label = *builder_.dataset.schema.classes.back();

        if (const std::string_view color = trimmed(node.child("color").child_value());
            !color.empty()) {
            unsigned rgb = 0;
            const auto [ptr, ec] =
                std::from_chars(color.data() + 1, color.data() + color.size(), rgb, 16);
            if (color.size() != 7 || color[0] != '#' || ec != std::errc() ||
                ptr != color.data() + color.size())
                fail(node.child("color"),
                     fmt::format("{}: color: expected \"#rrggbb\", found \"{}\"", context, color));
            label.color = (rgb << 8) | 0xFFu;
        }
        if (const std::string_view type = trimmed(node.child("type").child_value());
            !type.empty()) {
            label.metadata.push_back(key_value("cvat:type", std::string(type)));
            if (type == "skeleton") {
                label.skeleton = name;
                skeleton_points_.try_emplace(name);
            }
        }
        auto& types = types_[name];
        for (const pugi::xml_node attribute : node.child("attributes").children("attribute"))
            read_attribute_spec(attribute, label, types, context);
        sort_by_key(label.metadata);
    }

    void read_attribute_spec(const pugi::xml_node& node, v1::LabelClassT& label,
                             std::unordered_map<std::string, v1::AttributeType>& types,
                             const std::string& label_context) {
        auto spec = std::make_unique<v1::AttributeSpecT>();
        spec->key = text(node.child("name"), trimmed(node.child("name").child_value()), "name",
                         label_context);
        const std::string context = fmt::format("{}: attribute \"{}\"", label_context, spec->key);
        if (spec->key.empty())
            fail(node, fmt::format("{}: attribute: expected a non-empty <name>", label_context));
        const std::string prefix = "cvat:attribute:" + spec->key + ":";
        const std::string_view input = trimmed(node.child("input_type").child_value());
        spec->default_value =
            text(node.child("default_value"), trimmed(node.child("default_value").child_value()),
                 "default_value", context);
        std::vector<std::string> values;
        {
            const std::string all =
                text(node.child("values"), node.child("values").child_value(), "values", context);
            std::string_view rest = all;
            while (!rest.empty()) {
                const std::size_t end = rest.find('\n');
                if (const std::string_view line = trimmed(rest.substr(0, end)); !line.empty())
                    values.emplace_back(line);
                if (end == std::string_view::npos) break;
                rest.remove_prefix(end + 1);
            }
        }
        if (input == "checkbox") {
            spec->type = v1::AttributeType::Bool;
        } else if (input == "text") {
            spec->type = v1::AttributeType::String;
        } else if (input == "select" || input == "radio") {
            spec->type = v1::AttributeType::Enum;
            for (const std::string& value : values) {
                auto enum_value = std::make_unique<v1::EnumValueT>();
                enum_value->key = value;
                spec->values.push_back(std::move(enum_value));
            }
            if (input == "radio")
                label.metadata.push_back(key_value(prefix + "input_type", "radio"));
        } else if (input == "number") {
            std::vector<double> range;
            for (const std::string& value : values)
                if (const auto n = number_of(value)) range.push_back(*n);
            if (values.size() != 3 || range.size() != 3)
                fail(node.child("values") ? node.child("values") : node,
                     fmt::format("{}: a number attribute's values are min, max and step, one "
                                 "per line",
                                 context));
            const bool whole = std::all_of(range.begin(), range.end(),
                                           [](double v) { return v == std::floor(v); });
            spec->type = whole ? v1::AttributeType::Int : v1::AttributeType::Float;
            spec->min = range[0];
            spec->max = range[1];
            label.metadata.push_back(key_value(prefix + "step", values[2]));
        } else {
            fail(node.child("input_type") ? node.child("input_type") : node,
                 fmt::format("{}: input_type: expected checkbox, radio, number, text or select, "
                             "found \"{}\"",
                             context, input));
        }
        if (const auto mutable_flag = flag_of(node.child("mutable").child_value());
            mutable_flag.value_or(false))
            label.metadata.push_back(key_value(prefix + "mutable", "true"));
        types[spec->key] = spec->type;
        label.attributes.push_back(std::move(spec));
    }

    // --- images and shapes -----------------------------------------------------------

    void read_image(const pugi::xml_node& node) {
        ImportedItem item;
        item.media.kind = v1::MediaKind::Image;
        const std::string context = fmt::format("image {}", ++images_);
        const pugi::xml_attribute name = node.attribute("name");
        if (!name || std::string_view(name.value()).empty())
            fail(node, fmt::format("{}: expected a name attribute naming the image", context));
        item.name = text(node, name.value(), "name", context);
        item.media.width = pixels(node, "width", context, 0.0);
        item.media.height = pixels(node, "height", context, 0.0);
        for (const pugi::xml_attribute attribute : node.attributes()) {
            const std::string_view key = attribute.name();
            if (key == "subset")
                item.subset = text(node, attribute.value(), "subset", context);
            else if (key != "id" && key != "name" && key != "width" && key != "height")
                item.metadata.push_back(key_value(fmt::format("cvat:{}", key),
                                                  text(node, attribute.value(), key, context)));
        }
        sort_by_key(item.metadata);
        item.media_path = locate_image(item.name);

        std::size_t number = 0;
        for (const pugi::xml_node shape : node.children()) {
            if (shape.type() != pugi::node_element) continue;
            const std::string where = fmt::format("{} ({}) shape {}", context, item.name, ++number);
            if (auto annotation = read_shape(shape, item, where))
                item.annotations.push_back(std::move(annotation));
        }
        builder_.dataset.items.push_back(std::move(item));
    }

    std::unique_ptr<v1::AnnotationT> read_shape(const pugi::xml_node& node,
                                                const ImportedItem& item,
                                                const std::string& context) {
        const std::string_view kind = node.name();
        const std::string label = text(node, node.attribute("label").value(), "label", context);
        if (kind == "cuboid") {
            options_.lost("CVAT cuboids (Tessera has no 2D pseudo-3D shape; not read)", label,
                          context);
            return nullptr;
        }
        static constexpr std::string_view kKnown[] = {"box",  "polygon", "polyline", "points",
                                                      "mask", "tag",     "ellipse",  "skeleton"};
        if (std::find(std::begin(kKnown), std::end(kKnown), kind) == std::end(kKnown)) {
            options_.lost("unknown CVAT shape elements (not read)", label,
                          fmt::format("{}: <{}>", context, kind));
            return nullptr;
        }
        if (label.empty()) fail(node, fmt::format("{}: <{}> has no label", context, kind));

        auto annotation = std::make_unique<v1::AnnotationT>();
        annotation->id = builder_.take_id();
        annotation->label = label;
        if (!types_.count(label)) builder_.add_class(label);
        if (kind == "box")
            box(node, context, *annotation);
        else if (kind == "polygon") {
            v1::PolygonT polygon;
            polygon.points = points(node, context);
            annotation->geometry.Set(std::move(polygon));
        } else if (kind == "polyline") {
            v1::PolylineT polyline;
            polyline.points = points(node, context);
            annotation->geometry.Set(std::move(polyline));
        } else if (kind == "points") {
            std::vector<v1::Point2> list = points(node, context);
            if (list.size() == 1) {
                v1::PointT point;
                point.position = std::make_unique<v1::Point2>(list[0]);
                annotation->geometry.Set(std::move(point));
            } else {
                v1::KeypointsT keypoints;
                keypoints.visibility.assign(list.size(), v1::Visibility::Visible);
                keypoints.points = std::move(list);
                annotation->geometry.Set(std::move(keypoints));
            }
        } else if (kind == "mask")
            mask(node, item, context, *annotation);
        else if (kind == "ellipse")
            ellipse(node, context, *annotation);
        else if (kind == "skeleton")
            skeleton(node, context, *annotation);
        // A tag has no geometry.

        if (const pugi::xml_attribute occluded = node.attribute("occluded")) {
            const auto value = flag_of(occluded.value());
            if (!value)
                fail_attribute(node, "occluded",
                               fmt::format("{}: occluded: expected 0 or 1, "
                                           "found \"{}\"",
                                           context, occluded.value()));
            add_bool(*annotation, "occluded", *value);
        }
        if (node.attribute("group_id")) {
            const double group = number(node, "group_id", context);
            if (group < 0 || group != std::floor(group) || group > 9.0e18)
                fail_attribute(node, "group_id",
                               fmt::format("{}: group_id: expected a whole number >= 0", context));
            annotation->group = static_cast<std::uint64_t>(group);
        }
        for (const pugi::xml_attribute attribute : node.attributes())
            if (!mapped_shape_attribute(kind, attribute.name()))
                annotation->metadata.push_back(
                    key_value(fmt::format("cvat:{}", attribute.name()),
                              text(node, attribute.value(), attribute.name(), context)));
        sort_by_key(annotation->metadata);
        for (const pugi::xml_node value : node.children("attribute"))
            annotation->attributes.push_back(attribute(value, label, context));
        std::stable_sort(annotation->attributes.begin(), annotation->attributes.end(),
                         [](const auto& a, const auto& b) { return a->key < b->key; });
        return annotation;
    }

    static void add_bool(v1::AnnotationT& annotation, std::string key, bool value) {
        auto attribute = std::make_unique<v1::AttributeT>();
        attribute->key = std::move(key);
        attribute->type = v1::AttributeType::Bool;
        attribute->bool_value = value;
        annotation.attributes.push_back(std::move(attribute));
    }

    void box(const pugi::xml_node& node, const std::string& context, v1::AnnotationT& out) const {
        const double xtl = number(node, "xtl", context), ytl = number(node, "ytl", context);
        const double xbr = number(node, "xbr", context), ybr = number(node, "ybr", context);
        if (xbr < xtl)
            fail_attribute(node, "xbr",
                           fmt::format("{}: xbr {} is less than xtl {}", context, xbr, xtl));
        if (ybr < ytl)
            fail_attribute(node, "ybr",
                           fmt::format("{}: ybr {} is less than ytl {}", context, ybr, ytl));
        const double rotation = number(node, "rotation", context, 0.0);
        if (rotation == 0) {
            v1::BoxT geometry;
            geometry.left = xtl;
            geometry.top = ytl;
            geometry.right = xbr;
            geometry.bottom = ybr;
            out.geometry.Set(std::move(geometry));
            return;
        }
        v1::RotatedBoxT geometry;
        geometry.center = std::make_unique<v1::Point2>((xtl + xbr) / 2, (ytl + ybr) / 2);
        geometry.width = xbr - xtl;
        geometry.height = ybr - ytl;
        geometry.angle = rotation * M_PI / 180.0;
        out.geometry.Set(std::move(geometry));
    }

    void mask(const pugi::xml_node& node, const ImportedItem& item, const std::string& context,
              v1::AnnotationT& out) const {
        BoxMask box;
        box.left = pixels(node, "left", context);
        box.top = pixels(node, "top", context);
        box.width = pixels(node, "width", context);
        box.height = pixels(node, "height", context);
        const pugi::xml_attribute rle = node.attribute("rle");
        if (!rle) fail(node, fmt::format("{}: <mask> has no rle", context));
        std::string_view rest = rle.value();
        while (!trimmed(rest).empty()) {
            const std::size_t comma = rest.find(',');
            const std::string_view run = trimmed(rest.substr(0, comma));
            std::uint32_t value = 0;
            const auto [ptr, ec] = std::from_chars(run.data(), run.data() + run.size(), value);
            if (run.empty() || ec != std::errc() || ptr != run.data() + run.size())
                fail_attribute(node, "rle",
                               fmt::format("{}: rle: run {}: expected a whole number, found \"{}\"",
                                           context, box.runs.size() + 1, run));
            box.runs.push_back(value);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        if (item.media.width == 0 || item.media.height == 0)
            fail(node, fmt::format("{}: a mask needs the image's width and height", context));
        v1::MaskT geometry;
        bool clipped = false;
        if (const std::string error =
                to_image_mask(box, item.media.width, item.media.height, geometry, clipped);
            !error.empty())
            fail_attribute(node, "rle", fmt::format("{}: {}", context, error));
        if (clipped)
            options_.lost("mask pixels outside the image (dropped)",
                          node.attribute("label").value(), context);
        out.geometry.Set(std::move(geometry));
    }

    void ellipse(const pugi::xml_node& node, const std::string& context,
                 v1::AnnotationT& out) const {
        const double cx = number(node, "cx", context), cy = number(node, "cy", context);
        const double rx = number(node, "rx", context), ry = number(node, "ry", context);
        const double rotation = number(node, "rotation", context, 0.0);
        if (rx < 0 || ry < 0) fail(node, fmt::format("{}: expected radii rx and ry >= 0", context));
        if (rx == ry) {
            v1::CircleT circle;
            circle.center = std::make_unique<v1::Point2>(cx, cy);
            circle.radius = rx;
            out.geometry.Set(std::move(circle));
            return;
        }
        options_.lost("ellipses with two radii (converted to 64-point polygons)", out.label,
                      context);
        const double angle = rotation * M_PI / 180.0;
        v1::PolygonT polygon;
        for (std::size_t i = 0; i < kEllipseVertices; ++i) {
            const double t = 2 * M_PI * static_cast<double>(i) / kEllipseVertices;
            const double x = rx * std::cos(t), y = ry * std::sin(t);
            polygon.points.emplace_back(cx + x * std::cos(angle) - y * std::sin(angle),
                                        cy + x * std::sin(angle) + y * std::cos(angle));
        }
        out.geometry.Set(std::move(polygon));
    }

    void skeleton(const pugi::xml_node& node, const std::string& context, v1::AnnotationT& out) {
        std::vector<std::string>& names = skeleton_points_[out.label];
        v1::KeypointsT keypoints;
        keypoints.skeleton = out.label;
        std::vector<std::pair<std::size_t, pugi::xml_node>> found;
        for (const pugi::xml_node point : node.children("points")) {
            const std::string name =
                text(point, point.attribute("label").value(), "label", context);
            auto it = std::find(names.begin(), names.end(), name);
            if (it == names.end()) {
                names.push_back(name);
                it = names.end() - 1;
            }
            found.emplace_back(static_cast<std::size_t>(it - names.begin()), point);
        }
        keypoints.points.assign(names.size(), v1::Point2(0, 0));
        keypoints.visibility.assign(names.size(), v1::Visibility::NotLabeled);
        for (const auto& [index, point] : found) {
            const std::string where =
                fmt::format("{}: point \"{}\"", context, point.attribute("label").value());
            keypoints.points[index] = points(point, where).front();
            if (flag_of(point.attribute("outside").value()).value_or(false))
                keypoints.visibility[index] = v1::Visibility::NotLabeled;
            else if (flag_of(point.attribute("occluded").value()).value_or(false))
                keypoints.visibility[index] = v1::Visibility::Occluded;
            else
                keypoints.visibility[index] = v1::Visibility::Visible;
        }
        out.geometry.Set(std::move(keypoints));
    }

    /// <attribute name="...">value</attribute>, typed by the label's declaration.
    std::unique_ptr<v1::AttributeT> attribute(const pugi::xml_node& node, const std::string& label,
                                              const std::string& context) const {
        auto out = std::make_unique<v1::AttributeT>();
        out->key = text(node, node.attribute("name").value(), "attribute name", context);
        if (out->key.empty()) fail(node, fmt::format("{}: <attribute> has no name", context));
        const std::string value = text(node, node.child_value(), "attribute value", context);
        out->type = v1::AttributeType::String;  // undeclared: kept as text
        if (const auto by_label = types_.find(label); by_label != types_.end())
            if (const auto type = by_label->second.find(out->key); type != by_label->second.end())
                out->type = type->second;
        const auto wrong = [&](std::string_view expected) {
            fail(node, fmt::format("{}: attribute \"{}\": expected {} as label \"{}\" declares, "
                                   "found \"{}\"",
                                   context, out->key, expected, label, value));
        };
        switch (out->type) {
            case v1::AttributeType::Bool: {
                const auto flag = flag_of(value);
                if (!flag) wrong("true or false");
                out->bool_value = *flag;
                break;
            }
            case v1::AttributeType::Int: {
                const auto n = number_of(value);
                if (!n || *n != std::floor(*n) || std::abs(*n) > 9.0e18) wrong("a whole number");
                out->int_value = static_cast<std::int64_t>(*n);
                break;
            }
            case v1::AttributeType::Float: {
                const auto n = number_of(value);
                if (!n) wrong("a number");
                out->float_value = *n;
                break;
            }
            default:
                out->string_value = value;
        }
        return out;
    }

    fs::path locate_image(const std::string& name) const {
        const fs::path dir = file_.parent_path();
        for (const fs::path& candidate : {dir / "images" / name, dir / name}) {
            std::error_code ec;
            if (fs::is_regular_file(candidate, ec)) return candidate.lexically_normal();
        }
        return {};
    }

    const fs::path& file_;
    std::string_view text_;
    const ReadOptions& options_;
    DatasetBuilder builder_;
    std::size_t images_ = 0;
    /// Declared attribute types: label -> attribute name -> type.
    std::unordered_map<std::string, std::unordered_map<std::string, v1::AttributeType>> types_;
    /// Skeleton label -> its point names, in declaration order.
    std::map<std::string, std::vector<std::string>> skeleton_points_;
};

}  // namespace

Dataset read_document(const fs::path& file, std::string_view text, const ReadOptions& options) {
    return DocumentReader(file, text, options).read();
}

Dataset read(const fs::path& input, const ReadOptions& options) {
    std::error_code ec;
    fs::path file = input;
    if (fs::is_directory(input, ec)) {
        file = input / "annotations.xml";
        if (!fs::is_regular_file(file, ec))
            fail(input, "expected a CVAT for images 1.1 annotations.xml in this folder");
    } else if (!fs::is_regular_file(input, ec)) {
        fail(input, "expected a CVAT annotations.xml file or a folder holding one");
    }
    const std::string text = read_file(file);
    return read_document(file, text, options);
}

}  // namespace tessera::formats::cvat
