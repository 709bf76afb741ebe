// Item assignees in the store: SetAssignee edits applied and journaled like
// every edit, all-or-nothing batches, the queries a team lead needs served by
// an index, and projects of database version 1 migrated when opened.

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <functional>
#include <string>
#include <vector>

#include "core/data_api.hpp"
#include "core/error.hpp"
#include "store/project.hpp"
#include "store/validate.hpp"
#include "support/temp_dir.hpp"
#include "support/v1_project.hpp"

namespace {

using namespace tessera;
using Catch::Matchers::Contains;
using store::Bytes;
using store::ItemId;
using store::ItemQuery;
using store::Project;

/// Builds EditBatch buffers one op at a time.
struct Batch {
    v1::EditBatchT batch;

    Batch() {
        batch.author = "lead";
        batch.time = 1'700'000'000'000;
    }
    template <class Op>
    Batch& op(Op&& edit) {
        batch.ops.emplace_back(std::make_unique<v1::EditOpT>())->edit.Set(std::forward<Op>(edit));
        return *this;
    }
    Batch& assign(ItemId item, std::string assignee) {
        v1::SetAssigneeT set;
        set.item = item;
        set.assignee = std::move(assignee);
        return op(std::move(set));
    }
    Batch& state(ItemId item, v1::ItemState state) {
        v1::SetItemStateT set;
        set.item = item;
        set.state = state;
        return op(std::move(set));
    }
    Batch& add_box(ItemId item) {
        v1::AddAnnotationT add;
        add.item = item;
        add.annotation = std::make_unique<v1::AnnotationT>();
        add.annotation->label = "car";
        v1::BoxT box;
        box.right = 10, box.bottom = 10;
        add.annotation->geometry.Set(box);
        return op(std::move(add));
    }
    [[nodiscard]] Bytes bytes() const {
        flatbuffers::FlatBufferBuilder builder;
        v1::FinishEditBatchBuffer(builder, v1::CreateEditBatch(builder, &batch));
        return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
    }
};

/// An ItemQuery; designated initializers that skip members warn under -Wextra.
ItemQuery query(std::optional<std::string> assignee, std::optional<v1::ItemState> state,
                std::size_t limit) {
    ItemQuery q;
    q.assignee = std::move(assignee);
    q.state = state;
    q.limit = limit;
    return q;
}

/// A project with `count` image items, ids 1..count, all New and unassigned.
Project project_with_items(const std::filesystem::path& dir, std::size_t count) {
    Project project = Project::create(dir, "assignees");
    store::Transaction transaction = project.begin();
    for (std::size_t i = 1; i <= count; ++i) {
        v1::ItemT item;
        item.media = std::make_unique<v1::MediaT>();
        item.media->kind = v1::MediaKind::Image;
        item.media->uri = "img/" + std::to_string(i) + ".png";
        REQUIRE(transaction.add_item(item) == i);
    }
    transaction.commit();
    return project;
}

std::size_t annotation_count(const Project& project, ItemId item) {
    const Bytes bytes = project.annotations(item);
    const auto* set = flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data());
    return set->annotations() ? set->annotations()->size() : 0;
}

void require_error(const std::function<void()>& action, const std::string& expected_part) {
    try {
        action();
        FAIL("no error; expected one containing: " << expected_part);
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Contains(expected_part));
    }
}

/// Every row of `sql` on the database behind the store's back, columns joined by '|'.
std::vector<std::string> raw_rows(const std::filesystem::path& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
    std::vector<std::string> rows;
    char* message = nullptr;
    const int rc = sqlite3_exec(
        db, sql.c_str(),
        [](void* out, int columns, char** values, char**) {
            std::string row;
            for (int i = 0; i < columns; ++i)
                row += (i ? "|" : "") + std::string(values[i] ? values[i] : "NULL");
            static_cast<std::vector<std::string>*>(out)->push_back(row);
            return 0;
        },
        &rows, &message);
    const std::string error = message != nullptr ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    INFO(error);
    REQUIRE(rc == SQLITE_OK);
    return rows;
}

std::string joined(const std::vector<std::string>& rows) {
    std::string all;
    for (const std::string& row : rows) all += row + "\n";
    return all;
}

}  // namespace

TEST_CASE("store: SetAssignee assigns and unassigns items and is journaled", "[store][assignee]") {
    test::TempDir temp;
    Project project = project_with_items(temp / "p", 3);
    CHECK(project.assignee(1).empty());

    const std::uint64_t seq =
        project.apply(Batch().assign(1, "alice").assign(3, "张伟").add_box(1).bytes());
    CHECK(project.assignee(1) == "alice");
    CHECK(project.assignee(2).empty());
    CHECK(project.assignee(3) == "张伟");
    CHECK(annotation_count(project, 1) == 1);  // the same batch, the same transaction
    const std::vector<store::ItemSummary> items = project.items();
    REQUIRE(items.size() == 3);
    CHECK(items[0].assignee == "alice");
    CHECK(items[1].assignee.empty());
    CHECK(items[2].assignee == "张伟");
    CHECK(items[0].state == v1::ItemState::New);  // assigning is not a state change

    // The journal keeps the batch as applied.
    REQUIRE(project.journal_size() == seq);
    const Bytes entry = project.journal_entry(seq);
    v1::EditBatchT journaled;
    flatbuffers::GetRoot<v1::EditBatch>(entry.data())->UnPackTo(&journaled);
    CHECK(journaled.author == "lead");
    REQUIRE(journaled.ops.size() == 3);
    REQUIRE(journaled.ops[1]->edit.AsSetAssignee() != nullptr);
    CHECK(journaled.ops[1]->edit.AsSetAssignee()->item == 3);
    CHECK(journaled.ops[1]->edit.AsSetAssignee()->assignee == "张伟");

    // Reassigning replaces; the empty name unassigns; another connection sees it.
    project.apply(Batch().assign(1, "bob").assign(3, "").bytes());
    const Project reader = Project::open(temp / "p");
    CHECK(reader.assignee(1) == "bob");
    CHECK(reader.assignee(3).empty());
    CHECK(project.journal_size() == seq + 1);
}

TEST_CASE("store: a batch with a bad SetAssignee changes nothing", "[store][assignee]") {
    test::TempDir temp;
    Project project = project_with_items(temp / "p", 2);
    project.apply(Batch().assign(2, "carol").bytes());
    const std::uint64_t journal = project.journal_size();

    const auto unchanged = [&] {
        CHECK(project.assignee(1).empty());
        CHECK(project.assignee(2) == "carol");
        CHECK(annotation_count(project, 2) == 0);
        CHECK(project.state_counts().at(v1::ItemState::New) == 2);
        CHECK(project.journal_size() == journal);
    };
    const Bytes unknown_item = Batch()
                                   .assign(1, "bob")
                                   .add_box(2)
                                   .state(2, v1::ItemState::Submitted)
                                   .assign(99, "bob")
                                   .bytes();
    require_error([&] { project.apply(unknown_item); },
                  "project.db: edit batch, op 4 (SetAssignee): item 99 does not exist");
    unchanged();
    require_error(
        [&] { project.apply(Batch().assign(1, "bob").assign(2, "bo\tb").bytes()); },
        "edit batch, op 2 (SetAssignee): item 2: assignee name contains the control character "
        "U+0009 at byte 3");
    unchanged();
    require_error([&] { project.apply(Batch().add_box(2).assign(2, "\xff").bytes()); },
                  "op 2 (SetAssignee): item 2: assignee name is not valid UTF-8 at byte 1");
    unchanged();
}

TEST_CASE("store: assignee names may be any user name that fits on one line", "[store][assignee]") {
    for (const std::string good :
         {"", "alice", "Anne-Marie O'Neil", "张伟", "Ölçek", "ᠮᠣᠩᠭᠣᠯ", "a b"})
        CHECK(store::assignee_problem(good).empty());
    CHECK(store::assignee_problem(std::string(256, 'x')).empty());
    CHECK(store::assignee_problem(std::string(257, 'x')) ==
          "is 257 bytes long, expected at most 256");
    CHECK(store::assignee_problem(" alice") == "starts with a space");
    CHECK(store::assignee_problem("alice ") == "ends with a space");
    CHECK(store::assignee_problem("al\nice") == "contains the control character U+000A at byte 3");
    CHECK(store::assignee_problem("x\x7f") == "contains the control character U+007F at byte 2");
    CHECK(store::assignee_problem("x\xc2\x85") ==
          "contains the control character U+0085 at byte 2");
    CHECK(store::assignee_problem("x\xe2\x80\xa8") ==
          "contains the control character U+2028 at byte 2");
    CHECK(store::assignee_problem("\xc0\x80") == "is not valid UTF-8 at byte 1");  // overlong NUL
    CHECK(store::assignee_problem("ab\xed\xa0\x80") ==
          "is not valid UTF-8 at byte 3");  // surrogate
    CHECK(store::assignee_problem("ab\xf4\x90\x80\x80") ==
          "is not valid UTF-8 at byte 3");                                           // > U+10FFFF
    CHECK(store::assignee_problem("ab\xe5\xbc") == "is not valid UTF-8 at byte 3");  // cut short
}

TEST_CASE("store: find_items selects by assignee and state in id order, through the index",
          "[store][assignee]") {
    test::TempDir temp;
    Project project = project_with_items(temp / "p", 10);
    project.apply(Batch()
                      .assign(2, "alice")
                      .assign(5, "alice")
                      .assign(9, "alice")
                      .assign(3, "bob")
                      .state(5, v1::ItemState::Submitted)
                      .state(6, v1::ItemState::Submitted)
                      .bytes());
    using Ids = std::vector<ItemId>;
    CHECK(project.find_items(ItemQuery{}) == Ids{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    CHECK(project.find_items(query("alice", std::nullopt, SIZE_MAX)) == Ids{2, 5, 9});
    CHECK(project.find_items(query("alice", v1::ItemState::New, SIZE_MAX)) == Ids{2, 9});
    CHECK(project.find_items(query("", v1::ItemState::New, SIZE_MAX)) == Ids{1, 4, 7, 8, 10});
    CHECK(project.find_items(query("", v1::ItemState::New, 3)) == Ids{1, 4, 7});
    CHECK(project.find_items(query("", std::nullopt, SIZE_MAX)) == Ids{1, 4, 6, 7, 8, 10});
    CHECK(project.find_items(query(std::nullopt, v1::ItemState::Submitted, SIZE_MAX)) == Ids{5, 6});
    CHECK(project.find_items(query("nobody", std::nullopt, SIZE_MAX)).empty());
    CHECK(project.find_items(query(std::nullopt, std::nullopt, 2)) == Ids{1, 2});

    const auto counts = project.assignee_counts();
    CHECK(counts.size() == 3);
    CHECK(counts.at("alice").at(v1::ItemState::New) == 2);
    CHECK(counts.at("alice").at(v1::ItemState::Submitted) == 1);
    CHECK(counts.at("bob").at(v1::ItemState::New) == 1);
    CHECK(counts.at("").at(v1::ItemState::New) == 5);
    CHECK(counts.at("").at(v1::ItemState::Submitted) == 1);

    // A million items stay fast only if SQLite finds the rows by the index
    // instead of reading the whole table.
    const auto plan =
        joined(raw_rows(temp / "p" / "project.db",
                        "EXPLAIN QUERY PLAN SELECT id FROM items WHERE assignee = '' AND "
                        "state = 0 ORDER BY id LIMIT 3"));
    INFO(plan);
    CHECK_THAT(plan, Contains("USING COVERING INDEX items_by_assignee (assignee=? AND state=?)"));
    CHECK_THAT(plan, !Contains("TEMP B-TREE"));  // no sort: the index yields ids in order
    const auto count_plan =
        joined(raw_rows(temp / "p" / "project.db",
                        "EXPLAIN QUERY PLAN SELECT assignee, state, count(*) FROM items "
                        "GROUP BY assignee, state"));
    INFO(count_plan);
    CHECK_THAT(count_plan, Contains("COVERING INDEX items_by_assignee"));
}

TEST_CASE(
    "store: a batch applied inside a transaction sees its reads and a refused one leaves the rest",
    "[store][assignee]") {
    test::TempDir temp;
    Project project = project_with_items(temp / "p", 4);
    {
        store::Transaction transaction = project.begin();
        const std::vector<ItemId> first = project.find_items(query("", std::nullopt, 2));
        REQUIRE(first == std::vector<ItemId>{1, 2});
        Batch batch;
        for (const ItemId id : first) batch.assign(id, "dana");
        transaction.apply(batch.bytes());
        CHECK(project.find_items(query("", std::nullopt, 2)) == std::vector<ItemId>{3, 4});
        require_error(
            [&] { transaction.apply(Batch().assign(3, "erin").assign(42, "erin").bytes()); },
            "item 42 does not exist");
        CHECK(project.assignee(3).empty());  // the refused batch is rolled back alone
        transaction.commit();
    }
    CHECK(project.assignee(1) == "dana");
    CHECK(project.assignee(2) == "dana");
    CHECK(project.assignee(3).empty());
    CHECK(project.journal_size() == 1);
}

TEST_CASE("store: a project of database version 1 is migrated when opened", "[store][assignee]") {
    test::TempDir temp;
    const auto dir = temp / "old";
    test::make_version1_project(dir, {"a.txt", "b.txt", "c.txt"});
    const auto db = dir / "project.db";
    REQUIRE(joined(raw_rows(db, "SELECT value FROM meta WHERE key = 'database_version'")) == "1\n");

    {
        Project project = Project::open(dir);
        // Everything version 1 held is there.
        REQUIRE(project.item_count() == 3);
        CHECK(project.items()[0].state == v1::ItemState::InProgress);
        CHECK(annotation_count(project, 1) == 1);
        CHECK(project.journal_size() == 1);
        for (const store::ItemSummary& item : project.items()) CHECK(item.assignee.empty());
        CHECK(project.find_items(query("", std::nullopt, SIZE_MAX)).size() == 3);
        // And assignees work.
        project.apply(Batch().assign(2, "alice").add_box(2).bytes());
        CHECK(project.assignee(2) == "alice");
        CHECK(project.journal_size() == 2);
        CHECK(store::validate(project).empty());
    }
    CHECK(joined(raw_rows(db, "SELECT value FROM meta WHERE key = 'database_version'")) ==
          std::to_string(store::kDatabaseVersion) + "\n");

    // The migrated layout is exactly a new project's.
    const auto fresh = temp / "new";
    (void)Project::create(fresh, "new");
    const std::string layout =
        "SELECT type, name, sql FROM sqlite_schema WHERE name LIKE 'items%' OR "
        "name = 'annotation_sets' ORDER BY name";
    CHECK(joined(raw_rows(db, layout)) == joined(raw_rows(fresh / "project.db", layout)));

    // Opening again migrates nothing twice.
    const Project again = Project::open(dir);
    CHECK(again.assignee(2) == "alice");
}

TEST_CASE("store: a migration that fails leaves the old project as it was", "[store][assignee]") {
    test::TempDir temp;
    const auto dir = temp / "old";
    // Something (a user's tool) made an index with the name the migration needs.
    test::make_version1_project(dir, {"a.txt"}, v1::ItemState::New,
                                "CREATE INDEX items_by_assignee ON items(uri);");
    require_error([&] { (void)Project::open(dir); },
                  (dir / "project.db").generic_string() +
                      ": cannot migrate the database from version 1 to 3 (it is unchanged): index "
                      "items_by_assignee already exists");
    CHECK(joined(raw_rows(dir / "project.db",
                          "SELECT value FROM meta WHERE key = 'database_version'")) == "1\n");
    CHECK(joined(raw_rows(
              dir / "project.db",
              "SELECT count(*) FROM pragma_table_info('items') WHERE name = 'assignee'")) == "0\n");
}

TEST_CASE("store: validate reports an assignee name written behind the store's back",
          "[store][assignee]") {
    test::TempDir temp;
    const auto dir = temp / "old";
    test::make_version1_project(dir, {"a.txt", "b.txt"});
    { (void)Project::open(dir); }  // migrates
    raw_rows(dir / "project.db",
             "UPDATE items SET assignee = 'ann' || char(9) || 'e' WHERE id = 2");
    const Project project = Project::open(dir);
    const std::vector<store::Problem> problems = store::validate(project);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].item == 2);
    CHECK(problems[0].message ==
          "b.txt: assignee name contains the control character U+0009 at byte 4");
}
