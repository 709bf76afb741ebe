// Reading YOLO label files and pairing them with images.
// See yolo.hpp for what is implemented and what is missing.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

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

std::string lower_extension(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

bool is_image(const fs::path& path) {
    return media::media_kind_from_extension(path) == v1::MediaKind::Image;
}

/// A whitespace-separated value of a label line and its offset in the file.
struct Field {
    std::string_view text;
    std::size_t offset = 0;
};

std::vector<Field> split(std::string_view text, std::size_t begin, std::size_t end) {
    std::vector<Field> fields;
    std::size_t p = begin;
    while (p < end) {
        while (p < end && (text[p] == ' ' || text[p] == '\t' || text[p] == '\r')) ++p;
        const std::size_t start = p;
        while (p < end && text[p] != ' ' && text[p] != '\t' && text[p] != '\r') ++p;
        if (p > start) fields.push_back({text.substr(start, p - start), start});
    }
    return fields;
}

class LabelParser {
  public:
    LabelParser(const fs::path& file, std::string_view text, std::span<const std::string> classes)
        : file_(file), text_(text), classes_(classes) {}

    [[noreturn]] void fail(std::size_t offset, std::string_view message) const {
        fail_at(file_, text_, offset, message);
    }

    const std::string& label(const Field& field) const {
        std::size_t index = 0;
        const char* end = field.text.data() + field.text.size();
        const auto [ptr, ec] = std::from_chars(field.text.data(), end, index);
        if (ec != std::errc() || ptr != end)
            fail(field.offset, fmt::format("expected a class index, found \"{}\"", field.text));
        if (index >= classes_.size()) {
            if (classes_.empty())
                fail(
                    field.offset,
                    fmt::format("class index {} is out of range: no class names are given", index));
            fail(field.offset, fmt::format("class index {} is out of range, expected 0 to {}",
                                           index, classes_.size() - 1));
        }
        return classes_[index];
    }

    /// A normalized value named `name` in messages.
    double value(const Field& field, std::string_view name) const {
        double v = 0;
        const char* end = field.text.data() + field.text.size();
        const auto [ptr, ec] = std::from_chars(field.text.data(), end, v);
        if (ec != std::errc() || ptr != end || !std::isfinite(v))
            fail(field.offset, fmt::format("expected a number, found \"{}\"", field.text));
        if (v < -kNormalizedTolerance || v > 1 + kNormalizedTolerance)
            fail(field.offset, fmt::format("{} {} is outside [0, 1]", name, field.text));
        return v;
    }

  private:
    const fs::path& file_;
    std::string_view text_;
    std::span<const std::string> classes_;
};

std::unique_ptr<v1::AnnotationT> make_annotation(std::uint64_t id, const std::string& label) {
    auto annotation = std::make_unique<v1::AnnotationT>();
    annotation->id = id;
    annotation->label = label;
    return annotation;
}

bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

/// Class names from data.yaml, data.yml or classes.txt (at the root or in labels/).
std::vector<std::string> class_names(const fs::path& root) {
    std::error_code ec;
    for (const char* name : {"data.yaml", "data.yml"})
        if (fs::is_regular_file(root / name, ec))
            return parse_data_yaml(root / name, read_file(root / name));
    for (const char* name : {"classes.txt", "labels/classes.txt"})
        if (fs::is_regular_file(root / name, ec))
            return parse_classes_txt(root / name, read_file(root / name));
    fail(root,
         "expected data.yaml or classes.txt with the class names in this YOLO dataset folder");
}

std::string stem_key(const fs::path& relative) {
    fs::path stem = relative;
    stem.replace_extension();
    return stem.generic_string();
}

}  // namespace

std::vector<std::unique_ptr<v1::AnnotationT>> parse_labels(
    const fs::path& file, std::string_view text, std::span<const std::string> classes,
    std::uint32_t width, std::uint32_t height, std::uint64_t& next_id) {
    const LabelParser parser(file, text, classes);
    std::vector<std::unique_ptr<v1::AnnotationT>> out;
    std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    const double w = width, h = height;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        const std::vector<Field> fields = split(text, pos, eol);
        const std::size_t line_start = pos;
        pos = eol + 1;
        if (fields.empty()) continue;
        const bool box = fields.size() == 5;
        if (!box && (fields.size() < 7 || fields.size() % 2 == 0))
            parser.fail(line_start,
                        fmt::format("expected 5 values (class cx cy w h) or a class and 3 or "
                                    "more x y pairs, found {} values",
                                    fields.size()));
        auto annotation = make_annotation(next_id, parser.label(fields[0]));
        if (box) {
            const double cx = parser.value(fields[1], "cx"), cy = parser.value(fields[2], "cy");
            const double bw = parser.value(fields[3], "w"), bh = parser.value(fields[4], "h");
            v1::BoxT geometry;
            geometry.left = (cx - bw / 2) * w;
            geometry.top = (cy - bh / 2) * h;
            geometry.right = (cx + bw / 2) * w;
            geometry.bottom = (cy + bh / 2) * h;
            annotation->geometry.Set(std::move(geometry));
        } else {
            v1::PolygonT geometry;
            for (std::size_t i = 1; i + 1 < fields.size(); i += 2) {
                const std::size_t point = (i + 1) / 2;
                const double x = parser.value(fields[i], fmt::format("x{}", point));
                const double y = parser.value(fields[i + 1], fmt::format("y{}", point));
                geometry.points.emplace_back(x * w, y * h);
            }
            annotation->geometry.Set(std::move(geometry));
        }
        ++next_id;
        out.push_back(std::move(annotation));
    }
    return out;
}

Dataset read(const fs::path& root, const ReadOptions& options) {
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        fail(root,
             "expected a YOLO dataset folder (data.yaml or classes.txt, images/ and labels/)");
    Dataset dataset;
    const std::vector<std::string> classes = class_names(root);
    for (const std::string& name : classes) {
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
    const bool labels_layout = std::any_of(files.begin(), files.end(), [&](const fs::path& p) {
        return lower_extension(p) == ".txt" && in_labels(p);
    });
    std::vector<fs::path> images, labels;
    std::map<std::string, std::vector<std::size_t>> images_by_stem;
    for (const fs::path& file : files) {
        if (is_image(file) && (!labels_layout || detail::mirror(file, "images", "labels"))) {
            images_by_stem[stem_key(file)].push_back(images.size());
            images.push_back(file);
        } else if (lower_extension(file) == ".txt" && file.filename() != "classes.txt" &&
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
        item.name = images[i].generic_string();
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
            item.annotations = parse_labels(label_path, text, classes, item.media.width,
                                            item.media.height, next_id);
        }
        dataset.items.push_back(std::move(item));
        if (options.progress) options.progress(i + 1, images.size());
    }
    return dataset;
}

}  // namespace tessera::formats::yolo
