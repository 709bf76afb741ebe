// Assignees in the studio's session: an assignment is an edit like any other
// (in the store at once, undone and redone across items), the item list and
// the per-assignee counts the item browser's filter reads follow every change,
// and assigning does not start work on an item.

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "store/project.hpp"
#include "studio/session.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tessera;
using studio::Session;
using Counts = std::map<std::string, std::size_t, std::less<>>;

/// A project with three image items (ids 1-3), item 3 already assigned to "bob".
struct Fixture {
    test::TempDir dir;

    Fixture() {
        store::Project project = store::Project::create(project_dir(), "assignee-test");
        store::Transaction transaction = project.begin();
        for (const char* uri : {"a.png", "b.png", "c.png"}) {
            v1::ItemT item;
            item.media = std::make_unique<v1::MediaT>();
            item.media->kind = v1::MediaKind::Image;
            item.media->uri = uri;
            (void)transaction.add_item(item);
        }
        transaction.commit();
        project.apply(assign(3, "bob", "lead"));
    }

    [[nodiscard]] std::filesystem::path project_dir() const { return dir / "project"; }

    static store::Bytes assign(store::ItemId item, std::string assignee,
                               std::string_view author = "tester") {
        v1::SetAssigneeT set;
        set.item = item;
        set.assignee = std::move(assignee);
        std::vector<v1::EditOpT> ops;
        ops.push_back(studio::edit_op(std::move(set)));
        return studio::make_edit_batch(author, std::move(ops), "assign");
    }

    /// The assignee of `item` as another process reads it from the store.
    [[nodiscard]] std::string stored(store::ItemId item) const {
        return store::Project::open(project_dir()).assignee(item);
    }
};

std::vector<std::string> listed(const Session& session) {
    std::vector<std::string> names;
    for (const store::ItemSummary& item : session.items()) names.push_back(item.assignee);
    return names;
}

TEST_CASE("session: the item list shows the assignees in the store when it opens",
          "[studio][assignee]") {
    Fixture f;
    const Session session(f.project_dir(), "tester");
    CHECK(listed(session) == std::vector<std::string>{"", "", "bob"});
    CHECK(session.assignee_counts() == Counts{{"", 2}, {"bob", 1}});
}

TEST_CASE("session: undo of an assignment restores the previous assignee and redo reapplies it",
          "[studio][assignee]") {
    Fixture f;
    Session session(f.project_dir(), "tester");
    session.open(1);
    session.apply(Fixture::assign(3, "tester"));  // take bob's item
    session.apply(Fixture::assign(2, "tester"));
    CHECK(f.stored(3) == "tester");
    CHECK(f.stored(2) == "tester");
    CHECK(listed(session) == std::vector<std::string>{"", "tester", "tester"});
    CHECK(session.assignee_counts() == Counts{{"", 1}, {"tester", 2}});
    // Assigning is not working on the item: it stays New.
    CHECK(session.items()[1].state == v1::ItemState::New);
    CHECK(store::Project::open(f.project_dir()).items()[1].state == v1::ItemState::New);

    REQUIRE(session.undo());
    CHECK(f.stored(2).empty());
    CHECK(session.current() == 2);  // undo shows the item it changed
    REQUIRE(session.undo());
    CHECK(f.stored(3) == "bob");  // bob's again, not unassigned
    CHECK(listed(session) == std::vector<std::string>{"", "", "bob"});
    CHECK(session.assignee_counts() == Counts{{"", 2}, {"bob", 1}});

    REQUIRE(session.redo());
    CHECK(f.stored(3) == "tester");
    CHECK(session.assignee_counts() == Counts{{"", 2}, {"tester", 1}});
    // The undo batches are journaled like every edit.
    CHECK(store::Project::open(f.project_dir()).journal_size() == 1 + 2 + 2 + 1);
}

TEST_CASE("session: an edit of annotations and an assignment in one batch undo together",
          "[studio][assignee]") {
    Fixture f;
    Session session(f.project_dir(), "tester");
    session.open(1);
    v1::AddAnnotationT add;
    add.item = 1;
    add.annotation = std::make_unique<v1::AnnotationT>();
    add.annotation->label = "car";
    v1::BoxT box;
    box.right = 5, box.bottom = 5;
    add.annotation->geometry.Set(box);
    v1::SetAssigneeT set;
    set.item = 1;
    set.assignee = "tester";
    std::vector<v1::EditOpT> ops;
    ops.push_back(studio::edit_op(std::move(add)));
    ops.push_back(studio::edit_op(std::move(set)));
    session.apply(studio::make_edit_batch("tester", std::move(ops)));
    CHECK(session.state() == v1::ItemState::InProgress);  // the annotation started work on it
    CHECK(f.stored(1) == "tester");

    REQUIRE(session.undo());
    CHECK(f.stored(1).empty());
    CHECK(session.state() == v1::ItemState::New);
    CHECK(session.annotations().annotations()->size() == 0);
}

TEST_CASE("session: a refused assignment changes nothing and is not on the undo stack",
          "[studio][assignee]") {
    Fixture f;
    Session session(f.project_dir(), "tester");
    CHECK_THROWS_AS(session.apply(Fixture::assign(1, "tab\there")), Error);
    CHECK_THROWS_AS(session.apply(Fixture::assign(99, "tester")), Error);
    CHECK_FALSE(session.can_undo());
    CHECK(listed(session) == std::vector<std::string>{"", "", "bob"});
    CHECK(f.stored(1).empty());
}

TEST_CASE("session: a review keeps the item's assignee", "[studio][assignee]") {
    Fixture f;
    Session session(f.project_dir(), "inspector");
    session.open(3);
    session.review(v1::Verdict::Accept, "", {});
    CHECK(session.state() == v1::ItemState::Accepted);
    CHECK(session.items()[2].assignee == "bob");
    CHECK(session.assignee_counts() == Counts{{"", 2}, {"bob", 1}});
}

}  // namespace
