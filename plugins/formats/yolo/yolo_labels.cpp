// Reading the lines of one YOLO label file the way Ultralytics reads them.
// See yolo.hpp for what is implemented and what is missing.

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "yolo/yolo.hpp"

namespace tessera::formats::yolo {
namespace {

namespace fs = std::filesystem;

/// A whitespace-separated value of a label line and its offset in the file.
struct Field {
    std::string_view text;
    std::size_t offset = 0;
};

/// The values of one non-blank line and where it starts.
struct Line {
    std::vector<Field> fields;
    std::size_t start = 0;
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

bool is_number(std::string_view text) {
    double v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    return ec == std::errc() && ptr == text.data() + text.size();
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

    /// A finite number.
    double number(const Field& field) const {
        double v = 0;
        const char* end = field.text.data() + field.text.size();
        const auto [ptr, ec] = std::from_chars(field.text.data(), end, v);
        if (ec != std::errc() || ptr != end || !std::isfinite(v))
            fail(field.offset, fmt::format("expected a number, found \"{}\"", field.text));
        return v;
    }

    /// A normalized value named `name` in messages.
    double value(const Field& field, std::string_view name) const {
        const double v = number(field);
        if (v < -kNormalizedTolerance || v > 1 + kNormalizedTolerance)
            fail(field.offset, fmt::format("{} {} is outside [0, 1]", name, field.text));
        return v;
    }

    /// Refuses line `line` by what it looks like, or as simply malformed.
    [[noreturn]] void refuse(const Line& line, bool segments) const {
        const std::size_t n = line.fields.size();
        // DOTA: x1 y1 ... x4 y4 class-name difficulty.
        if (n == 10 && !is_number(line.fields[8].text))
            fail(line.start,
                 "this looks like a DOTA oriented-box label line (8 corner coordinates, a class "
                 "name and a difficulty), which Tessera does not read");
        // Pose: class, box, x y visibility per keypoint (3 or more keypoints;
        // with 2 values per keypoint the line reads as a polygon).
        if (n >= 14 && (n - 5) % 3 == 0 && n % 2 == 0)
            fail(line.start,
                 fmt::format("this looks like a YOLO pose label line (class, box, then x y "
                             "visibility for each of {} keypoints), which Tessera does not read",
                             (n - 5) / 3));
        if (segments && n <= 6)
            fail(line.start,
                 fmt::format("expected a class and 3 or more x y pairs (other lines of this file "
                             "are polygons), found {} values",
                             n));
        fail(line.start, fmt::format("expected 5 values (class cx cy w h) or a class and 3 or "
                                     "more x y pairs, found {} values",
                                     n));
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

std::string place(const fs::path& file, std::string_view text, std::size_t offset) {
    const std::size_t line =
        1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
    return fmt::format("{}:{}", file.generic_string(), line);
}

}  // namespace

std::vector<std::unique_ptr<v1::AnnotationT>> parse_labels(
    const fs::path& file, std::string_view text, std::span<const std::string> classes,
    std::uint32_t width, std::uint32_t height, std::uint64_t& next_id, const ReadOptions& options) {
    const LabelParser parser(file, text, classes);
    std::vector<Line> lines;
    std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        Line line{split(text, pos, eol), pos};
        if (!line.fields.empty()) lines.push_back(std::move(line));
        pos = eol + 1;
    }
    // Ultralytics reads the whole file as polygons once one line has more than
    // 6 columns; a 5-column line is then two points, not a box.
    const bool segments = std::any_of(lines.begin(), lines.end(),
                                      [](const Line& line) { return line.fields.size() > 6; });

    std::vector<std::unique_ptr<v1::AnnotationT>> out;
    const double w = width, h = height;
    for (const Line& line : lines) {
        const std::vector<Field>& fields = line.fields;
        const std::size_t n = fields.size();
        const bool box = n == 5 || (n == 6 && !segments);
        if (!box && (n < 5 || n % 2 == 0)) parser.refuse(line, segments);
        auto annotation = make_annotation(next_id, parser.label(fields[0]));
        if (box && !segments) {
            const double cx = parser.value(fields[1], "cx"), cy = parser.value(fields[2], "cy");
            const double bw = parser.value(fields[3], "w"), bh = parser.value(fields[4], "h");
            v1::BoxT geometry;
            geometry.left = (cx - bw / 2) * w;
            geometry.top = (cy - bh / 2) * h;
            geometry.right = (cx + bw / 2) * w;
            geometry.bottom = (cy + bh / 2) * h;
            annotation->geometry.Set(std::move(geometry));
            if (n == 6) {
                // Prediction output (`save_conf`): class, box, confidence.
                const double confidence = parser.number(fields[5]);
                if (confidence < 0 || confidence > 1)
                    parser.fail(fields[5].offset,
                                fmt::format("confidence {} is outside [0, 1]", fields[5].text));
                annotation->provenance = std::make_unique<v1::ProvenanceT>();
                annotation->provenance->confidence = static_cast<float>(confidence);
            }
        } else if (box) {
            const double x1 = parser.value(fields[1], "x1"), y1 = parser.value(fields[2], "y1");
            const double x2 = parser.value(fields[3], "x2"), y2 = parser.value(fields[4], "y2");
            v1::BoxT geometry;
            geometry.left = std::min(x1, x2) * w;
            geometry.top = std::min(y1, y2) * h;
            geometry.right = std::max(x1, x2) * w;
            geometry.bottom = std::max(y1, y2) * h;
            annotation->geometry.Set(std::move(geometry));
            options.lost(
                "converted: a 5-value line in a file of polygons, read as Ultralytics does "
                "(two corner points, not cx cy w h)",
                annotation->label, place(file, text, line.start));
        } else {
            v1::PolygonT geometry;
            for (std::size_t i = 1; i + 1 < n; i += 2) {
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

}  // namespace tessera::formats::yolo
