// Writing Pascal VOC XML. See voc.hpp for what is implemented and what is missing.

#include <cmath>
#include <iterator>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "core/text.hpp"
#include "formats/files.hpp"
#include "formats/geometry.hpp"
#include "media/image_header.hpp"
#include "voc/voc.hpp"
#include "xml_text.hpp"

namespace tessera::formats::voc {
namespace {

namespace fs = std::filesystem;

std::string string_of(const flatbuffers::String* text) {
    return text != nullptr ? text->str() : std::string();
}

const v1::Attribute* find_attribute(const v1::Annotation& annotation, std::string_view key) {
    if (annotation.attributes() == nullptr) return nullptr;
    for (const v1::Attribute* attribute : *annotation.attributes())
        if (attribute->key() != nullptr && attribute->key()->string_view() == key) return attribute;
    return nullptr;
}

const char* geometry_name(v1::Geometry type) {
    return v1::EnumNameGeometry(type);
}

/// The attributes written as the object's own elements.
bool own_attribute(std::string_view key) {
    return key == "pose" || key == "truncated" || key == "difficult" || key == "occluded";
}

/// Writes one item's XML, noting what VOC cannot hold.
class DocumentWriter {
public:
    DocumentWriter(std::string& out, const v1::Item& item, const WriteOptions& options)
        : out_(out),
          item_(item),
          options_(options),
          shift_(origin(options.settings) == Origin::Devkit ? 1.0 : 0.0) {}

    void element(int depth, std::string_view name, std::string_view value) {
        fmt::format_to(std::back_inserter(out_), "{:\t>{}}<{}>{}</{}>\n", "", depth, name,
                       xml_escaped(value, XmlPlace::Text), name);
    }
    void open(int depth, std::string_view name) {
        fmt::format_to(std::back_inserter(out_), "{:\t>{}}<{}>\n", "", depth, name);
    }
    void close(int depth, std::string_view name) {
        fmt::format_to(std::back_inserter(out_), "{:\t>{}}</{}>\n", "", depth, name);
    }
    void coordinate(int depth, std::string_view name, double value) {
        std::string text;
        append_double(text, value);
        element(depth, name, text);
    }

    /// "item 3 (street/0001.png) annotation 17", for losses.
    std::string where(const v1::Annotation& annotation) const {
        return fmt::format("item {} ({}) annotation {}", item_.id(), dataset_name(item_),
                           annotation.id());
    }

    /// Notes what of `annotation` an object (or a part) cannot carry.
    void note_losses(const v1::Annotation& annotation, bool object) const {
        const std::string label = string_of(annotation.label());
        if (annotation.geometry_type() != v1::Geometry::Box)
            options_.lost(fmt::format("{} annotations written as their bounding box (VOC holds "
                                      "only boxes)",
                                      geometry_name(annotation.geometry_type())),
                          label, where(annotation));
        if (annotation.text() != nullptr && annotation.text()->size() > 0)
            options_.lost("annotation text (VOC has no place for it)", label, where(annotation));
        if (annotation.group() != 0)
            options_.lost("annotation groups (VOC has none)", label, where(annotation));
        if (annotation.attributes() == nullptr) return;
        for (const v1::Attribute* attribute : *annotation.attributes()) {
            if (!object)
                options_.lost("attributes of parts (VOC parts have none)", label,
                              where(annotation));
            else if (attribute->type() == v1::AttributeType::MultiEnum)
                options_.lost("MultiEnum attributes (a VOC attribute holds one value)", label,
                              where(annotation));
            else
                continue;
            return;
        }
    }

    /// An object or a part: name, attributes of objects, bndbox.
    void box(int depth, const v1::Annotation& annotation, Bounds bounds, bool object) {
        note_losses(annotation, object);
        element(depth, "name", string_of(annotation.label()));
        if (object) {
            const v1::Attribute* pose = find_attribute(annotation, "pose");
            const bool text_pose = pose != nullptr && (pose->type() == v1::AttributeType::String ||
                                                       pose->type() == v1::AttributeType::Enum);
            element(depth, "pose",
                    text_pose ? string_of(pose->string_value()) : std::string(kUnspecifiedPose));
            element(depth, "truncated", flag(annotation, "truncated").value_or(false) ? "1" : "0");
            element(depth, "difficult", flag(annotation, "difficult").value_or(false) ? "1" : "0");
            if (const auto occluded = flag(annotation, "occluded"))
                element(depth, "occluded", *occluded ? "1" : "0");
        }
        // A shape without extent on an axis (a point, a straight line) becomes the
        // one pixel it lies in, so that no reader sees an inverted box.
        if (annotation.geometry_type() != v1::Geometry::Box) {
            if (bounds.width() < 1)
                bounds.left = std::floor((bounds.left + bounds.right) / 2),
                bounds.right = bounds.left + 1;
            if (bounds.height() < 1)
                bounds.top = std::floor((bounds.top + bounds.bottom) / 2),
                bounds.bottom = bounds.top + 1;
        }
        open(depth, "bndbox");
        coordinate(depth + 1, "xmin", bounds.left + shift_);
        coordinate(depth + 1, "ymin", bounds.top + shift_);
        coordinate(depth + 1, "xmax", bounds.right);
        coordinate(depth + 1, "ymax", bounds.bottom);
        close(depth, "bndbox");
        if (object) attributes(depth, annotation);
    }

private:
    /// Attributes other than the devkit's, in CVAT's <attributes> block.
    void attributes(int depth, const v1::Annotation& annotation) {
        if (annotation.attributes() == nullptr) return;
        bool opened = false;
        for (const v1::Attribute* attribute : *annotation.attributes()) {
            const std::string key = string_of(attribute->key());
            if (own_attribute(key) || attribute->type() == v1::AttributeType::MultiEnum) continue;
            std::string value;
            switch (attribute->type()) {
                case v1::AttributeType::Bool:
                    value = attribute->bool_value() ? "true" : "false";
                    break;
                case v1::AttributeType::Int:
                    value = fmt::format("{}", attribute->int_value());
                    break;
                case v1::AttributeType::Float:
                    append_double(value, attribute->float_value());
                    break;
                default:
                    value = string_of(attribute->string_value());
            }
            if (!opened) open(depth, "attributes");
            opened = true;
            open(depth + 1, "attribute");
            element(depth + 2, "name", key);
            element(depth + 2, "value", value);
            close(depth + 1, "attribute");
        }
        if (opened) close(depth, "attributes");
    }

    static std::optional<bool> flag(const v1::Annotation& annotation, std::string_view key) {
        const v1::Attribute* attribute = find_attribute(annotation, key);
        if (attribute == nullptr) return std::nullopt;
        switch (attribute->type()) {
            case v1::AttributeType::Bool:
                return attribute->bool_value();
            case v1::AttributeType::Int:
                return attribute->int_value() != 0;
            case v1::AttributeType::Float:
                return attribute->float_value() != 0;
            default:
                return std::nullopt;
        }
    }

    std::string& out_;
    const v1::Item& item_;
    const WriteOptions& options_;
    double shift_;
};

std::string document(const ItemSource& source, const v1::Item& item, const v1::AnnotationSet& set,
                     const std::string& name, const WriteOptions& options) {
    std::map<std::string, std::string, std::less<>> metadata;
    if (item.metadata() != nullptr)
        for (const v1::KeyValue* kv : *item.metadata())
            metadata[string_of(kv->key())] = string_of(kv->value());
    const auto meta = [&](std::string_view key, std::string fallback) {
        const auto it = metadata.find(key);
        return it != metadata.end() ? it->second : fallback;
    };
    const fs::path media(name);

    std::string out = "<annotation>\n";
    DocumentWriter xml(out, item, options);
    const std::string folder = meta("voc:folder", media.parent_path().filename().string());
    if (!folder.empty()) xml.element(1, "folder", folder);
    xml.element(1, "filename", media.filename().string());
    if (const std::string path = meta("voc:path", ""); !path.empty()) xml.element(1, "path", path);
    for (const std::string_view block : {"source", "owner"}) {
        const std::string prefix = fmt::format("voc:{}.", block);
        bool opened = false;
        for (auto it = metadata.lower_bound(prefix);
             it != metadata.end() && it->first.starts_with(prefix); ++it) {
            if (!opened) xml.open(1, block);
            opened = true;
            xml.element(2, std::string_view(it->first).substr(prefix.size()), it->second);
        }
        if (opened) xml.close(1, block);
    }
    std::uint32_t width = item.media() != nullptr ? item.media()->width() : 0;
    std::uint32_t height = item.media() != nullptr ? item.media()->height() : 0;
    if (width == 0 || height == 0) {
        const fs::path file = source.media_file(item);
        const auto header = file.empty() ? std::nullopt : media::read_image_header(file);
        if (header) width = header->width, height = header->height;
    }
    if (width != 0 && height != 0) {
        xml.open(1, "size");
        xml.element(2, "width", fmt::format("{}", width));
        xml.element(2, "height", fmt::format("{}", height));
        xml.element(2, "depth", meta("voc:depth", "3"));
        xml.close(1, "size");
    } else {
        options.lost("image sizes unknown (no <size> written)", {},
                     fmt::format("item {} ({})", item.id(), name));
    }
    xml.element(1, "segmented", meta("voc:segmented", "0"));

    // An annotation whose parent is written as an object is one of its parts.
    const auto* annotations = set.annotations();
    const std::uint32_t count = annotations != nullptr ? annotations->size() : 0;
    std::vector<std::optional<Bounds>> bounds(count);
    std::unordered_map<std::uint64_t, std::uint32_t> index_of;
    for (std::uint32_t i = 0; i < count; ++i) {
        bounds[i] = bounds_of(*annotations->Get(i));
        index_of.emplace(annotations->Get(i)->id(), i);
    }
    const auto written_parent = [&](std::uint32_t i) -> std::optional<std::uint32_t> {
        const std::uint64_t parent = annotations->Get(i)->parent();
        const auto it = parent != 0 ? index_of.find(parent) : index_of.end();
        if (it == index_of.end() || it->second == i || !bounds[it->second]) return std::nullopt;
        return it->second;
    };
    std::vector<bool> part(count, false);
    std::vector<std::vector<std::uint32_t>> parts(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        const v1::Annotation& annotation = *annotations->Get(i);
        const std::string label = string_of(annotation.label());
        if (!bounds[i]) {
            options.lost(fmt::format("{} annotations (VOC holds only 2D boxes)",
                                     geometry_name(annotation.geometry_type())),
                         label, xml.where(annotation));
            continue;
        }
        if (const auto parent = written_parent(i); parent && !written_parent(*parent)) {
            part[i] = true;
            parts[*parent].push_back(i);
        } else if (annotation.parent() != 0) {
            options.lost("parent links other than object → part (VOC has no deeper nesting)", label,
                         xml.where(annotation));
        }
    }
    for (std::uint32_t i = 0; i < count; ++i) {
        if (!bounds[i] || part[i]) continue;
        xml.open(1, "object");
        xml.box(2, *annotations->Get(i), *bounds[i], true);
        for (const std::uint32_t p : parts[i]) {
            xml.open(2, "part");
            xml.box(3, *annotations->Get(p), *bounds[p], false);
            xml.close(2, "part");
        }
        xml.close(1, "object");
    }
    out += "</annotation>\n";
    return out;
}

}  // namespace

void write(const ItemSource& source, const fs::path& out, const WriteOptions& options) {
    write_per_item(source, out, ".xml", "VOC file", options,
                   [&](const v1::Item& item, const v1::AnnotationSet& set, const std::string& name,
                       const fs::path&) { return document(source, item, set, name, options); });
}

}  // namespace tessera::formats::voc
