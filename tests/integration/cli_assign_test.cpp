// `tessera assign` and the assignees in `tessera info`, driving the real CLI
// on real projects: items handed out by id and in bulk, bad input refused
// with one line and the project unchanged, and a version 1 project migrated.

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include <sqlite3.h>

#include "store/project.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/v1_project.hpp"

using tessera::test::run_cli;
using tessera::test::RunResult;
using tessera::test::TempDir;
namespace store = tessera::store;
namespace v1 = tessera::v1;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

void require_ok(const RunResult& r) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
}

/// A project in `dir` with `count` text items, ids 1..count in file-name order.
void make_project(const std::filesystem::path& dir, std::size_t count) {
    const std::filesystem::path media = dir / "media";
    std::filesystem::create_directories(media);
    for (std::size_t i = 1; i <= count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "doc-%03zu.txt", i);
        std::ofstream(media / name) << "document " << i << '\n';
    }
    require_ok(run_cli({"init", dir.string()}));
    require_ok(run_cli({"add", dir.string(), media.string()}));
}

/// The assignee of every item, in id order ("" = unassigned).
std::vector<std::string> assignees(const std::filesystem::path& dir) {
    const store::Project project = store::Project::open(dir);
    std::vector<std::string> names;
    for (const store::ItemSummary& item : project.items()) names.push_back(item.assignee);
    return names;
}

std::size_t lines(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("assign hands items to annotators by id and info shows items by assignee",
          "[cli][assign]") {
    TempDir tmp;
    const auto dir = tmp / "p";
    make_project(dir, 3);

    const RunResult r =
        run_cli({"assign", dir.string(), "--to", "alice", "3", "1", "--author", "lead"});
    require_ok(r);
    CHECK(r.out == "assigned 2 items to alice: 1, 3 (journal entry 1)\n");
    CHECK(assignees(dir) == std::vector<std::string>{"alice", "", "alice"});

    // Reassigning says whose items it took; the journal records author and ops.
    const RunResult again = run_cli({"assign", dir.string(), "--to", "bob", "1", "2"});
    require_ok(again);
    CHECK(again.out == "assigned 2 items to bob: 1-2 (journal entry 2)\n  taken from alice 1\n");
    {
        const store::Project project = store::Project::open(dir);
        REQUIRE(project.journal_size() == 2);
        const store::Bytes entry = project.journal_entry(1);
        v1::EditBatchT batch;
        flatbuffers::GetRoot<v1::EditBatch>(entry.data())->UnPackTo(&batch);
        CHECK(batch.author == "lead");
        CHECK(batch.comment == "assign 2 items to alice");
        REQUIRE(batch.ops.size() == 2);
        REQUIRE(batch.ops[0]->edit.AsSetAssignee() != nullptr);
        CHECK(batch.ops[0]->edit.AsSetAssignee()->item == 3);
        CHECK(batch.ops[0]->edit.AsSetAssignee()->assignee == "alice");
    }

    // Assigning what is already so changes nothing and journals nothing.
    const RunResult same = run_cli({"assign", dir.string(), "--to", "bob", "2"});
    require_ok(same);
    CHECK(same.out == "assigned 0 items to bob\n  1 already assigned to bob: 2\n");

    const RunResult json = run_cli({"info", dir.string(), "--json"});
    require_ok(json);
    CHECK_THAT(
        json.out,
        Contains(
            R"("assignees":{"alice":{"items":1,"states":{"New":1,"InProgress":0,"Submitted":0,)"
            R"("Accepted":0,"Rejected":0}},"bob":{"items":2,"states":{"New":2,)"));
    CHECK_THAT(json.out, Contains(R"("unassigned":{"items":0,"states":{"New":0,)"));
    const RunResult text = run_cli({"info", dir.string()});
    require_ok(text);
    CHECK_THAT(text.out,
               Contains("assignees    2\n  alice      1  (New 1)\n  bob        2  (New 2)\n"));

    require_ok(run_cli({"validate", dir.string()}));
}

TEST_CASE("assign --state --count hands out the first unassigned items in id order",
          "[cli][assign]") {
    TempDir tmp;
    const auto dir = tmp / "p";
    make_project(dir, 10);
    require_ok(run_cli({"assign", dir.string(), "--to", "bob", "1", "2"}));

    RunResult r =
        run_cli({"assign", dir.string(), "--to", "alice", "--state", "new", "--count", "3"});
    require_ok(r);
    CHECK(r.out == "assigned 3 items to alice: 3-5 (journal entry 2)\n");
    r = run_cli({"assign", dir.string(), "--to", "carol", "--state", "New", "--count", "3"});
    require_ok(r);
    CHECK(r.out == "assigned 3 items to carol: 6-8 (journal entry 3)\n");
    // Fewer left than asked: all of them, and it says so.
    r = run_cli({"assign", dir.string(), "--to", "dana", "--count", "5"});
    require_ok(r);
    CHECK(r.out ==
          "assigned 2 items to dana: 9-10 (journal entry 4)\n  only 2 unassigned items (asked for "
          "5)\n");
    r = run_cli({"assign", dir.string(), "--to", "dana", "--state", "submitted", "--count", "5"});
    require_ok(r);
    CHECK(r.out == "assigned 0 items to dana\n  only 0 unassigned Submitted items (asked for 5)\n");
    CHECK(assignees(dir) == std::vector<std::string>{"bob", "bob", "alice", "alice", "alice",
                                                     "carol", "carol", "carol", "dana", "dana"});

    // Someone leaves: --from hands their items to another, as JSON for a script.
    r = run_cli({"assign", dir.string(), "--to", "erin", "--from", "carol", "--json"});
    require_ok(r);
    CHECK(
        r.out ==
        R"({"assignee":"erin","changed":[6,7,8],"unchanged":[],"previous":{"carol":3},"journal_entry":5})"
        "\n");
    // --unassign and --to "" clear, by id or by --from.
    r = run_cli({"assign", dir.string(), "--unassign", "--from", "alice", "--count", "2"});
    require_ok(r);
    CHECK(r.out == "unassigned 2 items: 3-4 (journal entry 6)\n  taken from alice 2\n");
    r = run_cli({"assign", dir.string(), "--to", "", "1", "6"});
    require_ok(r);
    CHECK(r.out == "unassigned 2 items: 1, 6 (journal entry 7)\n  taken from bob 1, erin 1\n");
    CHECK(assignees(dir) ==
          std::vector<std::string>{"", "bob", "", "", "alice", "", "erin", "erin", "dana", "dana"});
    require_ok(run_cli({"validate", dir.string()}));
}

TEST_CASE("assign refuses bad input with one clear line and changes nothing", "[cli][assign]") {
    TempDir tmp;
    const auto dir = tmp / "p";
    make_project(dir, 3);
    require_ok(run_cli({"assign", dir.string(), "--to", "bob", "2"}));
    const std::string before = run_cli({"info", dir.string(), "--json"}).out;
    const std::string d = dir.string();

    struct Case {
        std::vector<std::string> args;
        int exit_code;
        std::string error;  ///< the first line of stderr starts with it
    };
    const Case cases[] = {
        {{"assign", d, "--to", "alice", "1", "99"},
         1,
         d + ": item 99 does not exist (ITEM_ID 2 of 2); nothing was assigned"},
        {{"assign", d, "1"}, 2, "tessera assign: expected --to NAME (or --unassign)"},
        {{"assign", d, "--to", "alice", "--count", "0"},
         2,
         "tessera assign: --count 0: expected a whole number of items from 1 to 1000000000"},
        {{"assign", d, "--to", "alice", "--count", "-3"},
         2,
         "tessera assign: --count -3: expected a whole number"},
        {{"assign", d, "--to", "alice", "--count", "ten"},
         2,
         "tessera assign: --count ten: expected a whole number"},
        {{"assign", d, "--to", "alice", "--count", "3x"},
         2,
         "tessera assign: --count 3x: expected a whole number"},
        {{"assign", d, "--to", "alice", "--count"}, 2, "tessera assign: --count needs a value"},
        {{"assign", d, "--to", "alice", "one"},
         2,
         "tessera assign: ITEM_ID 1 ('one'): expected an item id, a whole number from 1 up"},
        {{"assign", d, "--to", "alice", "0"},
         2,
         "tessera assign: ITEM_ID 1 ('0'): expected an item id"},
        {{"assign", d, "--to", "alice", "1", "--count", "2"},
         2,
         "tessera assign: give ITEM_IDs or --from/--state/--count to choose items, not both"},
        {{"assign", d, "--to", "alice"}, 2, "tessera assign: expected ITEM_IDs, or --count N"},
        {{"assign", d, "--to", "alice", "--state", "done", "--count", "1"},
         2,
         "tessera assign: --state done: expected new, in-progress, submitted, accepted or "
         "rejected"},
        {{"assign", d, "--to", "al\tice", "1"},
         2,
         "tessera assign: --to: the name contains the control character U+0009 at byte 3"},
        {{"assign", d, "--to", " alice", "1"},
         2,
         "tessera assign: --to: the name starts with a space"},
        {{"assign", d, "--to", "alice", "--unassign", "1"},
         2,
         "tessera assign: --to and --unassign exclude"},
        {{"assign", d, "--unassign", "--count", "1"},
         2,
         "tessera assign: --unassign chooses items by ITEM_IDs"},
        {{"assign", (tmp / "nowhere").string(), "--to", "alice", "1"},
         1,
         (tmp / "nowhere").string() + ": no such project folder"},
    };
    for (const Case& c : cases) {
        const RunResult r = run_cli(c.args);
        INFO("args: " << c.args[2] << " " << (c.args.size() > 3 ? c.args[3] : "")
                      << " ...\nstderr: " << r.err);
        CHECK(r.exit_code == c.exit_code);
        CHECK_THAT(r.err, StartsWith(c.error));
        CHECK(lines(r.err) == (c.exit_code == 2 ? 2u : 1u));  // usage errors add the synopsis
        CHECK(r.out.empty());
    }
    CHECK(run_cli({"info", d, "--json"}).out == before);
    CHECK(assignees(dir) == std::vector<std::string>{"", "bob", ""});
}

TEST_CASE("assign reports a database it cannot read as such, not as a missing item",
          "[cli][assign]") {
    TempDir tmp;
    const auto dir = tmp / "p";
    make_project(dir, 2);
    {
        // A column the store expects is gone: reading an assignee fails, for an item that exists.
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open((dir / "project.db").c_str(), &db) == SQLITE_OK);
        const int rc = sqlite3_exec(db, "ALTER TABLE items RENAME COLUMN assignee TO owner",
                                    nullptr, nullptr, nullptr);
        sqlite3_close(db);
        REQUIRE(rc == SQLITE_OK);
    }
    const RunResult r = run_cli({"assign", dir.string(), "--to", "alice", "1"});
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("no such column: assignee"));
    CHECK_THAT(r.err, !Contains("does not exist"));
}

TEST_CASE("a project made before assignees opens, migrates and takes assignments",
          "[cli][assign]") {
    TempDir tmp;
    const auto dir = tmp / "old";
    tessera::test::make_version1_project(dir, {"a.txt", "b.txt", "c.txt"});

    const RunResult info = run_cli({"info", dir.string(), "--json"});
    require_ok(info);
    CHECK_THAT(info.out, Contains(R"("items":3,"annotations":1)"));
    CHECK_THAT(
        info.out,
        Contains(R"("assignees":{},"unassigned":{"items":3,"states":{"New":2,"InProgress":1,)"));
    const RunResult r = run_cli(
        {"assign", dir.string(), "--to", "alice", "--state", "in-progress", "--count", "1"});
    require_ok(r);
    CHECK(r.out == "assigned 1 item to alice: 1 (journal entry 2)\n");
    require_ok(run_cli({"validate", dir.string()}));
    CHECK(assignees(dir) == std::vector<std::string>{"alice", "", ""});
}

TEST_CASE("assign prints many ids as ranges on one line", "[cli][assign]") {
    TempDir tmp;
    const auto dir = tmp / "p";
    make_project(dir, 45);
    std::vector<std::string> args{"assign", dir.string(), "--to", "alice"};
    for (int id = 1; id <= 45; id += 2)
        args.push_back(std::to_string(id));  // 23 ids, none adjacent
    const RunResult r = run_cli(args);
    require_ok(r);
    CHECK(r.out ==
          "assigned 23 items to alice: 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, "
          "33, "
          "35, 37, 39, ... and 3 more items (journal entry 1)\n");
    const RunResult rest = run_cli({"assign", dir.string(), "--to", "bob", "--count", "100"});
    require_ok(rest);
    CHECK(
        rest.out ==
        "assigned 22 items to bob: 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, "
        "36, 38, 40, ... and 2 more items (journal entry 2)\n  only 22 unassigned items (asked for "
        "100)\n");
}

TEST_CASE("role gives roles; then only leads assign and set roles, and the last lead stays",
          "[cli][role]") {
    TempDir tmp;
    const auto dir = tmp / "p";
    make_project(dir, 2);

    RunResult r = run_cli({"role", dir.string()});
    require_ok(r);
    CHECK_THAT(r.out, StartsWith("no roles: everybody may"));
    // Without roles anybody assigns, as before.
    require_ok(run_cli({"assign", dir.string(), "--to", "alice", "1", "--author", "anyone"}));

    require_ok(run_cli({"role", dir.string(), "lena", "lead", "--author", "anyone"}));
    require_ok(run_cli({"role", dir.string(), "alice", "annotator", "--author", "lena"}));
    require_ok(run_cli({"role", dir.string(), "ivan", "inspector", "--author", "lena"}));

    r = run_cli({"assign", dir.string(), "--to", "alice", "2", "--author", "alice"});
    CHECK(r.exit_code == 1);
    CHECK(r.err ==
          "tessera assign: alice is an annotator in this project and may not assign items; ask a "
          "lead; nothing was assigned\n");
    CHECK(assignees(dir) == std::vector<std::string>{"alice", ""});
    r = run_cli({"assign", dir.string(), "--to", "alice", "2", "--author", "stranger"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("stranger has no role in this project"));
    require_ok(run_cli({"assign", dir.string(), "--to", "alice", "2", "--author", "lena"}));

    r = run_cli({"role", dir.string(), "alice", "lead", "--author", "ivan"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("ivan is an inspector in this project and may not set roles"));
    r = run_cli({"role", dir.string(), "lena", "none", "--author", "lena"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("only lead"));
    r = run_cli({"role", dir.string(), "bob", "boss", "--author", "lena"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("unknown role \"boss\""));

    require_ok(run_cli({"role", dir.string(), "--self-review", "allow", "--author", "lena"}));
    r = run_cli({"role", dir.string(), "--json"});
    require_ok(r);
    CHECK(r.out ==
          "{\"roles\":{\"alice\":\"annotator\",\"ivan\":\"inspector\",\"lena\":\"lead\"},\"self_"
          "review\":true}\n");
}
