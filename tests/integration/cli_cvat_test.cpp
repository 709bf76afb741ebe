// The `tessera` CLI on a CVAT for images 1.1 task export: import into a project,
// export again, and the file keeps its shapes, attributes, groups and subsets.

#include <catch2/catch.hpp>

#include "core/file_io.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

using tessera::test::run_cli;
using tessera::test::TempDir;

namespace {

const std::string kTask = std::string(TESSERA_SOURCE_DIR) + "/tests/data/cvat/task";

void require_ok(const tessera::test::RunResult& r) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
}

/// The <image> elements and everything in them: what an export must give back.
std::string images_of(const std::string& xml) {
    const std::size_t begin = xml.find("\t<image ");
    return begin == std::string::npos ? std::string() : xml.substr(begin);
}

}  // namespace

TEST_CASE("cvat: a task export goes through a project and back unchanged") {
    TempDir tmp;
    const std::string dir = (tmp / "p").string();
    require_ok(run_cli({"init", dir, "--name", "streets"}));
    require_ok(run_cli({"import", dir, "--format", "cvat", kTask}));
    const std::string first = (tmp / "first/annotations.xml").string();
    require_ok(run_cli({"export", dir, "--format", "cvat", "--out", first, "--strict"}));

    const std::string xml = tessera::read_file(first);
    CHECK(
        xml.find(
            R"(<image id="0" name="street/0001.png" width="64" height="48" subset="train" task_id="7">)") !=
        std::string::npos);
    CHECK(xml.find(R"(<image id="1" name="street/0002.png" width="8" height="6" subset="val")") !=
          std::string::npos);
    CHECK(
        xml.find(
            R"(<box label="car" source="manual" occluded="1" xtl="10.5" ytl="12" xbr="30.25" ybr="28" z_order="1" group_id="1">)") !=
        std::string::npos);
    CHECK(xml.find(R"(<attribute name="speed">42</attribute>)") != std::string::npos);
    CHECK(xml.find(R"(<attribute name="plate">京A·12345</attribute>)") != std::string::npos);
    CHECK(xml.find(R"(rle="1, 4, 1" left="2" top="1" width="3" height="2")") != std::string::npos);
    CHECK(xml.find(R"(<tag label="weather" source="manual">)") != std::string::npos);
    CHECK(xml.find("<parent>hand</parent>") != std::string::npos);

    // A second project made from the export exports the same images and shapes.
    const std::string again = (tmp / "q").string();
    require_ok(run_cli({"init", again, "--name", "again"}));
    require_ok(run_cli({"import", again, "--format", "cvat", first}));
    const std::string second = (tmp / "second/annotations.xml").string();
    require_ok(run_cli({"export", again, "--format", "cvat", "--out", second, "--strict"}));
    CHECK(images_of(tessera::read_file(second)) == images_of(xml));

    // CVAT for video is refused by name, and nothing is imported.
    const auto video = run_cli({"import", again, "--format", "cvat",
                                std::string(TESSERA_SOURCE_DIR) + "/tests/data/cvat/video"});
    CHECK(video.exit_code != 0);
    CHECK(video.err.find("CVAT for video 1.1") != std::string::npos);
}
