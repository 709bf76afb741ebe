// COCO files whatever their order: annotations not grouped by image (COCO 2017's
// own files list them by category) and "categories" after "annotations" give the
// Dataset, and store the project, that the same file grouped by image gives.

#include <algorithm>
#include <random>

#include <flatbuffers/flatbuffers.h>
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "builtin_formats.hpp"
#include "coco/coco.hpp"
#include "coco/coco_read_internal.hpp"
#include "core/error.hpp"
#include "core/file_io.hpp"
#include "core/json_text.hpp"
#include "formats/import.hpp"
#include "store/project.hpp"
#include "support/dataset_source.hpp"
#include "support/temp_dir.hpp"

namespace v1 = tessera::v1;
namespace coco = tessera::formats::coco;
using tessera::formats::Dataset;
using tessera::formats::ImportedItem;
using tessera::test::TempDir;

namespace {

struct Annotation {
    int image;
    int category;
    std::string text;  // the JSON object
};

/// Annotations of images 1..images in image order, 0 to 4 an image, of every kind
/// the reader reads: boxes, polygons, RLE, keypoints with and without a box,
/// attributes, extra fields.
std::vector<Annotation> annotations_by_image(int images) {
    std::mt19937 random(20261207);
    std::vector<Annotation> out;
    int id = 0;
    for (int image = 1; image <= images; ++image) {
        const int count = static_cast<int>(random() % 5);
        for (int k = 0; k < count; ++k) {
            ++id;
            const int kind = static_cast<int>(random() % 6);
            const int x = static_cast<int>(random() % 500), y = static_cast<int>(random() % 400);
            Annotation a{
                image, kind == 3 || kind == 4 ? 1 : 2 + static_cast<int>(random() % 3), {}};
            std::string body;
            switch (kind) {
                case 0:
                    body = fmt::format(R"("bbox":[{},{},10.5,20])", x, y);
                    break;
                case 1:
                    body = fmt::format(
                        R"("segmentation":[[{0},{1},{2},{1},{2},{3}],[1,1,2,1,2,2]],"bbox":[{0},{1},9,9])",
                        x, y, x + 9, y + 9);
                    break;
                case 2:
                    body =
                        R"("segmentation":{"size":[3,4],"counts":[1,2,3,6]},"iscrowd":1,"bbox":[0,0,3,3])";
                    break;
                case 3:
                    body = fmt::format(R"("bbox":[{},{},30,40],"keypoints":[{},{},2,0,0,0])", x, y,
                                       x + 1, y + 1);
                    break;
                case 4:
                    body = fmt::format(R"("keypoints":[{},{},2,{},{},1])", x, y, x + 3, y + 4);
                    break;
                default:
                    body = fmt::format(
                        R"("bbox":[{},{},5,5],"attributes":{{"occluded":{},"n":{}}},"track_id":{})",
                        x, y, id % 2 ? "true" : "false", id, id % 7);
            }
            a.text = fmt::format(R"({{"id":{},"image_id":{},"category_id":{},{}}})", id, image,
                                 a.category, body);
            out.push_back(std::move(a));
        }
    }
    return out;
}

std::string coco_text(int images, const std::vector<Annotation>& annotations,
                      bool categories_last) {
    std::string text = R"({"info":{"year":2017},"images":[)";
    for (int image = 1; image <= images; ++image)
        text += fmt::format(R"({}{{"id":{},"file_name":"{:06}.jpg","width":640,"height":480}})",
                            image > 1 ? "," : "", image, image);
    text += "],";
    const std::string categories =
        R"("categories":[{"id":1,"name":"person","keypoints":["a","b"],"skeleton":[[1,2]]},)"
        R"({"id":2,"name":"car","supercategory":"vehicle"},{"id":3,"name":"bus","supercategory":"vehicle"},)"
        R"({"id":4,"name":"dog"}])";
    if (!categories_last) text += categories + ",";
    text += R"("annotations":[)";
    for (std::size_t i = 0; i < annotations.size(); ++i)
        text += (i ? "," : "") + annotations[i].text;
    text += "]";
    if (categories_last) text += "," + categories;
    return text + "}";
}

/// The annotations ordered by category, as COCO 2017's files are.
std::vector<Annotation> by_category(std::vector<Annotation> annotations) {
    std::stable_sort(
        annotations.begin(), annotations.end(),
        [](const Annotation& a, const Annotation& b) { return a.category < b.category; });
    return annotations;
}

/// The same annotations grouped by image, each image's in the order they came:
/// what a reader must make of a file in any order.
std::vector<Annotation> by_image(std::vector<Annotation> annotations) {
    std::stable_sort(annotations.begin(), annotations.end(),
                     [](const Annotation& a, const Annotation& b) { return a.image < b.image; });
    return annotations;
}

/// The annotations grouped by image for a while (past the reader's first few
/// thousand), then one going back to the first image.
std::vector<Annotation> back_at_the_end(std::vector<Annotation> annotations) {
    std::rotate(annotations.begin(), annotations.begin() + 1, annotations.end());
    return annotations;
}

/// Everything a Dataset holds that reading could change: the COCO the writer
/// makes of it, and what it leaves out (ids, parents, media found).
std::string describe(const Dataset& dataset) {
    const tessera::test::DatasetSource source(dataset);
    std::string out = coco::write_coco_text(source);
    for (const ImportedItem& item : dataset.items) {
        out += "\n" + item.name;
        for (const auto& a : item.annotations) out += fmt::format(" {}<{}", a->id, a->parent);
    }
    return out;
}

std::string read_by_value(const std::string& text) {
    const tessera::JsonText json("coco.json", text);
    std::optional<Dataset> dataset = coco::detail::read_coco_by_value(json, {}, {});
    return dataset ? describe(*dataset) : "<whole>";
}

std::string read_whole(const std::string& text) {
    const tessera::JsonText json("coco.json", text);
    return describe(coco::detail::read_coco_whole(json, {}, {}));
}

/// A project's items and annotation sets as text, without times.
std::string project_text(const tessera::store::Project& project) {
    std::string out;
    for (const auto& summary : project.items()) {
        out += fmt::format("item {} {}\n", summary.id, summary.uri);
        const auto set_bytes = project.annotations(summary.id);
        v1::AnnotationSetT set;
        flatbuffers::GetRoot<v1::AnnotationSet>(set_bytes.data())->UnPackTo(&set);
        for (const auto& a : set.annotations) {
            out += fmt::format("  {} {} parent {} type {} attributes {}", a->id, a->label,
                               a->parent, static_cast<int>(a->geometry.type), a->attributes.size());
            if (const auto* box = a->geometry.AsBox())
                out +=
                    fmt::format(" box {} {} {} {}", box->left, box->top, box->right, box->bottom);
            out += "\n";
        }
    }
    return out;
}

/// Records what a reader hands to the importer and checks each item is complete
/// when it is said to be.
class RecordingStream final : public tessera::formats::ItemStream {
public:
    explicit RecordingStream(std::vector<std::size_t> expected) : expected_(std::move(expected)) {}
    void items_ready(std::vector<ImportedItem>& items) override { items_ = &items; }
    void closed(std::size_t count) override {
        REQUIRE(items_ != nullptr);
        for (; done_ < count; ++done_) {
            CHECK((*items_)[done_].annotations.size() == expected_[done_]);
            (*items_)[done_].annotations.clear();  // the importer's now: it frees them
        }
        ++calls_;
    }
    void reopen() override { reopened_ = true; }

    std::size_t calls_ = 0;
    std::size_t done_ = 0;
    bool reopened_ = false;

private:
    std::vector<std::size_t> expected_;
    std::vector<ImportedItem>* items_ = nullptr;
};

}  // namespace

TEST_CASE("coco order: annotations in any order, categories anywhere, read as grouped") {
    for (const int images :
         {6, 3000}) {  // 3000 images: past the reader's first few thousand annotations
        CAPTURE(images);
        const std::vector<Annotation> grouped = annotations_by_image(images);
        const std::string expected = read_whole(coco_text(images, grouped, false));
        CHECK(read_by_value(coco_text(images, grouped, false)) == expected);
        for (const bool categories_last : {false, true}) {
            CAPTURE(categories_last);
            for (const auto& order : {by_category(grouped), back_at_the_end(grouped)}) {
                const std::string text = coco_text(images, order, categories_last);
                const std::string same = read_whole(coco_text(images, by_image(order), false));
                CHECK(read_by_value(text) == same);
                CHECK(read_whole(text) == same);
            }
        }
    }
}

TEST_CASE("coco order: a file not grouped by image streams its items complete, in order") {
    const int images = 3000;
    const std::vector<Annotation> grouped = annotations_by_image(images);
    std::vector<std::size_t> counts(images, 0);
    for (const Annotation& a : grouped)
        counts[a.image - 1] += a.category == 1 && a.text.find("bbox") != std::string::npos ? 2 : 1;
    for (const bool categories_last : {false, true}) {
        CAPTURE(categories_last);
        RecordingStream stream(counts);
        tessera::formats::ReadOptions options;
        options.stream = &stream;
        const Dataset dataset = coco::read_coco_text(
            "coco.json", coco_text(images, by_category(grouped), categories_last), options);
        CHECK_FALSE(stream.reopened_);
        CHECK(stream.done_ == static_cast<std::size_t>(images));
        CHECK(stream.calls_ > 100);  // item by item, not all at the end
    }
}

TEST_CASE("coco order: import_file stores the same project from any order") {
    const int images = 3000;
    const std::vector<Annotation> grouped = annotations_by_image(images);
    // Imports `text`; returns the project as text and how often the file was read.
    const auto import_text = [&](const std::string& text) {
        TempDir dir;
        const auto path = dir / "in.json";
        tessera::write_file_atomic(path, text);
        auto project = tessera::store::Project::create(dir / "p", "test");
        int count = 0;
        tessera::formats::Format format = tessera::formats::coco_format();
        format.read = [&count, read = format.read](const auto& input, const auto& options) {
            ++count;
            return read(input, options);
        };
        tessera::formats::ImportOptions options;
        options.author = "tester";
        (void)tessera::formats::import_file(project, format, path, "src", options);
        return std::pair(project_text(project), count);
    };
    const struct {
        std::vector<Annotation> order;
        bool categories_last;
    } cases[] = {{by_category(grouped), true},
                 {by_category(grouped), false},
                 {back_at_the_end(grouped), true}};
    for (std::size_t i = 0; i < std::size(cases); ++i) {
        CAPTURE(i);
        // The same annotations grouped by image, each image's in the order they came.
        const auto [expected, expected_reads] =
            import_text(coco_text(images, by_image(cases[i].order), false));
        CHECK(expected.find("  ") != std::string::npos);
        CHECK(expected_reads == 1);
        const auto [project, reads] =
            import_text(coco_text(images, cases[i].order, cases[i].categories_last));
        CHECK(project == expected);
        CHECK(reads == 1);  // streamed as read, not read again
    }
}
