// Drives the real `tessera` CLI on the bundled sample project and real files.

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <ostream>

#include "core/file_io.hpp"
#include "store/project.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

using tessera::test::run_cli;
using tessera::test::TempDir;
namespace v1 = tessera::v1;

namespace {

const std::string kSample = std::string(TESSERA_SOURCE_DIR) + "/samples/projects/street";

struct Shape {
    std::string label;
    double left, top, right, bottom;
    /// Equal labels, coordinates within 1e-6 relative (formats like YOLO store fractions).
    bool operator==(const Shape& o) const {
        const auto close = [](double a, double b) {
            return std::abs(a - b) <= 1e-6 * std::max({1.0, std::abs(a), std::abs(b)});
        };
        return label == o.label && close(left, o.left) && close(top, o.top) &&
               close(right, o.right) && close(bottom, o.bottom);
    }
};

std::ostream& operator<<(std::ostream& os, const Shape& s) {
    return os << s.label << " [" << s.left << ", " << s.top << ", " << s.right << ", " << s.bottom
              << "]";
}

/// Every annotation of the project as label + bounding box, by item file name.
std::map<std::string, std::vector<Shape>> shapes_of(const std::filesystem::path& dir) {
    const auto project = tessera::store::Project::open(dir);
    std::map<std::string, std::vector<Shape>> out;
    for (const auto& item : project.items()) {
        const auto bytes = project.annotations(item.id);
        const auto* set = flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data());
        auto& shapes = out[std::filesystem::path(item.uri).filename().string()];
        if (set->annotations() == nullptr) continue;
        for (const v1::Annotation* a : *set->annotations()) {
            Shape s{a->label()->str(), 0, 0, 0, 0};
            if (const auto* box = a->geometry_as_Box()) {
                s = {s.label, box->left(), box->top(), box->right(), box->bottom()};
            } else if (const auto* poly = a->geometry_as_Polygon()) {
                s.left = s.top = 1e9;
                for (const v1::Point2* p : *poly->points()) {
                    s.left = std::min(s.left, p->x()), s.top = std::min(s.top, p->y());
                    s.right = std::max(s.right, p->x()), s.bottom = std::max(s.bottom, p->y());
                }
            }
            shapes.push_back(s);
        }
    }
    return out;
}

void require_ok(const tessera::test::RunResult& r) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
}

void make_sample_project(const std::filesystem::path& dir) {
    require_ok(run_cli({"init", dir.string(), "--name", "street"}));
    require_ok(run_cli({"add", dir.string(), kSample + "/images"}));
    require_ok(run_cli(
        {"import", dir.string(), "--format", "coco", kSample + "/annotations/instances.json"}));
}

}  // namespace

TEST_CASE("the sample pipeline: init, add, import, info, validate") {
    TempDir tmp;
    const std::string dir = (tmp / "street").string();
    require_ok(run_cli({"init", dir, "--name", "street"}));
    CHECK(std::filesystem::exists(tmp / "street" / "tessera-project.json"));

    const auto add = run_cli({"add", dir, kSample + "/images"});
    require_ok(add);
    CHECK(add.out.find("added 3 items (3 Image); skipped 0 duplicates") != std::string::npos);

    const auto again =
        run_cli({"add", dir, kSample + "/images", kSample + "/images/crossing-001.png"});
    require_ok(again);
    CHECK(again.out.find("added 0 items; skipped 4 duplicates") != std::string::npos);

    const auto import =
        run_cli({"import", dir, "--format", "coco", kSample + "/annotations/instances.json"});
    require_ok(import);
    CHECK(import.out.find("3 items (3 matched, 0 new), 7 annotations") != std::string::npos);

    const auto info = run_cli({"info", dir, "--json"});
    require_ok(info);
    CHECK(info.out.find("\"items\":3,\"annotations\":7") != std::string::npos);
    CHECK(info.out.find("\"车辆\":4") != std::string::npos);
    CHECK(info.out.find("\"行人\":2") != std::string::npos);
    CHECK(info.out.find("\"New\":3") != std::string::npos);

    const auto validate = run_cli({"validate", dir});
    require_ok(validate);
    CHECK(validate.out.find("ok: 3 items") != std::string::npos);

    const auto shapes = shapes_of(dir);
    REQUIRE(shapes.at("crossing-001.png").size() == 3);
    CHECK(shapes.at("crossing-001.png")[0] == Shape{"车辆", 40, 120, 120, 170});
    CHECK(shapes.at("crossing-002.png")[0] == Shape{"车辆", 10, 130, 100, 175});
}

TEST_CASE("every format's export imports back to the same shapes") {
    TempDir tmp;
    const auto source = tmp / "source";
    make_sample_project(source);
    const auto expected = shapes_of(source);

    for (const std::string format : {"coco", "yolo", "voc", "labelme"}) {
        DYNAMIC_SECTION(format) {
            // Into a folder that does not exist yet: export creates it.
            const auto out =
                tmp / "exports" / format / ("export-" + format + (format == "coco" ? ".json" : ""));
            require_ok(
                run_cli({"export", source.string(), "--format", format, "--out", out.string()}));
            if (format == "yolo") {
                // A YOLO dataset finds its images under images/ beside labels/.
                std::filesystem::create_directories(out / "images");
                for (const auto& e : std::filesystem::directory_iterator(kSample + "/images"))
                    std::filesystem::copy_file(e.path(), out / "images" / e.path().filename());
            }
            const auto again = tmp / ("again-" + format);
            require_ok(run_cli({"init", again.string()}));
            require_ok(run_cli({"import", again.string(), "--format", format, out.string()}));
            CHECK(shapes_of(again) == expected);
        }
    }
}

TEST_CASE("a malformed import names file, line and column and changes nothing") {
    TempDir tmp;
    const auto dir = tmp / "p";
    make_sample_project(dir);
    const auto before = run_cli({"info", dir.string(), "--json"});
    const auto bad = tmp / "bad.json";
    tessera::write_file_atomic(
        bad, R"({"images":[{"id":1,"file_name":"crossing-001.png","width":320,"height":240}],
"categories":[{"id":1,"name":"car"}],
"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[1,2,3]}]})");
    const auto r = run_cli({"import", dir.string(), "--format", "coco", bad.string()});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(bad.string() + ":3:") != std::string::npos);
    CHECK(r.err.find("bbox") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(run_cli({"info", dir.string(), "--json"}).out == before.out);
}

TEST_CASE("exit codes: 2 for usage, 1 for bad input") {
    TempDir tmp;
    CHECK(run_cli({"init"}).exit_code == 2);
    CHECK(run_cli({"info", (tmp / "p").string(), "--bogus"}).exit_code == 2);
    CHECK(run_cli({"import", (tmp / "p").string(), "x.json"}).exit_code == 2);  // no --format
    const auto missing = run_cli({"info", (tmp / "nowhere").string()});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("nowhere") != std::string::npos);
    require_ok(run_cli({"init", (tmp / "p").string()}));
    CHECK(run_cli({"init", (tmp / "p").string()}).exit_code == 1);  // already a project
    CHECK(run_cli({"import", (tmp / "p").string(), "--format", "nope", "x"}).exit_code == 2);
}

TEST_CASE("add skips unreadable images, reports them and exits 1") {
    TempDir tmp;
    const auto dir = tmp / "p";
    require_ok(run_cli({"init", dir.string()}));
    std::filesystem::create_directories(tmp / "media");
    std::filesystem::copy_file(kSample + "/images/crossing-001.png", tmp / "media" / "good.png");
    tessera::write_file_atomic(tmp / "media" / "broken.jpg", "not a jpeg at all");
    tessera::write_file_atomic(tmp / "media" / "notes.xyz", "ignored");
    const auto r = run_cli({"add", dir.string(), (tmp / "media").string()});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("broken.jpg: not a readable image header") != std::string::npos);
    CHECK(r.out.find("added 1 items (1 Image)") != std::string::npos);
    CHECK(r.out.find("1 files that are not media") != std::string::npos);
}

TEST_CASE("validate finds a missing media file and exits 1") {
    TempDir tmp;
    const auto dir = tmp / "p";
    require_ok(run_cli({"init", dir.string()}));
    std::filesystem::create_directories(tmp / "media");
    std::filesystem::copy_file(kSample + "/images/crossing-001.png", tmp / "media" / "a.png");
    require_ok(run_cli({"add", dir.string(), (tmp / "media").string()}));
    std::filesystem::remove(tmp / "media" / "a.png");
    const auto r = run_cli({"validate", dir.string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("../media/a.png: media file is missing") != std::string::npos);
}

TEST_CASE("a malformed file of every format changes nothing in the project") {
    TempDir tmp;
    const auto dir = tmp / "p";
    make_sample_project(dir);
    const auto before = run_cli({"info", dir.string(), "--json"});
    REQUIRE(before.exit_code == 0);

    struct Case {
        std::string format;
        std::filesystem::path input;  // what `tessera import` is given
        std::filesystem::path named;  // the file the error must name
        std::string expected;         // part of the message
    };
    std::vector<Case> cases;
    // YOLO: a box line with four numbers.
    const auto yolo = tmp / "yolo";
    std::filesystem::create_directories(yolo / "images");
    std::filesystem::create_directories(yolo / "labels");
    std::filesystem::copy_file(kSample + "/images/crossing-001.png",
                               yolo / "images" / "crossing-001.png");
    tessera::write_file_atomic(yolo / "classes.txt", "车辆\n行人\n");
    tessera::write_file_atomic(yolo / "labels" / "crossing-001.txt",
                               "0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2\n");
    cases.push_back({"yolo", yolo, yolo / "labels" / "crossing-001.txt", ":2:"});
    // VOC: an object whose bndbox lacks ymax.
    const auto voc = tmp / "voc";
    std::filesystem::create_directories(voc);
    tessera::write_file_atomic(voc / "crossing-001.xml", R"(<annotation>
  <filename>crossing-001.png</filename>
  <size><width>320</width><height>240</height><depth>3</depth></size>
  <object><name>车辆</name><bndbox><xmin>41</xmin><ymin>121</ymin><xmax>120</xmax></bndbox></object>
</annotation>
)");
    cases.push_back({"voc", voc, voc / "crossing-001.xml", "ymax"});
    // labelme: a shape type labelme does not have.
    const auto labelme = tmp / "labelme";
    std::filesystem::create_directories(labelme);
    tessera::write_file_atomic(labelme / "crossing-001.json", R"({"version": "5.2.1", "flags": {},
  "shapes": [{"label": "车辆", "points": [[40, 120], [120, 170]], "shape_type": "blob", "flags": {}}],
  "imagePath": "crossing-001.png", "imageData": null, "imageHeight": 240, "imageWidth": 320})");
    cases.push_back({"labelme", labelme, labelme / "crossing-001.json", "blob"});

    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.format) {
            const auto r =
                run_cli({"import", dir.string(), "--format", c.format, c.input.string()});
            INFO(r.err);
            CHECK(r.exit_code == 1);
            CHECK(r.err.rfind(c.named.string() + ":", 0) == 0);  // starts with the file's name
            CHECK(r.err.find(c.expected) != std::string::npos);
            CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
            CHECK(run_cli({"info", dir.string(), "--json"}).out == before.out);
        }
    }
}

TEST_CASE("an import never puts annotations on another file of the same name") {
    TempDir tmp;
    for (const char* split : {"train", "val"}) {
        std::filesystem::create_directories(tmp / split / "images");
        std::filesystem::copy_file(kSample + "/images/crossing-001.png",
                                   tmp / split / "images" / "x.png");
    }
    const auto dir = tmp / "p";
    require_ok(run_cli({"init", dir.string()}));
    require_ok(run_cli({"add", dir.string(), (tmp / "train" / "images").string()}));
    // A labelme file for val/images/x.png, which exists on disk but is not in the project.
    tessera::write_file_atomic(tmp / "val" / "x.json", R"({"version": "5.2.1", "flags": {},
  "shapes": [{"label": "car", "points": [[1, 2], [30, 40]], "shape_type": "rectangle", "flags": {}}],
  "imagePath": "images/x.png", "imageData": null, "imageHeight": 240, "imageWidth": 320})");
    const auto r =
        run_cli({"import", dir.string(), "--format", "labelme", (tmp / "val" / "x.json").string()});
    require_ok(r);
    CHECK(r.out.find("1 items (0 matched, 1 new)") != std::string::npos);
    const auto shapes = shapes_of(dir);  // keyed by file name: both are x.png
    const auto project = tessera::store::Project::open(dir);
    REQUIRE(project.item_count() == 2);
    const auto items = project.items();
    CHECK(items[0].uri == "../train/images/x.png");
    CHECK(items[1].uri == "../val/images/x.png");
    const auto train = project.annotations(items[0].id);
    CHECK(flatbuffers::GetRoot<v1::AnnotationSet>(train.data())->annotations() == nullptr);
}

TEST_CASE("validate checks the database the project file names") {
    TempDir tmp;
    const auto dir = tmp / "p";
    make_sample_project(dir);
    std::filesystem::rename(dir / "project.db", dir / "renamed.db");
    std::string file = tessera::read_file(dir / "tessera-project.json");
    const auto at = file.find("\"project.db\"");
    REQUIRE(at != std::string::npos);
    file.replace(at, 12, "\"renamed.db\"");
    tessera::write_file_atomic(dir / "tessera-project.json", file);
    const auto r = run_cli({"validate", dir.string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("ok: 3 items") != std::string::npos);
}
