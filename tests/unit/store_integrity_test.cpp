// The store notices damage instead of serving it: commits lost with the WAL,
// a changed byte in a stored set, an empty or foreign database file.

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include "core/data_api.hpp"
#include "core/error.hpp"
#include "store/project.hpp"
#include "store/validate.hpp"
#include "support/temp_dir.hpp"
#include "support/v1_project.hpp"

namespace {

using namespace tessera;
using Catch::Matchers::Contains;
using store::IfDamaged;
using store::Project;
namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

void require_error(const std::function<void()>& action, const std::string& expected_part) {
    try {
        action();
        FAIL("no error; expected one containing: " << expected_part);
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Contains(expected_part));
    }
}

/// A project with one image item, "a.jpg".
Project one_item_project(const fs::path& dir) {
    Project project = Project::create(dir, "p");
    std::ofstream(dir / "a.jpg") << "not decoded by the store";
    store::Transaction transaction = project.begin();
    v1::ItemT item;
    item.media = std::make_unique<v1::MediaT>();
    item.media->kind = v1::MediaKind::Image;
    item.media->uri = "a.jpg";
    (void)transaction.add_item(item);
    transaction.commit();
    return project;
}

/// Stores one box at (left, 0, left + 10, 10) as item 1's whole set.
void store_box(Project& project, double left) {
    store::Transaction transaction = project.begin();
    v1::AnnotationSetT set;
    auto& a = set.annotations.emplace_back(std::make_unique<v1::AnnotationT>());
    a->id = transaction.allocate_annotation_ids(1);
    a->label = "car";
    v1::BoxT box;
    box.left = left;
    box.right = left + 10;
    box.bottom = 10;
    a->geometry.Set(box);
    transaction.set_annotations(1, set);
    transaction.commit();
}

double stored_left(const Project& project) {
    const store::Bytes bytes = project.annotations(1);
    const auto* set = flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data());
    REQUIRE(set->annotations() != nullptr);
    REQUIRE(set->annotations()->size() == 1);
    return set->annotations()->Get(0)->geometry_as_Box()->left();
}

/// Copies the project's files except the -shm, as a backup tool copying a
/// live project would.
void copy_project(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    for (const auto& entry : fs::directory_iterator(from))
        if (entry.path().filename() != "project.db-shm")
            fs::copy(entry.path(), to / entry.path().filename());
}

}  // namespace

TEST_CASE("store integrity: commits lost with the WAL are found when the project opens",
          "[store][integrity]") {
    test::TempDir temp;
    const fs::path dir = temp / "p";
    { Project project = one_item_project(dir); }  // closed: checkpointed into project.db
    Project writer = Project::open(dir);
    store_box(writer, 1234.5);  // stays in the WAL while `writer` is open
    store_box(writer, 2345.5);
    const fs::path copy = temp / "copy";
    copy_project(dir, copy);
    REQUIRE(fs::file_size(copy / "project.db-wal") > 0);

    SECTION("the copy with its WAL is the whole project") {
        const Project project = Project::open(copy);
        CHECK(stored_left(project) == 2345.5);
        CHECK(project.damage().empty());
    }
    SECTION("the WAL deleted") {
        fs::remove(copy / "project.db-wal");
        require_error([&] { (void)Project::open(copy); },
                      (copy / "project.db").generic_string() +
                          ": project.db-wal is missing, but project.db-commits says 3 commits "
                          "were made and the database holds 1: the last 2 commits are lost");
        const Project project = Project::open(copy, IfDamaged::Report);
        REQUIRE(project.damage().size() == 1);
        const auto problems = store::validate(project);
        REQUIRE_FALSE(problems.empty());
        CHECK_THAT(problems.front().message, Contains("the last 2 commits are lost"));
        // Writing would hide the evidence.
        Project report = Project::open(copy, IfDamaged::Report);
        require_error([&] { (void)report.begin(); }, "open only to report it");
    }
    SECTION("the WAL cut after its first commit") {
        const std::string wal = slurp(copy / "project.db-wal");
        // Header (32 bytes), then frames of a 24-byte header and a 64 KiB page;
        // the first commit wrote at least one frame, each commit at least two.
        spit(copy / "project.db-wal", wal.substr(0, wal.size() - 1000));
        require_error([&] { (void)Project::open(copy); },
                      "project.db-wal is damaged or was cut short, but project.db-commits says 3 "
                      "commits were made and the database holds 2: the last 1 commit is lost");
    }
    SECTION("deleting the counter file accepts the loss") {
        fs::remove(copy / "project.db-wal");
        fs::remove(copy / "project.db-commits");
        Project project = Project::open(copy);
        CHECK(project.annotations(1).size() > 0);
        store_box(project, 99);  // and writing writes the counter again
        CHECK(slurp(copy / "project.db-commits").starts_with("tessera-commits 2 "));
    }
}

TEST_CASE("store integrity: the counter file behind the database is no alarm, ahead of it is",
          "[store][integrity]") {
    test::TempDir temp;
    const fs::path dir = temp / "p";
    { Project project = one_item_project(dir); }
    const fs::path counter = dir / "project.db-commits";
    const std::string written = slurp(counter);
    REQUIRE(written.starts_with("tessera-commits 1 "));
    REQUIRE(written.size() == 64);

    // A crash between the database's COMMIT and the counter's write.
    std::string behind = written;
    behind[16] = '0';
    spit(counter, behind);
    CHECK(Project::open(dir).damage().empty());

    std::string ahead = written;
    ahead[16] = '2';
    spit(counter, ahead);
    require_error([&] { (void)Project::open(dir); }, "the last 1 commit is lost");

    spit(counter, "garbage\n");
    require_error([&] { (void)Project::open(dir); },
                  counter.generic_string() + ": the commit counter file is damaged");

    // Two connections writing in turn keep file and database in step.
    spit(counter, written);
    Project a = Project::open(dir);
    Project b = Project::open(dir);
    for (int i = 0; i < 5; ++i) {
        store_box(i % 2 == 0 ? a : b, i);
        CHECK(slurp(counter).starts_with("tessera-commits " + std::to_string(i + 2) + " "));
    }
}

TEST_CASE("store integrity: a changed byte in a stored set is found on reading and by validate",
          "[store][integrity]") {
    test::TempDir temp;
    const fs::path dir = temp / "p";
    {
        Project project = one_item_project(dir);
        store_box(project, 1234.5);
    }
    const std::string db = slurp(dir / "project.db");
    const double left = 1234.5;
    const std::string pattern(reinterpret_cast<const char*>(&left), sizeof left);
    const auto at = db.find(pattern);
    REQUIRE(at != std::string::npos);
    for (std::size_t byte = 0; byte < sizeof left; ++byte) {
        INFO("byte " << byte << " of the box's left edge");
        std::string damaged = db;
        damaged[at + byte] = static_cast<char>(damaged[at + byte] ^ 0x01);
        spit(dir / "project.db", damaged);
        Project project = Project::open(dir);
        require_error([&] { (void)project.annotations(1); },
                      "project.db: the annotations of item 1 are damaged");
        const auto problems = store::validate(project);
        for (const store::Problem& problem : problems) UNSCOPED_INFO(problem.message);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].item == 1);
        CHECK_THAT(problems[0].message, Contains("restore the project folder from a backup"));
    }
    spit(dir / "project.db", db);
    CHECK(stored_left(Project::open(dir)) == 1234.5);
}

TEST_CASE("store integrity: an empty or foreign database file is refused and left unchanged",
          "[store][integrity]") {
    test::TempDir temp;
    const fs::path dir = temp / "p";
    { (void)one_item_project(dir); }
    const fs::path db = dir / "project.db";
    const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(500, '\x01');
    for (const std::string& bytes : {std::string(), png, std::string("SQLite format 3\0", 16)}) {
        spit(db, bytes);
        require_error([&] { (void)Project::open(dir); }, db.generic_string() + ": ");
        require_error([&] { (void)Project::open(dir); },
                      "restore the project folder from a backup");
        CHECK(slurp(db) == bytes);
        CHECK_FALSE(fs::exists(dir / "project.db-wal"));
    }

    // Another program's SQLite database (in rollback-journal mode) is not switched to WAL.
    fs::remove(db);
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "CREATE TABLE photos(id INTEGER)", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(raw);
    const std::string foreign = slurp(db);
    require_error([&] { (void)Project::open(dir); }, "not a Tessera database");
    CHECK(slurp(db) == foreign);
}

TEST_CASE("store integrity: migrating to version 3 gives every existing set its checksum",
          "[store][integrity]") {
    test::TempDir temp;
    const fs::path dir = temp / "old";
    test::make_version1_project(dir, {"a.txt", "b.txt"});
    {
        const Project project = Project::open(dir);
        CHECK(project.annotations(1).size() > 0);  // checked against the migration's checksum
        CHECK(store::validate(project).empty());
    }
    // And a damaged set of a migrated project is found like any other.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open((dir / "project.db").c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "UPDATE annotation_sets SET checksum = checksum + 1 WHERE item = 1",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    const Project project = Project::open(dir);
    require_error([&] { (void)project.annotations(1); }, "the annotations of item 1 are damaged");
}
