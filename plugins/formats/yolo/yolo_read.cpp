// Reading a YOLO dataset folder: class names, subsets, pairing label files with images.
// See yolo.hpp for what is implemented and what is missing.

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "formats/files.hpp"
#include "media/image_header.hpp"
#include "yolo/yolo.hpp"
#include "yolo/yolo_detail.hpp"

namespace tessera::formats::yolo {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string lower_extension(const fs::path& path) {
    return lower(path.extension().string());
}

bool is_image(const fs::path& path) {
    return media::media_kind_from_extension(path) == v1::MediaKind::Image;
}

bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string stem_key(const fs::path& relative) {
    fs::path stem = relative;
    stem.replace_extension();
    return stem.generic_string();
}

/// Where the class names and the image lists of a dataset come from.
struct Layout {
    std::vector<std::string> classes;
    /// darknet / CVAT "YOLO 1.1": obj.names, obj.data, <subset>.txt lists, obj_<subset>_data/.
    bool darknet = false;
    /// Files at the root that are not label files (lists, names).
    std::set<fs::path> not_labels;
    /// Image (relative to the root) → subset, from darknet's image lists.
    std::map<fs::path, std::string> listed;
};

/// `value` of a darknet obj.data entry ("data/train.txt") as a file under `root`:
/// tried as written, then without its leading folders (darknet runs from its own
/// root, where the dataset is data/).
std::optional<fs::path> under_root(const fs::path& root, std::string_view value) {
    fs::path relative = fs::path(value).lexically_normal().relative_path();
    std::error_code ec;
    while (!relative.empty()) {
        if (fs::is_regular_file(root / relative, ec)) return relative;
        auto it = relative.begin();
        if (++it == relative.end()) break;
        fs::path rest;
        for (; it != relative.end(); ++it) rest /= *it;
        relative = rest;
    }
    return std::nullopt;
}

/// obj.data's "key = value" lines.
std::map<std::string, std::string> read_obj_data(const fs::path& file) {
    std::map<std::string, std::string> entries;
    const std::string text = read_file(file);
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        const std::string_view line = std::string_view(text).substr(pos, eol - pos);
        const std::size_t eq = line.find('=');
        const auto trim = [](std::string_view s) {
            const std::size_t b = s.find_first_not_of(" \t\r");
            if (b == std::string_view::npos) return std::string();
            return std::string(s.substr(b, s.find_last_not_of(" \t\r") - b + 1));
        };
        if (eq != std::string_view::npos && !line.starts_with("#"))
            entries[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
        else if (!blank(line) && !line.starts_with("#"))
            fail_at(file, text, pos, "expected \"key = value\"");
        pos = eol + 1;
    }
    return entries;
}

void read_darknet(const fs::path& root, Layout& layout, const ReadOptions& options) {
    layout.darknet = true;
    std::error_code ec;
    std::map<std::string, std::string> data;
    if (fs::is_regular_file(root / "obj.data", ec)) {
        data = read_obj_data(root / "obj.data");
        layout.not_labels.insert("obj.data");
    }
    fs::path names = "obj.names";
    if (const auto it = data.find("names"); it != data.end())
        if (auto found = under_root(root, it->second)) names = *found;
    if (!fs::is_regular_file(root / names, ec))
        fail(root / "obj.data",
             fmt::format("expected the class names in {}", names.generic_string()));
    layout.classes = parse_classes_txt(root / names, read_file(root / names));
    layout.not_labels.insert(names);
    if (const auto it = data.find("classes");
        it != data.end() && it->second != std::to_string(layout.classes.size()))
        fail(root / "obj.data", fmt::format("classes is {} but {} lists {} classes", it->second,
                                            names.generic_string(), layout.classes.size()));

    // The image lists: those obj.data names, else <subset>.txt beside it.
    std::map<std::string, fs::path> lists;
    for (const char* subset : {"train", "valid", "val", "test"}) {
        if (const auto it = data.find(subset); it != data.end()) {
            if (auto found = under_root(root, it->second))
                lists[subset] = *found;
            else
                options.lost("image lists named in obj.data that are not in the folder", {},
                             fmt::format("{} = {}", subset, it->second));
        } else if (fs::is_regular_file(root / (std::string(subset) + ".txt"), ec)) {
            lists[subset] = std::string(subset) + ".txt";
        }
    }
    for (const auto& [subset, list] : lists) {
        layout.not_labels.insert(list);
        const std::string text = read_file(root / list);
        std::size_t pos = 0;
        while (pos < text.size()) {
            std::size_t eol = text.find('\n', pos);
            if (eol == std::string::npos) eol = text.size();
            std::string line = text.substr(pos, eol - pos);
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
            pos = eol + 1;
            if (line.empty()) continue;
            if (auto image = under_root(root, line))
                layout.listed.emplace(*image, subset);
            else
                options.lost("images listed in a darknet image list that are not in the folder", {},
                             fmt::format("{}: {}", list.generic_string(), line));
        }
    }
}

Layout read_layout(const fs::path& root, const ReadOptions& options) {
    Layout layout;
    std::error_code ec;
    for (const char* name : {"data.yaml", "data.yml"}) {
        if (!fs::is_regular_file(root / name, ec)) continue;
        const std::string text = read_file(root / name);
        DataYaml yaml = read_data_yaml(root / name, text);
        if (std::find(yaml.keys.begin(), yaml.keys.end(), "kpt_shape") != yaml.keys.end())
            fail(root / name,
                 "this is a YOLO pose dataset (data.yaml has kpt_shape), which Tessera does not "
                 "read");
        layout.classes = std::move(yaml.names);
        layout.not_labels.insert(name);
        return layout;
    }
    if (fs::is_regular_file(root / "obj.names", ec) || fs::is_regular_file(root / "obj.data", ec)) {
        read_darknet(root, layout, options);
        return layout;
    }
    for (const char* name : {"classes.txt", "labels/classes.txt"})
        if (fs::is_regular_file(root / name, ec)) {
            layout.classes = parse_classes_txt(root / name, read_file(root / name));
            layout.not_labels.insert(name);
            return layout;
        }
    fail(root,
         "expected data.yaml, classes.txt or darknet's obj.names with the class names in this "
         "YOLO dataset folder");
}

bool is_split(std::string_view folder) {
    return !detail::split_key(folder).empty();
}

/// The subset and the dataset name of image `relative`.
std::pair<std::string, fs::path> subset_and_name(const fs::path& relative, const Layout& layout,
                                                 bool labels_layout) {
    std::vector<fs::path> parts(relative.begin(), relative.end());
    const auto join = [&](std::size_t from) {
        fs::path out;
        for (std::size_t i = from; i < parts.size(); ++i) out /= parts[i];
        return out;
    };
    if (layout.darknet) {
        std::string subset;
        if (const auto it = layout.listed.find(relative); it != layout.listed.end())
            subset = it->second;
        // CVAT writes a subset's images to obj_<subset>_data/.
        for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
            const std::string folder = parts[i].string();
            if (folder.starts_with("obj_") && folder.ends_with("_data") && folder.size() > 9) {
                if (subset.empty()) subset = folder.substr(4, folder.size() - 9);
                return {subset, join(i + 1)};
            }
        }
        return {subset, relative};
    }
    std::size_t below = 0;  // first part below the last images/ folder
    if (labels_layout)
        for (std::size_t i = parts.size() - 1; i-- > 0;)
            if (parts[i] == "images") {
                below = i + 1;
                break;
            }
    // Ultralytics: images/<split>/…; Roboflow: <split>/images/…
    if (below + 1 < parts.size() && is_split(parts[below].string()))
        return {parts[below].string(), join(below + 1)};
    if (below >= 2 && is_split(parts[below - 2].string()))
        return {parts[below - 2].string(), join(below)};
    return {{}, join(below)};
}

}  // namespace

Dataset read(const fs::path& root, const ReadOptions& options) {
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        fail(root,
             "expected a YOLO dataset folder (data.yaml or classes.txt, images/ and labels/)");
    Dataset dataset;
    const Layout layout = read_layout(root, options);
    for (const std::string& name : layout.classes) {
        auto label_class = std::make_unique<v1::LabelClassT>();
        label_class->key = name;
        dataset.schema.classes.push_back(std::move(label_class));
    }

    // Label files live in labels/ folders when there are any, else beside the images.
    std::vector<fs::path> files = files_under(root);
    for (fs::path& file : files) file = file.lexically_relative(root);
    const auto in_labels = [](const fs::path& p) {
        return detail::mirror(p, "labels", "images").has_value();
    };
    const bool labels_layout =
        !layout.darknet && std::any_of(files.begin(), files.end(), [&](const fs::path& p) {
            return lower_extension(p) == ".txt" && in_labels(p);
        });
    std::vector<fs::path> images, labels;
    std::map<std::string, std::vector<std::size_t>> images_by_stem;
    for (const fs::path& file : files) {
        if (is_image(file) && (!labels_layout || detail::mirror(file, "images", "labels"))) {
            images_by_stem[stem_key(file)].push_back(images.size());
            images.push_back(file);
        } else if (lower_extension(file) == ".txt" && !layout.not_labels.contains(file) &&
                   (labels_layout ? in_labels(file) : true)) {
            labels.push_back(file);
        }
    }

    std::vector<const fs::path*> label_of(images.size(), nullptr);
    for (const fs::path& label : labels) {
        const std::optional<fs::path> mirrored = detail::mirror(label, "labels", "images");
        bool found = false;
        for (const std::optional<fs::path>& candidate :
             {mirrored, std::optional<fs::path>(label)}) {
            if (!candidate) continue;
            const auto it = images_by_stem.find(stem_key(*candidate));
            if (it == images_by_stem.end()) continue;
            for (const std::size_t image : it->second)
                if (label_of[image] == nullptr) label_of[image] = &label;
            found = true;
            break;
        }
        if (!found)
            fail(root / label, fmt::format("no image for this label file: expected {}.jpg, .png or "
                                           "another image with that name",
                                           stem_key(mirrored.value_or(label))));
    }

    std::uint64_t next_id = 1;
    for (std::size_t i = 0; i < images.size(); ++i) {
        ImportedItem item;
        auto [subset, name] = subset_and_name(images[i], layout, labels_layout);
        item.name = name.generic_string();
        item.subset = std::move(subset);
        item.media_path = root / images[i];
        item.media.kind = v1::MediaKind::Image;
        const std::optional<media::ImageHeader> header = media::read_image_header(item.media_path);
        if (header) {
            item.media.width = header->width;
            item.media.height = header->height;
        }
        if (label_of[i] != nullptr) {
            const fs::path label_path = root / *label_of[i];
            const std::string text = read_file(label_path);
            if (!header && !blank(text))
                fail(item.media_path,
                     "cannot read the image size from its header (not a supported "
                     "image, or damaged); YOLO coordinates are fractions of it");
            item.annotations = parse_labels(label_path, text, layout.classes, item.media.width,
                                            item.media.height, next_id, options);
        }
        dataset.items.push_back(std::move(item));
        if (options.progress) options.progress(i + 1, images.size());
    }
    return dataset;
}

}  // namespace tessera::formats::yolo
