// Reading Pascal VOC XML. See voc.hpp for what is implemented and what is missing.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "xml_text.hpp"

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/text.hpp"
#include "formats/files.hpp"
#include "voc/voc.hpp"

namespace tessera::formats::voc {
namespace {

namespace fs = std::filesystem;

std::string_view trimmed(std::string_view text) {
    const std::size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

std::unique_ptr<v1::KeyValueT> key_value(std::string key, std::string value) {
    auto kv = std::make_unique<v1::KeyValueT>();
    kv->key = std::move(key);
    kv->value = std::move(value);
    return kv;
}

/// Reads one document, turning pugixml offsets into "file:line:col" errors.
class DocumentReader {
public:
    DocumentReader(const fs::path& file, std::string_view text, DatasetBuilder& builder,
                   const ReadOptions& options)
        : file_(file),
          text_(text),
          builder_(builder),
          options_(options),
          shift_(origin(options.settings) == Origin::Devkit ? 1.0 : 0.0) {}

    void read() {
        pugi::xml_document doc;
        parse_xml(file_, text_, doc);
        const pugi::xml_node root = doc.document_element();
        if (std::string_view(root.name()) != "annotation")
            fail(root,
                 fmt::format("expected <annotation> as the root element, found <{}>", root.name()));

        ImportedItem item;
        item.media.kind = v1::MediaKind::Image;
        const std::string path(text_of(root.child("path")));
        item.name = text_of(root.child("filename"));
        if (item.name.empty()) item.name = fs::path(path).filename().string();
        if (item.name.empty()) fail(root, "expected <filename> naming the image");
        if (const pugi::xml_node size = root.child("size")) {
            item.media.width = pixels(size, "width");
            item.media.height = pixels(size, "height");
        }
        // Keys in sorted order, as the store keeps them (owner, path, segmented and
        // source follow folder).
        std::map<std::string, std::string> fields;
        for (const char* block : {"source", "owner"})
            for (const pugi::xml_node child : root.child(block).children())
                if (child.type() == pugi::node_element && !text_of(child).empty())
                    fields[fmt::format("voc:{}.{}", block, child.name())] = text_of(child);
        const std::string_view depth = text_of(root.child("size").child("depth"));
        if (!depth.empty()) item.metadata.push_back(key_value("voc:depth", std::string(depth)));
        if (const std::string_view folder = text_of(root.child("folder")); !folder.empty())
            item.metadata.push_back(key_value("voc:folder", std::string(folder)));
        if (!path.empty()) item.metadata.push_back(key_value("voc:path", path));
        if (const std::string_view segmented = text_of(root.child("segmented")); !segmented.empty())
            item.metadata.push_back(key_value("voc:segmented", std::string(segmented)));
        for (auto& [key, value] : fields) item.metadata.push_back(key_value(key, std::move(value)));
        std::sort(item.metadata.begin(), item.metadata.end(),
                  [](const auto& a, const auto& b) { return a->key < b->key; });
        item.media_path = locate_image(item.name, path);

        std::size_t number = 0;
        for (const pugi::xml_node object : root.children("object")) {
            const std::string context = fmt::format("object {}", ++number);
            auto annotation = box(object, context);
            const std::uint64_t parent = annotation->id;
            // The devkit's three fields are on every object (absent or empty: the
            // devkit's defaults), so that an export, which always writes them, reads
            // back the same; occluded (Datumaro, CVAT) only when it has a value.
            auto pose = std::make_unique<v1::AttributeT>();
            pose->key = "pose";
            pose->type = v1::AttributeType::String;
            pose->string_value = text_of(object.child("pose"));
            if (pose->string_value.empty()) pose->string_value = kUnspecifiedPose;
            annotation->attributes.push_back(std::move(pose));
            flag(object, "truncated", context, *annotation, true);
            flag(object, "difficult", context, *annotation, true);
            flag(object, "occluded", context, *annotation, false);
            extra_attributes(object.child("attributes"), context, *annotation);
            std::sort(annotation->attributes.begin(), annotation->attributes.end(),
                      [](const auto& a, const auto& b) { return a->key < b->key; });
            item.annotations.push_back(std::move(annotation));

            std::size_t part_number = 0;
            for (const pugi::xml_node part : object.children("part")) {
                auto child = box(part, fmt::format("{}: part {}", context, ++part_number));
                child->parent = parent;
                item.annotations.push_back(std::move(child));
            }
        }
        builder_.dataset.items.push_back(std::move(item));
    }

private:
    [[noreturn]] void fail(const pugi::xml_node& node, std::string_view message) const {
        fail_at_node(file_, text_, node, message);
    }

    /// The element's text without surrounding white space; "" when absent.
    static std::string_view text_of(const pugi::xml_node& element) {
        return trimmed(element.child_value());
    }

    /// The node holding an element's text (for positions), else the element.
    static pugi::xml_node text_node(const pugi::xml_node& element) {
        for (const pugi::xml_node child : element.children())
            if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) return child;
        return element;
    }

    double number(const pugi::xml_node& parent, const char* name, std::string_view context) const {
        const pugi::xml_node element = parent.child(name);
        if (!element) fail(parent, fmt::format("{}: {} has no {}", context, parent.name(), name));
        const std::string_view text = text_of(element);
        double value = 0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
            !std::isfinite(value))
            fail(text_node(element),
                 fmt::format("{}: {}: expected a number, found \"{}\"", context, name, text));
        return value;
    }

    std::uint32_t pixels(const pugi::xml_node& size, const char* name) const {
        if (!size.child(name)) return 0;
        const double value = number(size, name, "size");
        if (value < 0 || value > 4294967295.0 || value != std::floor(value))
            fail(text_node(size.child(name)),
                 fmt::format("size: {}: expected a whole number of pixels, found \"{}\"", name,
                             text_of(size.child(name))));
        return static_cast<std::uint32_t>(value);
    }

    /// An object or part: its name and bndbox as a Box annotation.
    std::unique_ptr<v1::AnnotationT> box(const pugi::xml_node& element,
                                         const std::string& context) {
        const pugi::xml_node name = element.child("name");
        if (!name) fail(element, fmt::format("{}: expected <name>", context));
        const std::string_view label = text_of(name);
        if (label.empty()) fail(name, fmt::format("{}: <name> is empty", context));
        if (first_invalid_utf8(label).has_value())
            fail(text_node(name), fmt::format("{}: name is not valid UTF-8", context));
        const pugi::xml_node bndbox = element.child("bndbox");
        if (!bndbox) fail(element, fmt::format("{}: expected <bndbox>", context));
        const double xmin = number(bndbox, "xmin", context), ymin = number(bndbox, "ymin", context);
        const double xmax = number(bndbox, "xmax", context), ymax = number(bndbox, "ymax", context);
        // With 1-based inclusive pixels xmax == xmin - 1 is an empty box; less is reversed.
        if (xmax < xmin - shift_)
            fail(bndbox,
                 fmt::format("{}: bndbox xmax {} is less than xmin {}", context, xmax, xmin));
        if (ymax < ymin - shift_)
            fail(bndbox,
                 fmt::format("{}: bndbox ymax {} is less than ymin {}", context, ymax, ymin));

        auto annotation = std::make_unique<v1::AnnotationT>();
        annotation->id = builder_.take_id();
        annotation->label = label;
        builder_.add_class(annotation->label);
        v1::BoxT geometry;
        geometry.left = xmin - shift_;
        geometry.top = ymin - shift_;
        geometry.right = xmax;
        geometry.bottom = ymax;
        // A box before the first pixel (xmin 0 read as 1-based, or a negative
        // coordinate) is clamped to the image, and said so.
        if (geometry.left < 0 || geometry.top < 0 || geometry.right < 0 || geometry.bottom < 0) {
            options_.lost(shift_ != 0 ? "VOC boxes before the first pixel, clamped to 0 "
                                        "(is the file 0-based? try --voc-origin 0)"
                                      : "VOC boxes with negative coordinates, clamped to 0",
                          annotation->label, where(bndbox, context));
            geometry.left = std::max(geometry.left, 0.0);
            geometry.top = std::max(geometry.top, 0.0);
            geometry.right = std::max(geometry.right, 0.0);
            geometry.bottom = std::max(geometry.bottom, 0.0);
        }
        annotation->geometry.Set(std::move(geometry));
        return annotation;
    }

    /// "a.xml:12: object 3", for losses.
    std::string where(const pugi::xml_node& node, std::string_view context) const {
        const std::ptrdiff_t offset = node.offset_debug();
        std::size_t line = 1;
        if (offset > 0)
            line += static_cast<std::size_t>(std::count(
                text_.begin(),
                text_.begin() +
                    std::min<std::ptrdiff_t>(offset, static_cast<std::ptrdiff_t>(text_.size())),
                '\n'));
        return fmt::format("{}:{}: {}", file_.generic_string(), line, context);
    }

    /// A 0/1 element as a Bool attribute. Empty (labelme2voc's <truncated/>) is
    /// the same as absent: false when `always`, else no attribute.
    void flag(const pugi::xml_node& object, const char* key, std::string_view context,
              v1::AnnotationT& annotation, bool always) const {
        const pugi::xml_node element = object.child(key);
        if (text_of(element).empty()) {
            if (always) annotation.attributes.push_back(bool_attribute(key, false));
            return;
        }
        std::string text(text_of(element));
        std::transform(text.begin(), text.end(), text.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        bool value = false;
        if (text == "1" || text == "true")
            value = true;
        else if (text != "0" && text != "false")
            fail(text_node(element), fmt::format("{}: {}: expected 0 or 1, found \"{}\"", context,
                                                 key, text_of(element)));
        annotation.attributes.push_back(bool_attribute(key, value));
    }

    static std::unique_ptr<v1::AttributeT> bool_attribute(std::string key, bool value) {
        auto attribute = std::make_unique<v1::AttributeT>();
        attribute->key = std::move(key);
        attribute->type = v1::AttributeType::Bool;
        attribute->bool_value = value;
        return attribute;
    }

    /// CVAT's and Datumaro's <attributes><attribute><name/><value/></attribute>:
    /// true/false → Bool, a whole number → Int, another number → Float, else String.
    void extra_attributes(const pugi::xml_node& list, std::string_view context,
                          v1::AnnotationT& annotation) const {
        for (const pugi::xml_node element : list.children("attribute")) {
            const std::string_view key = text_of(element.child("name"));
            if (key.empty())
                fail(element, fmt::format("{}: <attribute> without a <name>", context));
            if (first_invalid_utf8(key).has_value() ||
                first_invalid_utf8(text_of(element.child("value"))).has_value())
                fail(element, fmt::format("{}: attribute is not valid UTF-8", context));
            const bool taken =
                std::any_of(annotation.attributes.begin(), annotation.attributes.end(),
                            [&](const auto& a) { return a->key == key; });
            if (taken) continue;  // the object's own element wins
            annotation.attributes.push_back(typed_attribute(key, text_of(element.child("value"))));
        }
    }

    static std::unique_ptr<v1::AttributeT> typed_attribute(std::string_view key,
                                                           std::string_view text) {
        auto attribute = std::make_unique<v1::AttributeT>();
        attribute->key = key;
        const char* end = text.data() + text.size();
        std::int64_t whole = 0;
        double real = 0;
        if (text == "true" || text == "false") {
            attribute->type = v1::AttributeType::Bool;
            attribute->bool_value = text == "true";
        } else if (auto [p, ec] = std::from_chars(text.data(), end, whole);
                   !text.empty() && ec == std::errc() && p == end) {
            attribute->type = v1::AttributeType::Int;
            attribute->int_value = whole;
        } else if (auto [q, ec2] = std::from_chars(text.data(), end, real);
                   !text.empty() && ec2 == std::errc() && q == end && std::isfinite(real)) {
            attribute->type = v1::AttributeType::Float;
            attribute->float_value = real;
        } else {
            attribute->type = v1::AttributeType::String;
            attribute->string_value = text;
        }
        return attribute;
    }

    fs::path locate_image(const std::string& filename, const std::string& path) const {
        const fs::path dir = file_.parent_path();
        std::vector<fs::path> candidates{dir / filename, dir / ".." / "JPEGImages" / filename};
        if (!path.empty())
            candidates.push_back(fs::path(path).is_absolute() ? fs::path(path) : dir / path);
        for (const fs::path& candidate : candidates) {
            std::error_code ec;
            if (fs::is_regular_file(candidate, ec)) return candidate.lexically_normal();
        }
        return {};
    }

    const fs::path& file_;
    std::string_view text_;
    DatasetBuilder& builder_;
    const ReadOptions& options_;
    /// 1 when the file's pixels are the devkit's 1-based ones, else 0.
    double shift_;
};

}  // namespace

void read_document(const fs::path& file, std::string_view text, DatasetBuilder& builder,
                   const ReadOptions& options) {
    DocumentReader(file, text, builder, options).read();
}

Dataset read(const fs::path& input, const ReadOptions& options) {
    const std::vector<fs::path> files = annotation_files(input, ".xml", "Pascal VOC");
    DatasetBuilder builder;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::string text = read_file(files[i]);
        read_document(files[i], text, builder, options);
        if (options.progress) options.progress(i + 1, files.size());
    }
    return std::move(builder.dataset);
}

}  // namespace tessera::formats::voc
