// Crash-safe writes in pieces (core/file_io: AtomicFile, ScratchFile).

#include <string>

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "support/temp_dir.hpp"

using tessera::AtomicFile;
using tessera::read_file;
using tessera::ScratchFile;
using tessera::test::TempDir;

TEST_CASE("file io: an atomic file replaces the old one only when committed") {
    const TempDir dir;
    const auto path = dir / "out.json";
    tessera::write_file_atomic(path, "old");
    {
        AtomicFile file(path);
        file.write("new, but ");
    }  // not committed: dropped
    CHECK(read_file(path) == "old");
    CHECK_FALSE(std::filesystem::exists(dir / "out.json.tmp"));

    AtomicFile file(path);
    file.write("new ");
    CHECK(read_file(path) == "old");
    file.write("text");
    file.commit();
    CHECK(read_file(path) == "new text");
    CHECK_FALSE(std::filesystem::exists(dir / "out.json.tmp"));
}

TEST_CASE("file io: a scratch file's text goes where it is appended, and leaves no file") {
    const TempDir dir;
    std::string middle;
    for (int i = 0; i < 300000; ++i) middle += std::to_string(i) + ",";  // about 2 MB
    {
        ScratchFile scratch(dir.path());
        scratch.write(middle.substr(0, 1000));
        scratch.write(middle.substr(1000));
        CHECK(scratch.size() == middle.size());
        AtomicFile file(dir / "out.txt");
        file.write("[");
        file.append(scratch);
        file.write("]");
        file.commit();
    }
    CHECK(read_file(dir / "out.txt") == "[" + middle + "]");
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
        ++files;
    CHECK(files == 1);
    // The parent of a bare file name is empty: the current folder.
    ScratchFile here(std::filesystem::path("out.json").parent_path());
    here.write("x");
    CHECK(here.size() == 1);
}

TEST_CASE("file io: files that cannot be made name where") {
    const TempDir dir;
    CHECK_THROWS_WITH(AtomicFile(dir / "missing" / "out.json"),
                      Catch::Contains("missing/out.json.tmp") && Catch::Contains("cannot create"));
    CHECK_THROWS_WITH(ScratchFile(dir / "missing"),
                      Catch::Contains("missing") && Catch::Contains("scratch file"));
}
