// Writing YOLO label files, classes.txt and data.yaml.
// See yolo.hpp for what is implemented and what is missing.

#include <iterator>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "formats/files.hpp"
#include "formats/geometry.hpp"
#include "formats/text.hpp"
#include "yolo/yolo.hpp"
#include "yolo/yolo_detail.hpp"

namespace tessera::formats::yolo {
namespace {

namespace fs = std::filesystem;

/// Label file of media `uri`, relative to the output folder. The output is a
/// dataset root: what follows the URI's last images/ folder is mirrored under
/// labels/ (…/street/images/train/a.png → labels/train/a.txt, to sit beside
/// images/train/a.png); a URI without an images/ folder goes to labels/<uri>.txt.
fs::path label_path(std::uint64_t item, std::string_view uri) {
    const fs::path relative = output_path(item, uri);
    fs::path below_images;
    bool found = false;
    for (const fs::path& part : relative) {
        if (part == "images" && part != relative.filename()) {
            below_images.clear();
            found = true;
        } else {
            below_images /= part;
        }
    }
    fs::path label = fs::path("labels") / (found ? below_images : relative);
    label.replace_extension(".txt");
    return label;
}

/// `text` as a YAML double-quoted scalar, UTF-8 kept except where YAML needs escapes.
std::string yaml_quoted(std::string_view text) {
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20 || c == 0x7F) {
            fmt::format_to(std::back_inserter(out), "\\x{:02X}", c);
        } else if (c == 0xC2 && i + 1 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
            // C1 control characters are not printable YAML.
            fmt::format_to(std::back_inserter(out), "\\u{:04X}",
                           static_cast<unsigned char>(text[++i]));
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    out.push_back('"');
    return out;
}

/// Class indexes: the schema's classes in order, then labels it lacks as met.
class Classes {
  public:
    explicit Classes(const v1::LabelSchema& schema) {
        if (schema.classes() != nullptr)
            for (const v1::LabelClass* label_class : *schema.classes())
                if (label_class->key() != nullptr) index_of(label_class->key()->str());
    }

    std::size_t index_of(const std::string& label) {
        const auto [it, inserted] = index_.emplace(label, names_.size());
        if (inserted) names_.push_back(label);
        return it->second;
    }

    [[nodiscard]] const std::vector<std::string>& names() const { return names_; }

  private:
    std::unordered_map<std::string, std::size_t> index_;
    std::vector<std::string> names_;
};

/// The label line of `annotation`, or "" when it has no 2D extent.
std::string label_line(const v1::Annotation& annotation, std::size_t index, double width,
                       double height) {
    std::string line = fmt::format_int(index).str();
    const auto add = [&](double value) {
        line.push_back(' ');
        append_double(line, value);
    };
    if (annotation.geometry_type() == v1::Geometry::Polygon) {
        // Fewer than 3 points would read back as a box line: such polygons go out as boxes.
        if (const auto ring = outer_ring(*annotation.geometry_as_Polygon()); ring.size() >= 3) {
            for (const v1::Point2& point : ring) {
                add(point.x() / width);
                add(point.y() / height);
            }
            line.push_back('\n');
            return line;
        }
    }
    const std::optional<Bounds> bounds = bounds_of(annotation);
    if (!bounds) return {};
    add((bounds->left + bounds->right) / 2 / width);
    add((bounds->top + bounds->bottom) / 2 / height);
    add(bounds->width() / width);
    add(bounds->height() / height);
    line.push_back('\n');
    return line;
}

std::string data_yaml(const std::vector<std::string>& names,
                      const std::set<std::string>& image_folders) {
    std::string out =
        "# YOLO dataset written by Tessera. Images are not copied: put them in the images/\n"
        "# folders mirroring labels/ (labels/a.txt <-> images/a.jpg), then adjust train/val.\n";
    std::string folders;
    if (image_folders.size() == 1) {
        folders = yaml_quoted(*image_folders.begin());
    } else {
        folders = "[";
        for (const std::string& folder : image_folders)
            folders += (folders.size() > 1 ? ", " : "") + yaml_quoted(folder);
        folders += "]";
    }
    fmt::format_to(std::back_inserter(out), "train: {}\nval: {}\nnc: {}\nnames:\n", folders,
                   folders, names.size());
    for (std::size_t i = 0; i < names.size(); ++i)
        fmt::format_to(std::back_inserter(out), "  {}: {}\n", i, yaml_quoted(names[i]));
    return out;
}

}  // namespace

void write(const ItemSource& source, const fs::path& out, const WriteOptions& options) {
    Classes classes(source.schema());
    std::map<fs::path, std::string> label_files;  // relative path → contents
    OutputFiles written("label file");
    std::set<std::string> image_folders;
    std::uint64_t done = 0;
    const std::uint64_t total = source.item_count();
    source.for_each_item([&](const v1::Item& item, const v1::AnnotationSet& set) {
        const std::string uri = media_uri(item);
        const fs::path path = label_path(item.id(), uri);
        written.claim(path, uri);
        const std::optional<fs::path> images = detail::mirror(path, "labels", "images");
        image_folders.insert(images ? images->parent_path().generic_string() : "images");

        const double width = item.media() != nullptr ? item.media()->width() : 0;
        const double height = item.media() != nullptr ? item.media()->height() : 0;
        std::string text;
        if (set.annotations() != nullptr)
            for (const v1::Annotation* annotation : *set.annotations()) {
                if (!bounds_of(*annotation)) continue;
                if (width == 0 || height == 0)
                    fail(uri,
                         "image width and height are unknown, but YOLO coordinates are "
                         "fractions of them; add the image file to the project first");
                const std::string label =
                    annotation->label() != nullptr ? annotation->label()->str() : "";
                if (label.empty())
                    fail(uri, fmt::format("annotation {} has no label; YOLO needs a class for it",
                                          annotation->id()));
                text += label_line(*annotation, classes.index_of(label), width, height);
            }
        label_files.emplace(path, std::move(text));
        if (options.progress) options.progress(++done, total);
    });
    if (image_folders.empty()) image_folders.insert("images");

    std::string names_txt;
    for (const std::string& name : classes.names()) names_txt += name + "\n";
    label_files.emplace("classes.txt", std::move(names_txt));
    label_files.emplace("data.yaml", data_yaml(classes.names(), image_folders));

    for (const auto& [relative, contents] : label_files)
        write_output_file(out / relative, contents);
}

}  // namespace tessera::formats::yolo
