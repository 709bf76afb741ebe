// Exports replace their output whole or not at all (formats::export_project):
// staged beside the output, the user's files kept, dead exports' stages removed.

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "formats/import.hpp"
#include "store/project.hpp"
#include "support/format_helpers.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace tessera;
using test::put;
using test::TempDir;

/// Every file under `dir` (relative path → contents); symbolic links as "-> target".
std::map<std::string, std::string> files_under(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        const std::string name = e.path().lexically_relative(dir).generic_string();
        if (e.is_symlink())
            files[name] = "-> " + fs::read_symlink(e.path()).string();
        else if (e.is_regular_file())
            files[name] = read_file(e.path());
    }
    return files;
}

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

/// A format writing `files` (relative path → contents) under `out`, then
/// throwing when `fail_after` is set.
formats::Format folder_format(std::map<std::string, std::string> files, bool fail_after = false) {
    formats::Format format;
    format.name = "fake";
    format.write = [files = std::move(files), fail_after](const formats::ItemSource&,
                                                          const fs::path& out,
                                                          const formats::WriteOptions&) {
        for (const auto& [path, contents] : files) {
            fs::create_directories((out / path).parent_path());
            write_file(out / path, contents);
        }
        if (fail_after) fail(out / "x.txt", "cannot write this one");
    };
    return format;
}

/// A format writing one file (not through an AtomicFile: export_project stages it).
formats::Format file_format(std::string contents) {
    formats::Format format;
    format.name = "fakefile";
    format.write = [contents = std::move(contents)](const formats::ItemSource&, const fs::path& out,
                                                    const formats::WriteOptions&) {
        write_file(out, contents);
    };
    return format;
}

struct Fixture {
    TempDir tmp;
    store::Project project = store::Project::create(tmp / "p", "export");
    fs::path out = tmp / "dataset";

    void run(const formats::Format& format) { formats::export_project(project, format, out, {}); }
};

}  // namespace

TEST_CASE("export: a folder export lists what it wrote, and the next replaces exactly that",
          "[export]") {
    Fixture f;
    f.run(folder_format({{"labels/a.txt", "a1"}, {"labels/b.txt", "b1"}, {"classes.txt", "car"}}));
    CHECK(files_under(f.out) == std::map<std::string, std::string>{
                                    {"labels/a.txt", "a1"},
                                    {"labels/b.txt", "b1"},
                                    {"classes.txt", "car"},
                                    {".tessera-export", read_file(f.out / ".tessera-export")}});
    CHECK_THAT(read_file(f.out / ".tessera-export"),
               Catch::EndsWith("\n.tessera-export\nclasses.txt\nlabels/a.txt\nlabels/b.txt\n"));
    // The user's files: an image, a symbolic link, a file where the export writes one.
    put(f.out / "images/a.jpg", "image a");
    fs::create_symlink("images/a.jpg", f.out / "link.jpg");
    put(f.out / "labels/mine.txt", "the user's own labels");
    fs::permissions(f.out / "images", fs::perms(0750));

    f.run(folder_format(
        {{"labels/a.txt", "a2"}, {"classes.txt", "bus"}, {"labels/mine.txt", "exported"}}));
    const auto files = files_under(f.out);
    CHECK(files.at("labels/a.txt") == "a2");
    CHECK(files.count("labels/b.txt") == 0);  // the first export's, not this one's
    CHECK(files.at("classes.txt") == "bus");
    CHECK(files.at("images/a.jpg") == "image a");
    CHECK(files.at("link.jpg") == "-> images/a.jpg");
    CHECK(files.at("labels/mine.txt") == "exported");  // a path the export writes is replaced
    CHECK(fs::status(f.out / "images").permissions() == fs::perms(0750));
    CHECK(names_in(f.tmp.path()) == std::vector<std::string>{"dataset", "p"});
}

TEST_CASE("export: a failing export leaves the old folder, file and stage as they were",
          "[export]") {
    Fixture f;
    f.run(folder_format({{"labels/a.txt", "a1"}}));
    put(f.out / "images/a.jpg", "image a");
    const auto before = files_under(f.out);
    try {
        f.run(folder_format({{"labels/a.txt", "a2"}, {"labels/b.txt", "b2"}}, /*fail_after=*/true));
        FAIL("no error");
    } catch (const Error& e) {
        // The message names the output, not the stage.
        CHECK_THAT(e.what(),
                   Catch::StartsWith((f.out / "x.txt").string() + ": cannot write this one"));
    }
    CHECK(files_under(f.out) == before);
    CHECK(names_in(f.tmp.path()) == std::vector<std::string>{"dataset", "p"});

    f.out = f.tmp / "one.txt";
    f.run(file_format("first"));
    CHECK_THROWS_WITH(f.run(folder_format({{"a.txt", "a"}})), Catch::Contains("is a file"));
    CHECK(read_file(f.out) == "first");
    f.run(file_format("second"));
    CHECK(read_file(f.out) == "second");
    f.out = f.tmp / "dataset";
    CHECK_THROWS_WITH(f.run(file_format("x")), Catch::Contains("is a folder"));
    CHECK(files_under(f.out) == before);
    CHECK(names_in(f.tmp.path()) == std::vector<std::string>{"dataset", "one.txt", "p"});
}

TEST_CASE("export: the stage of a dead export is removed, and the user's files in it put back",
          "[export]") {
    Fixture f;
    f.run(folder_format({{"a.txt", "a1"}}));
    put(f.out / "linked.jpg", "linked image");
    // A stage as an export killed after the swap leaves it: its old folder
    // holds its own files, links to files the new one holds, and a file the
    // user wrote into the old folder meanwhile.
    const fs::path dead = f.tmp / ".dataset.tessera-export-dead00";
    put(dead / "ready/dataset/.tessera-export", "# x\n.tessera-export\nold.txt\n");
    put(dead / "ready/dataset/old.txt", "old export");
    fs::create_hard_link(f.out / "linked.jpg", dead / "ready/dataset/linked.jpg");
    put(dead / "ready/dataset/images/new.jpg", "written during the export");
    put(dead / "writing/dataset/half.txt", "half an export");
    // And the stage of an export that still runs: locked.
    const fs::path alive = f.tmp / ".dataset.tessera-export-alive0";
    put(alive / "writing/dataset/a.txt", "being written");
    const int lock = ::open(alive.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(lock >= 0);
    REQUIRE(::flock(lock, LOCK_EX) == 0);

    f.run(folder_format({{"a.txt", "a2"}}));
    ::close(lock);
    const auto files = files_under(f.out);
    CHECK(files.at("a.txt") == "a2");
    CHECK(files.at("linked.jpg") == "linked image");
    CHECK(files.at("images/new.jpg") == "written during the export");
    CHECK(files.count("old.txt") == 0);
    CHECK(names_in(f.tmp.path()) ==
          std::vector<std::string>{".dataset.tessera-export-alive0", "dataset", "p"});
    CHECK(read_file(alive / "writing/dataset/a.txt") == "being written");
}

TEST_CASE("export: a folder holding the project or another project is refused", "[export]") {
    Fixture f;
    CHECK_THROWS_WITH(
        formats::export_project(f.project, folder_format({{"a.txt", "a"}}), f.tmp.path(), {}),
        Catch::Contains("holds the project being exported"));
    CHECK_THROWS_WITH(
        formats::export_project(f.project, folder_format({{"a.txt", "a"}}), f.project.dir(), {}),
        Catch::Contains("holds the project being exported"));
    (void)store::Project::create(f.out / "other", "other");
    CHECK_THROWS_WITH(f.run(folder_format({{"a.txt", "a"}})),
                      Catch::Contains("holds a Tessera project"));
    CHECK(fs::exists(f.out / "other" / "tessera-project.json"));
    CHECK(names_in(f.out) == std::vector<std::string>{"other"});
}
