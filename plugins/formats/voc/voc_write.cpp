// Writing Pascal VOC XML. See voc.hpp for what is implemented and what is missing.

#include <iterator>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "formats/files.hpp"
#include "formats/geometry.hpp"
#include "formats/text.hpp"
#include "voc/voc.hpp"

namespace tessera::formats::voc {
namespace {

namespace fs = std::filesystem;

/// `text` escaped for XML character data and attribute values.
std::string xml_escaped(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                // XML 1.0 cannot hold other control characters, not even as references.
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
                    out += "\xEF\xBF\xBD";
                else
                    out.push_back(c);
        }
    }
    return out;
}

std::string string_of(const flatbuffers::String* text) {
    return text != nullptr ? text->str() : std::string();
}

const v1::Attribute* find_attribute(const v1::Annotation& annotation, std::string_view key) {
    if (annotation.attributes() == nullptr) return nullptr;
    for (const v1::Attribute* attribute : *annotation.attributes())
        if (attribute->key() != nullptr && attribute->key()->string_view() == key) return attribute;
    return nullptr;
}

/// Writes one item's XML.
class DocumentWriter {
  public:
    explicit DocumentWriter(std::string& out) : out_(out) {}

    void element(int depth, std::string_view name, std::string_view value) {
        fmt::format_to(std::back_inserter(out_), "{:\t>{}}<{}>{}</{}>\n", "", depth, name,
                       xml_escaped(value), name);
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

    /// An object or a part: name, attributes of objects, bndbox in VOC's 1-based pixels.
    void box(int depth, const v1::Annotation& annotation, const Bounds& bounds, bool object) {
        element(depth, "name", string_of(annotation.label()));
        if (object) {
            if (const v1::Attribute* pose = find_attribute(annotation, "pose");
                pose != nullptr && (pose->type() == v1::AttributeType::String ||
                                    pose->type() == v1::AttributeType::Enum))
                element(depth, "pose", string_of(pose->string_value()));
            for (const char* key : {"truncated", "difficult", "occluded"})
                if (const auto value = flag(annotation, key))
                    element(depth, key, *value ? "1" : "0");
        }
        open(depth, "bndbox");
        coordinate(depth + 1, "xmin", bounds.left + 1);
        coordinate(depth + 1, "ymin", bounds.top + 1);
        coordinate(depth + 1, "xmax", bounds.right);
        coordinate(depth + 1, "ymax", bounds.bottom);
        close(depth, "bndbox");
    }

  private:
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
};

std::string document(const v1::Item& item, const v1::AnnotationSet& set, const std::string& uri) {
    std::map<std::string, std::string, std::less<>> metadata;
    if (item.metadata() != nullptr)
        for (const v1::KeyValue* kv : *item.metadata())
            metadata[string_of(kv->key())] = string_of(kv->value());
    const auto meta = [&](std::string_view key, std::string fallback) {
        const auto it = metadata.find(key);
        return it != metadata.end() ? it->second : fallback;
    };
    const fs::path media(uri);

    std::string out = "<annotation>\n";
    DocumentWriter xml(out);
    const std::string folder = meta("voc:folder", media.parent_path().filename().string());
    if (!folder.empty()) xml.element(1, "folder", folder);
    xml.element(1, "filename", media.filename().string());
    if (const std::string path = meta("voc:path", ""); !path.empty()) xml.element(1, "path", path);
    xml.open(1, "source");
    xml.element(2, "database", "Unknown");
    xml.close(1, "source");
    xml.open(1, "size");
    xml.element(2, "width", fmt::format("{}", item.media() != nullptr ? item.media()->width() : 0));
    xml.element(2, "height",
                fmt::format("{}", item.media() != nullptr ? item.media()->height() : 0));
    xml.element(2, "depth", meta("voc:depth", "3"));
    xml.close(1, "size");
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
    for (std::uint32_t i = 0; i < count; ++i)
        if (const auto parent = written_parent(i);
            parent && bounds[i] && !written_parent(*parent)) {
            part[i] = true;
            parts[*parent].push_back(i);
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
                   [](const v1::Item& item, const v1::AnnotationSet& set, const std::string& uri,
                      const fs::path&) { return document(item, set, uri); });
}

}  // namespace tessera::formats::voc
