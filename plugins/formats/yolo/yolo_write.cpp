// Writing YOLO label files, classes.txt and data.yaml (Ultralytics layout) or
// obj.names, obj.data and image lists (darknet layout).
// See yolo.hpp for what is implemented and what is missing.

#include <iterator>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "formats/files.hpp"
#include "media/image_header.hpp"
#include "yolo/yolo.hpp"
#include "yolo/yolo_detail.hpp"

namespace tessera::formats::yolo {
namespace {

namespace fs = std::filesystem;

/// The path of an item below its subset's folder: its dataset name without
/// leading ../ and without what precedes its last images/ folder, and without
/// a first folder named as its subset ("images/train/a.png", subset train → a.png).
fs::path path_in_subset(std::uint64_t item, std::string_view name, std::string_view subset) {
    const fs::path relative = output_path(item, name);
    std::vector<fs::path> parts;
    for (const fs::path& part : relative) {
        if (part == "images" && part != relative.filename())
            parts.clear();
        else
            parts.push_back(part);
    }
    std::size_t from = 0;
    if (parts.size() > 1 && !subset.empty() && parts[0] == subset) from = 1;
    fs::path out;
    for (std::size_t i = from; i < parts.size(); ++i) out /= parts[i];
    return out;
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

std::string yaml_folders(const std::set<std::string>& folders) {
    if (folders.size() == 1) return yaml_quoted(*folders.begin());
    std::string out = "[";
    for (const std::string& folder : folders)
        out += (out.size() > 1 ? ", " : "") + yaml_quoted(folder);
    return out + "]";
}

/// data.yaml: the split folders under train/val/test, the class names.
std::string data_yaml(const std::vector<std::string>& names, const std::set<std::string>& subsets,
                      bool unsplit) {
    std::string out =
        "# YOLO dataset written by Tessera: labels/<subset>/ mirrors images/<subset>/.\n";
    std::map<std::string_view, std::set<std::string>> folders;  // train/val/test → folders
    std::string others;
    for (const std::string& subset : subsets) {
        const std::string folder = "images/" + subset;
        if (const std::string_view key = detail::split_key(subset); !key.empty())
            folders[key].insert(folder);
        else
            others += (others.empty() ? "" : ", ") + folder;
    }
    if (subsets.empty()) {
        // No splits: Ultralytics needs train and val; both are the whole set.
        folders["train"].insert("images");
        folders["val"].insert("images");
    } else if (unsplit) {
        out += "# images/ also holds items without a subset, outside train/val/test.\n";
    }
    if (!others.empty())
        out += "# subsets that are not train/val/test, outside them: " + others + "\n";
    for (const std::string_view key : {"train", "val", "test"})
        if (const auto it = folders.find(key); it != folders.end())
            fmt::format_to(std::back_inserter(out), "{}: {}\n", key, yaml_folders(it->second));
    fmt::format_to(std::back_inserter(out), "nc: {}\nnames:\n", names.size());
    for (std::size_t i = 0; i < names.size(); ++i)
        fmt::format_to(std::back_inserter(out), "  {}: {}\n", i, yaml_quoted(names[i]));
    return out;
}

/// darknet's obj.data: class count, image lists, names, backup folder.
std::string obj_data(std::size_t classes, const std::set<std::string>& subsets) {
    std::string out = fmt::format("classes = {}\n", classes);
    for (const std::string& subset : subsets) {
        const std::string_view key = detail::split_key(subset);
        fmt::format_to(std::back_inserter(out), "{} = data/{}.txt\n",
                       key == "val"  ? "valid"
                       : key.empty() ? std::string_view(subset)
                                     : key,
                       subset);
    }
    return out + "names = data/obj.names\nbackup = backup/\n";
}

bool is_image_item(const v1::Item& item, std::string_view name) {
    const v1::MediaKind kind =
        item.media() != nullptr ? item.media()->kind() : v1::MediaKind::Unknown;
    if (kind != v1::MediaKind::Unknown) return kind == v1::MediaKind::Image;
    return media::media_kind_from_extension(fs::path(name)) == v1::MediaKind::Image;
}

/// Notes what of `annotation` besides its shape YOLO cannot hold.
void note_fields(const v1::Annotation& annotation, const std::string& label,
                 const std::string& where, const WriteOptions& options) {
    if (annotation.attributes() != nullptr)
        for (const v1::Attribute* attribute : *annotation.attributes())
            options.lost("annotation attributes (YOLO label files have none)", label,
                         fmt::format("{} attribute {}", where,
                                     attribute->key() ? attribute->key()->str() : ""));
    if (annotation.text() != nullptr && annotation.text()->size() != 0)
        options.lost("annotation text values (YOLO label files have none)", label, where);
    if (annotation.parent() != 0 || annotation.group() != 0)
        options.lost("annotation groups and parents (YOLO label files have none)", label, where);
    if (annotation.provenance() != nullptr && annotation.provenance()->confidence() >= 0)
        options.lost("confidences (YOLO training labels have none)", label, where);
}

}  // namespace

void write(const ItemSource& source, const fs::path& out, const WriteOptions& options) {
    const std::string_view task_name = setting(options.settings, "yolo-task", "detect");
    const detail::Task task = task_name == "segment" ? detail::Task::Segment : detail::Task::Detect;
    const bool darknet = setting(options.settings, "yolo-layout", "ultralytics") == "darknet";

    Classes classes(source.schema());
    std::map<fs::path, std::string> files;       // relative path → contents
    std::map<std::uint64_t, fs::path> image_of;  // item id → where its image goes
    std::map<std::string, std::string> lists;    // darknet subset → its image list
    OutputFiles written("label file");
    std::set<std::string> subsets;
    bool unsplit = false;
    std::uint64_t done = 0;
    const std::uint64_t total = source.item_count();
    source.for_each_item([&](const v1::Item& item, const v1::AnnotationSet& set) {
        const std::string name = dataset_name(item);
        if (options.progress) options.progress(++done, total);
        if (!is_image_item(item, name)) {
            options.lost("items that are not images (YOLO labels images only; not written)", {},
                         fmt::format("item {} ({})", item.id(), name));
            return;
        }
        std::string subset = item.subset() != nullptr ? item.subset()->str() : "";
        if (darknet && subset.empty()) subset = "train";
        const fs::path below = path_in_subset(item.id(), name, subset);
        fs::path image, label;
        if (darknet) {
            image = fs::path("obj_" + subset + "_data") / below;
            lists[subset] += "data/" + image.generic_string() + "\n";
        } else {
            image = fs::path("images") / (subset.empty() ? below : subset / below);
        }
        label = darknet ? image : fs::path("labels") / image.lexically_relative("images");
        label.replace_extension(".txt");
        written.claim(label, name);
        if (subset.empty())
            unsplit = true;
        else
            subsets.insert(subset);
        image_of.emplace(item.id(), image);

        const double width = item.media() != nullptr ? item.media()->width() : 0;
        const double height = item.media() != nullptr ? item.media()->height() : 0;
        std::string text;
        if (set.annotations() != nullptr)
            for (const v1::Annotation* annotation : *set.annotations()) {
                const std::string label_name =
                    annotation->label() != nullptr ? annotation->label()->str() : "";
                const std::string where =
                    fmt::format("item {} ({}) annotation {}", item.id(), name, annotation->id());
                // Rendered with class 0 first: a shape YOLO cannot hold adds no class.
                std::vector<std::string> notes;
                std::string lines;
                detail::append_lines(lines, *annotation, 0, width > 0 ? width : 1,
                                     height > 0 ? height : 1, task,
                                     [&](std::string_view what) { notes.emplace_back(what); });
                if (!lines.empty()) {
                    if (width == 0 || height == 0)
                        fail(name,
                             "image width and height are unknown, but YOLO coordinates are "
                             "fractions of them; add the image file to the project first");
                    if (label_name.empty())
                        fail(name,
                             fmt::format("annotation {} has no label; YOLO needs a class for it",
                                         annotation->id()));
                    note_fields(*annotation, label_name, where, options);
                    if (const std::size_t index = classes.index_of(label_name); index != 0) {
                        lines.clear();
                        detail::append_lines(lines, *annotation, index, width, height, task,
                                             [](std::string_view) {});
                    }
                    text += lines;
                }
                for (const std::string& what : notes) options.lost(what, label_name, where);
            }
        files.emplace(label, std::move(text));
    });

    std::string names_txt;
    for (const std::string& name : classes.names()) names_txt += name + "\n";
    if (darknet) {
        files.emplace("obj.names", std::move(names_txt));
        files.emplace("obj.data", obj_data(classes.names().size(), subsets));
        for (auto& [subset, list] : lists) files.emplace(subset + ".txt", std::move(list));
    } else {
        files.emplace("classes.txt", std::move(names_txt));
        files.emplace("data.yaml", data_yaml(classes.names(), subsets, unsplit));
    }
    for (const auto& [relative, contents] : files) write_output_file(out / relative, contents);

    if (options.copy_media)
        source.for_each_item([&](const v1::Item& item, const v1::AnnotationSet&) {
            if (const auto it = image_of.find(item.id()); it != image_of.end())
                copy_media(source, item, out / it->second, options);
        });
}

}  // namespace tessera::formats::yolo
