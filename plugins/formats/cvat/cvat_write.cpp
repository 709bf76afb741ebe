// Writing CVAT for images 1.1 XML. See cvat.hpp for what is implemented and missing.

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/text.hpp"
#include "cvat/cvat.hpp"
#include "cvat/cvat_xml.hpp"
#include "formats/files.hpp"
#include "xml_text.hpp"

namespace tessera::formats::cvat {
namespace {

namespace fs = std::filesystem;

std::string str(const flatbuffers::String* text) {
    return text != nullptr ? text->str() : std::string();
}

std::string number_text(double value) {
    std::string out;
    append_double(out, value);
    return out;
}

/// A value usable as an XML attribute name (what reading keeps as "cvat:NAME").
bool xml_name(std::string_view name) {
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

std::string metadata_value(const flatbuffers::Vector<flatbuffers::Offset<v1::KeyValue>>* list,
                           std::string_view key, std::string fallback = {}) {
    if (list != nullptr)
        for (const v1::KeyValue* kv : *list)
            if (kv->key() != nullptr && kv->key()->string_view() == key) return str(kv->value());
    return fallback;
}

/// One start tag built attribute by attribute.
class Tag {
public:
    Tag(std::string& out, int depth, std::string_view name) : out_(out) {
        out_.append(static_cast<std::size_t>(depth), '\t');
        out_ += '<';
        out_ += name;
    }
    Tag& operator()(std::string_view name, std::string_view value) {
        fmt::format_to(std::back_inserter(out_), " {}=\"{}\"", name,
                       xml_escaped(value, XmlPlace::Attribute));
        return *this;
    }
    Tag& operator()(std::string_view name, double value) {
        return (*this)(name, number_text(value));
    }

private:
    std::string& out_;
};

class Writer {
public:
    Writer(const ItemSource& source, const WriteOptions& options)
        : source_(source), options_(options), schema_(source.schema()) {
        if (schema_.classes() != nullptr)
            for (const v1::LabelClass* c : *schema_.classes())
                if (c->key() != nullptr) classes_.emplace(c->key()->string_view(), c);
        if (schema_.skeletons() != nullptr)
            for (const v1::Skeleton* s : *schema_.skeletons())
                if (s->key() != nullptr) skeletons_.emplace(s->key()->string_view(), s);
    }

    /// Writes every item, calling `media` with each item and its dataset name.
    std::string write(const std::function<void(const v1::Item&, const std::string&)>& media) {
        std::uint64_t index = 0;
        const std::uint64_t total = source_.item_count();
        source_.for_each_item([&](const v1::Item& item, const v1::AnnotationSet& set) {
            const std::string name = dataset_name(item);
            image(index++, item, name, set);
            if (media) media(item, name);
            if (options_.progress) options_.progress(index, total);
        });
        std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n";
        out += "\t<version>1.1</version>\n";
        meta(out, index);
        out += images_;
        out += "</annotations>\n";
        return out;
    }

private:
    // --- meta ------------------------------------------------------------------------

    static void element(std::string& out, int depth, std::string_view name,
                        std::string_view value) {
        fmt::format_to(std::back_inserter(out), "{:\t>{}}<{}>{}</{}>\n", "", depth, name,
                       xml_escaped(value, XmlPlace::Text), name);
    }

    void meta(std::string& out, std::uint64_t size) {
        const std::string kind = metadata_value(schema_.metadata(), "cvat:meta", "task");
        const std::string holder = kind == "job" || kind == "project" ? kind : "task";
        out += "\t<meta>\n";
        fmt::format_to(std::back_inserter(out), "\t\t<{}>\n", holder);
        element(out, 3, "name", metadata_value(schema_.metadata(), "cvat:name", "tessera"));
        element(out, 3, "size", fmt::format("{}", size));
        out += "\t\t\t<labels>\n";
        if (schema_.classes() != nullptr)
            for (const v1::LabelClass* c : *schema_.classes()) {
                if (c->key() == nullptr) continue;
                label(out, c->key()->string_view(), c);
                if (c->parent() != nullptr && c->parent()->size() > 0)
                    options_.lost("label parents (CVAT labels are flat)", c->key()->string_view(),
                                  "label schema");
            }
        for (const std::string& extra : extra_labels_) label(out, extra, nullptr);
        out += "\t\t\t</labels>\n";
        fmt::format_to(std::back_inserter(out), "\t\t</{}>\n", holder);
        out += "\t</meta>\n";
    }

    void label(std::string& out, std::string_view key, const v1::LabelClass* c) {
        out += "\t\t\t\t<label>\n";
        element(out, 5, "name", key);
        const std::uint32_t color = c != nullptr ? c->color() : 0xFF8000FFu;
        element(out, 5, "color", fmt::format("#{:06x}", color >> 8));
        const std::string type =
            c != nullptr ? metadata_value(c->metadata(), "cvat:type", "any") : "any";
        element(out, 5, "type", type);
        out += "\t\t\t\t\t<attributes>\n";
        std::map<std::string, v1::AttributeType> undeclared;
        if (const auto it = undeclared_.find(std::string(key)); it != undeclared_.end())
            undeclared = it->second;
        if (c != nullptr && c->attributes() != nullptr)
            for (const v1::AttributeSpec* spec : *c->attributes()) {
                attribute_spec(out, *c, *spec);
                undeclared.erase(str(spec->key()));
            }
        for (const auto& [name, value_type] : undeclared) {
            out += "\t\t\t\t\t\t<attribute>\n";
            element(out, 7, "name", name);
            element(out, 7, "mutable", "False");
            const bool checkbox = value_type == v1::AttributeType::Bool;
            element(out, 7, "input_type", checkbox ? "checkbox" : "text");
            element(out, 7, "default_value", checkbox ? "false" : "");
            element(out, 7, "values", checkbox ? "false" : "");
            out += "\t\t\t\t\t\t</attribute>\n";
        }
        out += "\t\t\t\t\t</attributes>\n";
        out += "\t\t\t\t</label>\n";
        // A skeleton's points are labels of their own, whose parent is the skeleton.
        const std::string skeleton = c != nullptr ? str(c->skeleton()) : std::string();
        if (const auto s = skeletons_.find(skeleton); s != skeletons_.end() && s->second->points())
            for (const flatbuffers::String* point : *s->second->points()) {
                out += "\t\t\t\t<label>\n";
                element(out, 5, "name", point->string_view());
                element(out, 5, "color", fmt::format("#{:06x}", color >> 8));
                element(out, 5, "type", "points");
                element(out, 5, "parent", key);
                out += "\t\t\t\t\t<attributes>\n\t\t\t\t\t</attributes>\n";
                out += "\t\t\t\t</label>\n";
            }
    }

    void attribute_spec(std::string& out, const v1::LabelClass& c, const v1::AttributeSpec& spec) {
        const std::string name = str(spec.key());
        const std::string prefix = "cvat:attribute:" + name + ":";
        std::string input, values, fallback;
        switch (spec.type()) {
            case v1::AttributeType::Bool:
                input = "checkbox";
                fallback = "false";
                break;
            case v1::AttributeType::Int:
            case v1::AttributeType::Float:
                if (std::isfinite(spec.min()) && std::isfinite(spec.max())) {
                    input = "number";
                    const std::string step =
                        metadata_value(c.metadata(), prefix + "step",
                                       spec.type() == v1::AttributeType::Int ? "1" : "0.01");
                    values = number_text(spec.min()) + "\n" + number_text(spec.max()) + "\n" + step;
                    fallback = number_text(spec.min());
                } else {
                    options_.lost(
                        "number attributes without min and max (written as CVAT text "
                        "attributes)",
                        str(c.key()), fmt::format("attribute {}", name));
                    input = "text";
                }
                break;
            case v1::AttributeType::Enum:
            case v1::AttributeType::MultiEnum:
                input = metadata_value(c.metadata(), prefix + "input_type", "select");
                if (input != "radio") input = "select";
                if (spec.values() != nullptr)
                    for (const v1::EnumValue* value : *spec.values()) {
                        if (!values.empty()) values += '\n';
                        values += str(value->key());
                    }
                if (spec.values() != nullptr && spec.values()->size() > 0)
                    fallback = str(spec.values()->Get(0)->key());
                break;
            default:
                input = "text";
        }
        const std::string default_value =
            spec.default_value() != nullptr && spec.default_value()->size() > 0
                ? str(spec.default_value())
                : fallback;
        if (input == "checkbox" || input == "text") values = default_value;
        out += "\t\t\t\t\t\t<attribute>\n";
        element(out, 7, "name", name);
        element(out, 7, "mutable",
                metadata_value(c.metadata(), prefix + "mutable", "") == "true" ? "True" : "False");
        element(out, 7, "input_type", input);
        element(out, 7, "default_value", default_value);
        element(out, 7, "values", values);
        out += "\t\t\t\t\t\t</attribute>\n";
    }

    // --- images and shapes -----------------------------------------------------------

    void image(std::uint64_t index, const v1::Item& item, const std::string& name,
               const v1::AnnotationSet& set) {
        Tag tag(images_, 1, "image");
        tag("id", fmt::format("{}", index))("name", name);
        tag("width", fmt::format("{}", item.media() != nullptr ? item.media()->width() : 0));
        tag("height", fmt::format("{}", item.media() != nullptr ? item.media()->height() : 0));
        if (item.subset() != nullptr && item.subset()->size() > 0)
            tag("subset", item.subset()->string_view());
        if (item.metadata() != nullptr)
            for (const v1::KeyValue* kv : *item.metadata()) {
                const std::string key = str(kv->key());
                if (key.rfind("cvat:", 0) == 0 && xml_name(key.substr(5)) && key != "cvat:id" &&
                    key != "cvat:name" && key != "cvat:width" && key != "cvat:height" &&
                    key != "cvat:subset")
                    tag(key.substr(5), str(kv->value()));
            }
        images_ += ">\n";
        const auto* annotations = set.annotations();
        std::uint64_t next_group = 1;
        if (annotations != nullptr)
            for (const v1::Annotation* a : *annotations)
                next_group = std::max(next_group, a->group() + 1);
        if (annotations != nullptr)
            for (const v1::Annotation* a : *annotations) shape(item, *a, next_group);
        images_ += "\t</image>\n";
    }

    std::string where(const v1::Item& item, const v1::Annotation& a) const {
        return fmt::format("item {} annotation {}", item.id(), a.id());
    }

    /// Opens a shape's element: label, source, occluded and the geometry attributes
    /// `geometry` adds; z_order, group_id and kept "cvat:" metadata after them.
    void open_shape(std::string_view kind, const v1::Annotation& a, std::uint64_t group,
                    const std::function<void(Tag&)>& geometry) {
        Tag tag(images_, 2, kind);
        const std::string label = str(a.label());
        tag("label", label);
        std::string source = metadata_value(a.metadata(), "cvat:source", "");
        if (source.empty())
            source = a.provenance() != nullptr && a.provenance()->source() == v1::Source::Model
                         ? "auto"
                         : "manual";
        tag("source", source);
        // CVAT writes occluded on every shape but tags (and skeletons, whose points have it).
        if (has_attribute(a, "occluded") || (kind != "tag" && kind != "skeleton"))
            tag("occluded", occluded(a) ? "1" : "0");
        if (geometry) geometry(tag);
        if (kind != "tag") tag("z_order", metadata_value(a.metadata(), "cvat:z_order", "0"));
        if (group != 0) tag("group_id", fmt::format("{}", group));
        if (a.metadata() != nullptr)
            for (const v1::KeyValue* kv : *a.metadata()) {
                const std::string key = str(kv->key());
                const std::string name = key.rfind("cvat:", 0) == 0 ? key.substr(5) : std::string();
                if (xml_name(name) && name != "source" && name != "z_order" &&
                    !mapped_shape_attribute(kind, name))
                    tag(name, str(kv->value()));
            }
        images_ += ">\n";
    }

    void close_shape(std::string_view kind, const v1::Item& item, const v1::Annotation& a) {
        attributes(item, a);
        fmt::format_to(std::back_inserter(images_), "\t\t</{}>\n", kind);
    }

    static bool has_attribute(const v1::Annotation& a, std::string_view key) {
        if (a.attributes() != nullptr)
            for (const v1::Attribute* attribute : *a.attributes())
                if (attribute->key() != nullptr && attribute->key()->string_view() == key)
                    return true;
        return false;
    }

    static bool occluded(const v1::Annotation& a) {
        if (a.attributes() != nullptr)
            for (const v1::Attribute* attribute : *a.attributes())
                if (str(attribute->key()) == "occluded") switch (attribute->type()) {
                        case v1::AttributeType::Bool:
                            return attribute->bool_value();
                        case v1::AttributeType::Int:
                            return attribute->int_value() != 0;
                        case v1::AttributeType::Float:
                            return attribute->float_value() != 0;
                        default:
                            return flag_of(str(attribute->string_value())).value_or(false);
                    }
        return false;
    }

    void attributes(const v1::Item& item, const v1::Annotation& a) {
        if (a.attributes() == nullptr) return;
        const std::string label = str(a.label());
        const auto c = classes_.find(label);
        // In the order the label declares them, as CVAT writes them; undeclared ones last.
        const auto* specs = c != classes_.end() ? c->second->attributes() : nullptr;
        const auto rank = [&](const v1::Attribute* attribute) -> std::uint32_t {
            if (specs != nullptr)
                for (std::uint32_t i = 0; i < specs->size(); ++i)
                    if (str(specs->Get(i)->key()) == str(attribute->key())) return i;
            return ~0u;
        };
        std::vector<const v1::Attribute*> ordered(a.attributes()->begin(), a.attributes()->end());
        std::stable_sort(ordered.begin(), ordered.end(),
                         [&](const auto* x, const auto* y) { return rank(x) < rank(y); });
        for (const v1::Attribute* attribute : ordered) {
            const std::string key = str(attribute->key());
            if (key == "occluded" || key.empty()) continue;
            std::string value;
            switch (attribute->type()) {
                case v1::AttributeType::Bool:
                    value = attribute->bool_value() ? "true" : "false";
                    break;
                case v1::AttributeType::Int:
                    value = fmt::format("{}", attribute->int_value());
                    break;
                case v1::AttributeType::Float:
                    value = number_text(attribute->float_value());
                    break;
                case v1::AttributeType::MultiEnum:
                    options_.lost("multi-value attributes (CVAT attributes hold one value)", label,
                                  fmt::format("{} attribute {}", where(item, a), key));
                    continue;
                default:
                    value = str(attribute->string_value());
            }
            bool declared = false;
            if (c != classes_.end() && c->second->attributes() != nullptr)
                for (const v1::AttributeSpec* spec : *c->second->attributes())
                    declared = declared || str(spec->key()) == key;
            if (!declared) undeclared_[label].try_emplace(key, attribute->type());
            fmt::format_to(
                std::back_inserter(images_), "\t\t\t<attribute name=\"{}\">{}</attribute>\n",
                xml_escaped(key, XmlPlace::Attribute), xml_escaped(value, XmlPlace::Text));
        }
    }

    /// The first `count` points of a flatbuffers vector (all when count is larger).
    static std::vector<v1::Point2> list_of(const flatbuffers::Vector<const v1::Point2*>* points,
                                           std::uint32_t count = ~0u) {
        std::vector<v1::Point2> out;
        if (points != nullptr)
            for (std::uint32_t i = 0; i < points->size() && i < count; ++i)
                out.push_back(*points->Get(i));
        return out;
    }

    void points_attribute(Tag& tag, const std::vector<v1::Point2>& list) {
        points_attribute(tag, list.data(), list.data() + list.size());
    }

    void points_attribute(Tag& tag, const v1::Point2* begin, const v1::Point2* end) {
        std::string text;
        for (const v1::Point2* p = begin; p != end; ++p) {
            if (!text.empty()) text += ';';
            append_double(text, p->x());
            text += ',';
            append_double(text, p->y());
        }
        tag("points", text);
    }

    void shape(const v1::Item& item, const v1::Annotation& a, std::uint64_t& next_group) {
        const std::string label = str(a.label());
        if (!classes_.count(label) &&
            std::find(extra_labels_.begin(), extra_labels_.end(), label) == extra_labels_.end())
            extra_labels_.push_back(label);
        if (a.text() != nullptr && a.text()->size() > 0)
            options_.lost("annotation text (CVAT shapes have no text)", label, where(item, a));
        if (a.parent() != 0)
            options_.lost("parent links (CVAT shapes have none)", label, where(item, a));
        const auto simple = [&](std::string_view kind, const std::function<void(Tag&)>& geometry) {
            open_shape(kind, a, a.group(), geometry);
            close_shape(kind, item, a);
        };
        switch (a.geometry_type()) {
            case v1::Geometry::NONE:
                simple("tag", nullptr);
                break;
            case v1::Geometry::Box: {
                const v1::Box& b = *a.geometry_as_Box();
                simple("box", [&](Tag& t) {
                    t("xtl", b.left())("ytl", b.top())("xbr", b.right())("ybr", b.bottom());
                });
                break;
            }
            case v1::Geometry::RotatedBox: {
                const v1::RotatedBox& b = *a.geometry_as_RotatedBox();
                const double cx = b.center() ? b.center()->x() : 0,
                             cy = b.center() ? b.center()->y() : 0;
                simple("box", [&](Tag& t) {
                    t("xtl", cx - b.width() / 2)("ytl", cy - b.height() / 2);
                    t("xbr", cx + b.width() / 2)("ybr", cy + b.height() / 2);
                    t("rotation", degrees_of(b.angle()));
                });
                break;
            }
            case v1::Geometry::Polygon:
                polygon(item, a, *a.geometry_as_Polygon(), a.group());
                break;
            case v1::Geometry::MultiPolygon: {
                const auto* parts = a.geometry_as_MultiPolygon()->polygons();
                if (parts == nullptr || parts->size() == 0) {
                    options_.lost("empty shapes (not written)", label, where(item, a));
                    break;
                }
                std::uint64_t group = a.group();
                if (parts->size() > 1 && group == 0) {
                    group = next_group++;
                    options_.lost(
                        "multi-part polygons without a group (written as polygons "
                        "sharing a new group_id)",
                        label, where(item, a));
                }
                for (const v1::Polygon* part : *parts) polygon(item, a, *part, group);
                break;
            }
            case v1::Geometry::Polyline: {
                const auto* points = a.geometry_as_Polyline()->points();
                if (points == nullptr || points->size() == 0) {
                    options_.lost("empty shapes (not written)", label, where(item, a));
                    break;
                }
                simple("polyline", [&](Tag& t) { points_attribute(t, list_of(points)); });
                break;
            }
            case v1::Geometry::Point: {
                const v1::Point2 p = a.geometry_as_Point()->position()
                                         ? *a.geometry_as_Point()->position()
                                         : v1::Point2(0, 0);
                simple("points", [&](Tag& t) { points_attribute(t, &p, &p + 1); });
                break;
            }
            case v1::Geometry::Keypoints:
                keypoints(item, a, *a.geometry_as_Keypoints());
                break;
            case v1::Geometry::Circle: {
                const v1::Circle& c = *a.geometry_as_Circle();
                const double cx = c.center() ? c.center()->x() : 0,
                             cy = c.center() ? c.center()->y() : 0;
                simple("ellipse",
                       [&](Tag& t) { t("cx", cx)("cy", cy)("rx", c.radius())("ry", c.radius()); });
                break;
            }
            case v1::Geometry::Mask: {
                const auto box = to_box_mask(*a.geometry_as_Mask());
                if (!box) {
                    options_.lost("empty or malformed masks (not written)", label, where(item, a));
                    break;
                }
                simple("mask", [&](Tag& t) {
                    std::string rle;
                    for (const std::uint32_t run : box->runs) {
                        if (!rle.empty()) rle += ", ";
                        rle += fmt::format("{}", run);
                    }
                    t("rle", rle)("left", box->left)("top", box->top);
                    t("width", box->width)("height", box->height);
                });
                break;
            }
            default:
                options_.lost(fmt::format("{} annotations (CVAT for images has no such shape)",
                                          v1::EnumNameGeometry(a.geometry_type())),
                              label, where(item, a));
        }
    }

    void polygon(const v1::Item& item, const v1::Annotation& a, const v1::Polygon& polygon,
                 std::uint64_t group) {
        const auto* points = polygon.points();
        if (points == nullptr || points->size() == 0) {
            options_.lost("empty shapes (not written)", str(a.label()), where(item, a));
            return;
        }
        std::uint32_t end = points->size();
        if (polygon.ring_ends() != nullptr && polygon.ring_ends()->size() > 1) {
            options_.lost("polygon holes (CVAT polygons have none; dropped)", str(a.label()),
                          where(item, a));
            end = std::min(end, polygon.ring_ends()->Get(0));
        }
        open_shape("polygon", a, group, [&](Tag& t) { points_attribute(t, list_of(points, end)); });
        close_shape("polygon", item, a);
    }

    void keypoints(const v1::Item& item, const v1::Annotation& a, const v1::Keypoints& k) {
        const std::string label = str(a.label());
        const auto* points = k.points();
        const std::uint32_t count = points != nullptr ? points->size() : 0;
        const auto visibility = [&](std::uint32_t i) {
            return k.visibility() != nullptr && i < k.visibility()->size()
                       ? k.visibility()->Get(i)
                       : v1::Visibility::Visible;
        };
        const auto s = skeletons_.find(str(k.skeleton()));
        if (s != skeletons_.end() && s->second->points() != nullptr &&
            s->second->points()->size() == count) {
            open_shape("skeleton", a, a.group(), nullptr);
            for (std::uint32_t i = 0; i < count; ++i) {
                Tag tag(images_, 3, "points");
                tag("label", s->second->points()->Get(i)->string_view());
                tag("source", metadata_value(a.metadata(), "cvat:source", "manual"));
                tag("outside", visibility(i) == v1::Visibility::NotLabeled ? "1" : "0");
                tag("occluded", visibility(i) == v1::Visibility::Occluded ? "1" : "0");
                const v1::Point2 p = *points->Get(i);
                points_attribute(tag, &p, &p + 1);
                images_ += ">\n\t\t\t</points>\n";
            }
            close_shape("skeleton", item, a);
            return;
        }
        std::vector<v1::Point2> labelled;
        for (std::uint32_t i = 0; i < count; ++i)
            if (visibility(i) != v1::Visibility::NotLabeled) labelled.push_back(*points->Get(i));
        if (labelled.size() != count)
            options_.lost("unlabelled keypoints (CVAT points have no visibility; dropped)", label,
                          where(item, a));
        if (labelled.empty()) return;
        open_shape("points", a, a.group(), [&](Tag& t) {
            points_attribute(t, labelled.data(), labelled.data() + labelled.size());
        });
        close_shape("points", item, a);
    }

    const ItemSource& source_;
    const WriteOptions& options_;
    const v1::LabelSchema& schema_;
    std::unordered_map<std::string_view, const v1::LabelClass*> classes_;
    std::unordered_map<std::string_view, const v1::Skeleton*> skeletons_;
    std::string images_;
    std::vector<std::string> extra_labels_;  // used, not in the schema
    std::map<std::string, std::map<std::string, v1::AttributeType>> undeclared_;
};

}  // namespace

std::string write_text(const ItemSource& source, const WriteOptions& options) {
    return Writer(source, options).write(nullptr);
}

void write(const ItemSource& source, const fs::path& out, const WriteOptions& options) {
    std::error_code ec;
    if (!out.parent_path().empty()) fs::create_directories(out.parent_path(), ec);
    if (ec) fail(out.parent_path(), fmt::format("cannot create the folder: {}", ec.message()));
    AtomicFile file(out);  // before the work: a folder that cannot be written fails at once
    const fs::path images = out.parent_path() / "images";
    const std::string text =
        Writer(source, options).write([&](const v1::Item& item, const std::string& name) {
            if (options.copy_media)
                copy_media(source, item, images / output_path(item.id(), name), options);
        });
    file.write(text);
    file.commit();
}

}  // namespace tessera::formats::cvat
