// A damaged project is reported by the CLI, not served: commits lost with the
// WAL, a changed byte in a stored set, an empty or foreign database, a
// half-written import; a read-only project can still be read, and a full
// disk says so. Runs as root here: the read-only and full-disk cases mount
// what they need (a read-only bind mount, a small tmpfs) and SKIP, visibly,
// where mounting is not allowed.

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/run.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

using Catch::Matchers::Contains;
using tessera::test::run_cli;
using tessera::test::RunResult;
using tessera::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kSample = std::string(TESSERA_SOURCE_DIR) + "/samples/projects/street";

void require_ok(const RunResult& r) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

/// A raw SQLite connection holding a read transaction open, so that the
/// commits of other processes stay in the WAL (no checkpoint can pass it,
/// and no one else is the last connection to close and delete the WAL).
class WalHolder {
public:
    explicit WalHolder(const fs::path& db) {
        REQUIRE(sqlite3_open(db.c_str(), &db_) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db_, "BEGIN; SELECT count(*) FROM items;", nullptr, nullptr,
                             nullptr) == SQLITE_OK);
    }
    ~WalHolder() {
        sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
        sqlite3_close(db_);
    }
    WalHolder(const WalHolder&) = delete;
    WalHolder& operator=(const WalHolder&) = delete;

private:
    sqlite3* db_ = nullptr;
};

/// The sample project's files as they are while its import sits in the WAL:
/// `init` and `add` were checkpointed, the COCO import was not.
void copy_with_import_in_wal(const fs::path& dir, const fs::path& copy) {
    require_ok(run_cli({"init", dir.string(), "--name", "street"}));
    require_ok(run_cli({"add", dir.string(), kSample + "/images"}));
    fs::copy(kSample + "/images", dir / "images", fs::copy_options::recursive);
    const WalHolder holder(dir / "project.db");
    require_ok(run_cli(
        {"import", dir.string(), "--format", "coco", kSample + "/annotations/instances.json"}));
    REQUIRE(fs::file_size(dir.string() + "/project.db-wal") > 0);
    fs::create_directories(copy);
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().filename() != "project.db-shm")
            fs::copy(entry.path(), copy / entry.path().filename(), fs::copy_options::recursive);
}

/// Runs `command` through the shell; true when it exited 0.
bool shell(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

/// A mount made for one test and unmounted after it.
class Mount {
public:
    Mount(const fs::path& target, const std::string& how) : target_(target) { ok_ = shell(how); }
    ~Mount() {
        if (ok_) ::umount2(target_.c_str(), MNT_DETACH);
    }
    Mount(const Mount&) = delete;
    Mount& operator=(const Mount&) = delete;
    [[nodiscard]] bool ok() const { return ok_; }

private:
    fs::path target_;
    bool ok_ = false;
};

}  // namespace

TEST_CASE("cli: commits lost with a deleted, cut or garbled WAL are reported, not served",
          "[integrity]") {
    TempDir tmp;
    const fs::path dir = tmp / "street";
    const fs::path pristine = tmp / "pristine";  // never opened: its WAL is as copied
    copy_with_import_in_wal(dir, pristine);
    const std::string wal = slurp(pristine / "project.db-wal");

    // A copy with its WAL is the whole project: validate finds nothing.
    const fs::path intact = tmp / "intact";
    fs::copy(pristine, intact, fs::copy_options::recursive);
    const RunResult good = run_cli({"validate", intact.string()});
    INFO("validate: " << good.out << good.err);
    REQUIRE(good.exit_code == 0);
    const std::string intact_info = run_cli({"info", intact.string()}).out;
    REQUIRE(intact_info.find("annotations  7") != std::string::npos);

    struct Damage {
        const char* name;
        std::string wal;  ///< what is left of the WAL; "-" = deleted
        const char* says;
    };
    const Damage damages[] = {
        {"deleted", "-", "project.db-wal is missing"},
        {"cut short", wal.substr(0, wal.size() / 2), "project.db-wal is damaged or was cut short"},
        {"garbled", wal.substr(0, 32) + std::string(wal.size() - 32, '\x5a'),
         "project.db-wal is damaged or was cut short"},
    };
    for (const Damage& damage : damages) {
        SECTION(damage.name) {
            const fs::path copy = tmp / "street";  // the name the intact copy's info shows
            fs::remove_all(copy);
            fs::copy(pristine, copy, fs::copy_options::recursive);
            if (damage.wal == "-")
                fs::remove(copy / "project.db-wal");
            else
                spit(copy / "project.db-wal", damage.wal);

            const RunResult validate = run_cli({"validate", copy.string()});
            INFO("validate: " << validate.out << validate.err);
            CHECK(validate.exit_code == 1);
            CHECK_THAT(validate.out, Contains(damage.says));
            CHECK_THAT(validate.out, Contains("project.db-commits says 2 commits were made and "
                                              "the database holds 1: the last 1 commit is lost"));
            CHECK_THAT(validate.out, Contains("Restore the project folder from a backup"));

            // Every other command refuses rather than serve a project without the import.
            const RunResult info = run_cli({"info", copy.string()});
            CHECK(info.exit_code == 1);
            CHECK_THAT(info.err, Contains(damage.says));
            const RunResult add = run_cli({"add", copy.string(), kSample + "/images"});
            CHECK(add.exit_code == 1);

            // Deleting the counter file accepts the loss: the project opens as it is.
            fs::remove(copy / "project.db-commits");
            const RunResult accepted = run_cli({"info", copy.string()});
            CHECK(accepted.exit_code == 0);
            CHECK(accepted.out.find("annotations  0") != std::string::npos);  // the import is gone
        }
    }
}

TEST_CASE("cli: a changed byte in a stored annotation's coordinates is reported", "[integrity]") {
    TempDir tmp;
    const fs::path dir = tmp / "p";
    require_ok(run_cli({"init", dir.string(), "--name", "p"}));
    fs::copy(kSample + "/images", dir / "images", fs::copy_options::recursive);
    require_ok(run_cli({"add", dir.string(), (dir / "images").string()}));
    // One box whose left edge, 1234.5, is easy to find in the database file.
    const fs::path coco = tmp / "one.json";
    spit(coco,
         R"({"images": [{"id": 1, "file_name": "crossing-001.png", "width": 2000, "height": 2000}],
             "categories": [{"id": 1, "name": "car"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1,
                              "bbox": [1234.5, 20, 30, 40]}]})");
    require_ok(run_cli({"import", dir.string(), "--format", "coco", coco.string()}));
    require_ok(run_cli({"validate", dir.string()}));

    const std::string db = slurp(dir / "project.db");
    const double left = 1234.5;
    const std::string pattern(reinterpret_cast<const char*>(&left), sizeof left);
    const auto at = db.find(pattern);
    REQUIRE(at != std::string::npos);
    REQUIRE(db.find(pattern, at + 1) == std::string::npos);
    for (std::size_t byte = 0; byte < sizeof left; ++byte) {
        std::string damaged = db;
        damaged[at + byte] = static_cast<char>(damaged[at + byte] ^ 0x10);
        spit(dir / "project.db", damaged);
        const RunResult validate = run_cli({"validate", dir.string()});
        INFO("byte " << byte << " of the coordinate; validate: " << validate.out << validate.err);
        CHECK(validate.exit_code == 1);
        CHECK_THAT(validate.out, Contains("the annotations of item 1 are damaged"));
        const RunResult out = run_cli(
            {"export", dir.string(), "--format", "coco", "--out", (tmp / "out.json").string()});
        CHECK(out.exit_code == 1);
        CHECK_THAT(out.err, Contains("the annotations of item 1 are damaged"));
    }
}

TEST_CASE("cli: an empty or foreign project.db is refused and left as it was", "[integrity]") {
    TempDir tmp;
    const fs::path dir = tmp / "p";
    require_ok(run_cli({"init", dir.string(), "--name", "p"}));
    const std::string png = slurp(kSample + "/images/crossing-001.png").substr(0, 4096);
    struct Case {
        const char* name;
        std::string bytes;
        const char* says;
    };
    const Case cases[] = {
        {"empty", "", "the database is empty (0 bytes)"},
        {"a PNG", png, "is not an SQLite database (it starts with \"\\x89PNG"},
    };
    for (const Case& c : cases) {
        SECTION(c.name) {
            fs::remove(dir / "project.db-commits");
            spit(dir / "project.db", c.bytes);
            for (const char* command : {"info", "validate", "qa"}) {
                const RunResult r = run_cli({command, dir.string()});
                INFO(command << ": " << r.out << r.err);
                CHECK(r.exit_code == 1);
                CHECK_THAT(r.err, Contains((dir / "project.db").generic_string() + ": " + c.says));
                CHECK_THAT(r.err, Contains("restore the project folder from a backup"));
            }
            const RunResult add = run_cli({"add", dir.string(), kSample + "/images"});
            CHECK(add.exit_code == 1);
            CHECK(slurp(dir / "project.db") == c.bytes);
            CHECK_FALSE(fs::exists(dir / "project.db-wal"));
        }
    }
}

TEST_CASE("cli: a project in a read-only folder can be read by every read-only command",
          "[integrity]") {
    TempDir tmp;
    const fs::path dir = tmp / "street";
    require_ok(run_cli({"init", dir.string(), "--name", "street"}));
    fs::copy(kSample + "/images", dir / "images", fs::copy_options::recursive);
    require_ok(run_cli({"add", dir.string(), (dir / "images").string()}));
    require_ok(run_cli(
        {"import", dir.string(), "--format", "coco", kSample + "/annotations/instances.json"}));
    const std::string info_before = run_cli({"info", dir.string()}).out;

    // Root ignores permission bits: a read-only bind mount is read-only even to root.
    const fs::path ro = tmp / "ro";
    fs::create_directories(ro);
    const Mount mount(ro, "mount --bind '" + dir.string() + "' '" + ro.string() +
                              "' && mount -o remount,bind,ro '" + ro.string() + "'");
    if (!mount.ok()) {
        WARN("SKIP: cannot make a read-only bind mount here (needs root / CAP_SYS_ADMIN)");
        return;
    }
    REQUIRE(::access(ro.c_str(), W_OK) != 0);

    const RunResult info = run_cli({"info", ro.string()});
    INFO("info: " << info.out << info.err);
    CHECK(info.exit_code == 0);
    CHECK(info.out.substr(info.out.find("items")) == info_before.substr(info_before.find("items")));
    const RunResult validate = run_cli({"validate", ro.string()});
    INFO("validate: " << validate.out << validate.err);
    CHECK(validate.exit_code == 0);
    const RunResult qa = run_cli({"qa", ro.string()});
    INFO("qa: " << qa.out << qa.err);
    CHECK(qa.exit_code != 2);
    CHECK_THAT(qa.err, !Contains("read-only") && !Contains("unable to open"));
    const RunResult out =
        run_cli({"export", ro.string(), "--format", "coco", "--out", (tmp / "out.json").string()});
    INFO("export: " << out.out << out.err);
    CHECK(out.exit_code == 0);
    const RunResult schema = run_cli({"schema", "list", "--project", ro.string()});
    INFO("schema: " << schema.out << schema.err);
    CHECK(schema.exit_code == 0);

    // A command that writes says why it cannot, naming the folder.
    const RunResult add = run_cli({"add", ro.string(), kSample + "/images"});
    CHECK(add.exit_code == 1);
    CHECK_THAT(add.err, Contains(ro.generic_string()) && Contains("read-only"));
}

TEST_CASE("cli: a full disk says so, naming the file, without SQL", "[integrity]") {
    TempDir tmp;
    const fs::path disk = tmp / "disk";
    fs::create_directories(disk);
    const Mount mount(disk, "mount -t tmpfs -o size=2m tmpfs '" + disk.string() + "'");
    if (!mount.ok()) {
        WARN("SKIP: cannot mount a small tmpfs here (needs root / CAP_SYS_ADMIN)");
        return;
    }
    const fs::path dir = disk / "p";
    require_ok(run_cli({"init", dir.string(), "--name", "p"}));
    // Fill the disk, with the project closed.
    {
        std::ofstream filler(disk / "filler", std::ios::binary);
        const std::string block(65536, 'x');
        while (filler.write(block.data(), block.size()) && filler.flush()) {
        }
    }
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"info", dir.string()},
          std::vector<std::string>{"add", dir.string(), kSample + "/images"}}) {
        const RunResult r = run_cli(command);
        INFO(command[0] << ": " << r.out << r.err);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Contains((dir / "project.db").generic_string() + ": the disk is full"));
        CHECK_THAT(r.err, Contains("free space on the disk that holds"));
        CHECK_THAT(r.err, !Contains("SELECT") && !Contains("INSERT") && !Contains("PRAGMA") &&
                              !Contains("disk I/O error"));
        // --verbose adds what failed inside, for a bug report.
        std::vector<std::string> verbose = command;
        verbose.push_back("--verbose");
        const RunResult v = run_cli(verbose);
        CHECK_THAT(v.err, Contains("detail: ") && Contains("SQLite says"));
    }
}
