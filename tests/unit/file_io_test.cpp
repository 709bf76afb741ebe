// Crash-safe writes in pieces (core/file_io: AtomicFile, ScratchFile).

#include <algorithm>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "support/temp_dir.hpp"

using tessera::AtomicFile;
using tessera::read_file;
using tessera::ScratchFile;
using tessera::test::TempDir;

namespace {

/// The names in folder `dir`, sorted.
std::vector<std::string> names_in(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("file io: an atomic file replaces the old one only when committed") {
    const TempDir dir;
    const auto path = dir / "out.json";
    tessera::write_file_atomic(path, "old");
    {
        AtomicFile file(path);
        file.write("new, but ");
    }  // not committed: dropped
    CHECK(read_file(path) == "old");
    CHECK(names_in(dir.path()) == std::vector<std::string>{"out.json"});

    AtomicFile file(path);
    file.write("new ");
    CHECK(read_file(path) == "old");
    file.write("text");
    file.commit();
    CHECK(read_file(path) == "new text");
    CHECK(names_in(dir.path()) == std::vector<std::string>{"out.json"});
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
                      Catch::Contains("missing/out.json") && Catch::Contains("cannot create"));
    CHECK_THROWS_WITH(ScratchFile(dir / "missing"),
                      Catch::Contains("missing") && Catch::Contains("scratch file"));
}

TEST_CASE("file io: two atomic files of one path each commit whole, the last one wins") {
    const TempDir dir;
    const auto path = dir / "out.json";
    tessera::write_file_atomic(path, "old");
    AtomicFile first(path);
    AtomicFile second(path);
    first.write(std::string(100000, 'a'));
    second.write(std::string(50000, 'b'));
    second.commit();
    CHECK(read_file(path) == std::string(50000, 'b'));
    first.write("a");
    first.commit();
    CHECK(read_file(path) == std::string(100001, 'a'));
    CHECK(names_in(dir.path()) == std::vector<std::string>{"out.json"});
}

TEST_CASE("file io: an atomic file removes the temporaries that dead writers of its path left") {
    const TempDir dir;
    const auto path = dir / "out.json";
    // As a writer killed between naming its file and renaming it would leave them.
    tessera::write_file_atomic(dir / ".out.json.tessera-tmp-dead00000000", "dead");
    tessera::write_file_atomic(dir / ".out.json.tessera-tmp-alive0000000", "alive");
    tessera::write_file_atomic(dir / ".other.json.tessera-tmp-dead00000000", "another file's");
    tessera::write_file_atomic(dir / "out.json.tmp", "not ours to remove");
    const int alive =
        ::open((dir / ".out.json.tessera-tmp-alive0000000").c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(alive >= 0);
    REQUIRE(::flock(alive, LOCK_EX) == 0);  // its writer still runs
    tessera::write_file_atomic(path, "new");
    ::close(alive);
    CHECK(names_in(dir.path()) == std::vector<std::string>{".other.json.tessera-tmp-dead00000000",
                                                           ".out.json.tessera-tmp-alive0000000",
                                                           "out.json", "out.json.tmp"});
    CHECK(read_file(path) == "new");
}
