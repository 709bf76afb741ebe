// labelme and VOC exports read by their own consumers: labelme's LabelFile
// (Debian's `labelme` package) and the VOC devkit's parse_rec rules, after the
// CLI imported the files into items that were already `add`ed.

#include <catch2/catch.hpp>

#include <filesystem>

#include "core/file_io.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using tessera::test::run;
using tessera::test::run_cli;
using tessera::test::TempDir;

namespace {

const fs::path kData = fs::path(TESSERA_SOURCE_DIR) / "tests/data";

void require_ok(const tessera::test::RunResult& r) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
}

/// Runs a Python snippet; its exit code and output.
tessera::test::RunResult python(const std::string& code,
                                const std::vector<std::string>& args = {}) {
    std::vector<std::string> argv{"-c", code};
    argv.insert(argv.end(), args.begin(), args.end());
    return run("/usr/bin/python3", argv);
}

bool importable(const std::string& module) {
    return fs::exists("/usr/bin/python3") && python("import " + module).exit_code == 0;
}

/// Writes a grey JPEG or PNG of `width` x `height` with PIL.
void image(const fs::path& path, int width, int height) {
    fs::create_directories(path.parent_path());
    require_ok(
        python("import sys; from PIL import Image; "
               "Image.new('RGB', (int(sys.argv[2]), int(sys.argv[3])), (90, 90, 90))"
               ".save(sys.argv[1])",
               {path.string(), std::to_string(width), std::to_string(height)}));
}

/// A project with the images `add`ed first, as a user does before importing labels.
void project_with_images(const fs::path& project, const fs::path& images) {
    require_ok(run_cli({"init", project.string(), "--name", "consumers"}));
    require_ok(run_cli({"add", project.string(), images.string()}));
}

}  // namespace

TEST_CASE("labelme export loads in labelme's own LabelFile, image flags and group 0 kept") {
    if (!importable("labelme.label_file") || !importable("PIL")) {
        WARN("skipped: python3 with labelme (Debian package labelme) is not installed");
        return;
    }
    TempDir tmp;
    image(tmp / "images/street_0007.jpg", 640, 480);
    image(tmp / "images/cat_001.jpg", 320, 240);
    project_with_images(tmp / "p", tmp / "images");
    // Labels kept apart from the images: the importer matches the added items by name.
    fs::create_directories(tmp / "labels");
    fs::copy_file(kData / "labelme/v5/street_0007.json", tmp / "labels/street_0007.json");
    fs::copy_file(kData / "labelme/classification/cat_001.json", tmp / "labels/cat_001.json");
    const auto imported =
        run_cli({"import", (tmp / "p").string(), "--format", "labelme", (tmp / "labels").string()});
    require_ok(imported);
    CHECK(imported.out.find("2 matched") != std::string::npos);

    require_ok(run_cli({"export", (tmp / "p").string(), "--format", "labelme", "--out",
                        (tmp / "out").string(), "--copy-media"}));
    CHECK(fs::exists(tmp / "out/street_0007.jpg"));
    CHECK(fs::exists(tmp / "out/cat_001.jpg"));

    // labelme's reader, as its GUI and labelme2voc/labelme2coco use it.
    const auto loaded =
        python(R"(
import sys, json
from labelme.label_file import LabelFile
for path in sys.argv[1:]:
    f = LabelFile(path)
    groups = [s["group_id"] for s in f.shapes]
    types = [s["shape_type"] for s in f.shapes]
    print(path.rsplit("/", 1)[-1], f.imagePath, json.dumps(f.flags, sort_keys=True),
          len(f.shapes), groups, types)
)",
               {(tmp / "out/cat_001.json").string(), (tmp / "out/street_0007.json").string()});
    INFO(loaded.err);
    REQUIRE(loaded.exit_code == 0);
    CHECK(loaded.out ==
          "cat_001.json cat_001.jpg {\"blurry\": false, \"cat\": true, \"dog\": false} 0 [] []\n"
          "street_0007.json street_0007.jpg {} 7 [0, 0, 2, 2, None, None, None] "
          "['polygon', 'rectangle', 'polygon', 'polygon', 'mask', 'ai_polygon', 'line']\n");
}

TEST_CASE("VOC export keeps <folder> and <segmented> of added items and meets parse_rec") {
    if (!fs::exists("/usr/bin/python3") || !importable("PIL")) {
        WARN("skipped: python3 with PIL is not installed");
        return;
    }
    TempDir tmp;
    image(tmp / "images/000042.jpg", 500, 375);
    project_with_images(tmp / "p", tmp / "images");
    require_ok(run_cli({"import", (tmp / "p").string(), "--format", "voc", "--voc-origin", "1",
                        (kData / "voc/devkit/Annotations").string()}));
    require_ok(run_cli({"export", (tmp / "p").string(), "--format", "voc", "--voc-origin", "1",
                        "--out", (tmp / "out").string(), "--copy-media"}));
    CHECK(fs::exists(tmp / "out/000042.jpg"));

    // The devkit's parse_rec (as in py-faster-rcnn's voc_eval.py): every field an int.
    const auto parsed = python(R"(
import sys
import xml.etree.ElementTree as ET
tree = ET.parse(sys.argv[1])
print(tree.find("folder").text, tree.find("filename").text, tree.find("segmented").text)
for obj in tree.findall("object"):
    bbox = obj.find("bndbox")
    print(obj.find("name").text, obj.find("pose").text, int(obj.find("truncated").text),
          int(obj.find("difficult").text),
          [int(bbox.find(k).text) for k in ("xmin", "ymin", "xmax", "ymax")])
)",
                               {(tmp / "out/000042.xml").string()});
    INFO(parsed.err);
    REQUIRE(parsed.exit_code == 0);
    CHECK(parsed.out ==
          "VOC2007 000042.jpg 1\n"
          "person Frontal 0 0 [1, 12, 150, 375]\n"
          "chair Unspecified 1 1 [300, 200, 500, 375]\n");
}
