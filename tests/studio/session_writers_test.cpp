// The session among other writers: an edit and its undo record are computed
// inside one write transaction, so undo and redo never remove, restore or
// overwrite what another writer (an import, a second studio) committed; undo
// is refused, naming what changed, when another writer touched the same
// annotation; an edit the store refuses stays as the unsaved edit until it is
// retried or discarded; the open item follows other writers' commits.

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include <fmt/format.h>
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "builtin_rules.hpp"
#include "core/error.hpp"
#include "qa/engine.hpp"
#include "session_fixture.hpp"
#include "store/project.hpp"
#include "studio/presence.hpp"
#include "studio/session.hpp"

namespace {

using namespace tessera;
using studio::Session;
using test::add_box;
using test::stored;
using Fixture = test::SessionFixture;

// The first annotation of `item`'s stored set, unpacked.
v1::AnnotationT first_stored(const std::filesystem::path& dir, store::ItemId item) {
    const store::Project project = store::Project::open(dir);
    const store::Bytes bytes = project.annotations(item);
    v1::AnnotationT annotation;
    flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data())
        ->annotations()
        ->Get(0)
        ->UnPackTo(&annotation);
    return annotation;
}

// Runs SQL on the project's database behind the store's back.
void raw_sql(const std::filesystem::path& dir, const char* sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir / "project.db").c_str(), &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    INFO((error ? error : ""));
    sqlite3_free(error);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
}

TEST_CASE(
    "session: undo of an edit that waited for another writer's lock keeps that writer's "
    "annotations",
    "[studio]") {
    Fixture f;
    Session session(f.project(), "annotator");
    session.open(f.items[0]);

    // Another process holds the write lock (an import, a second studio) and
    // commits five boxes while the studio's edit waits for the lock.
    std::promise<void> locked;
    std::thread other([&, dir = f.project(), item = f.items[0]] {
        store::Project project = store::Project::open(dir);
        store::Transaction transaction = project.begin();
        locked.set_value();
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        for (int i = 0; i < 5; ++i) transaction.apply(add_box(item, i, i, i + 10, i + 10));
        transaction.commit();
    });
    locked.get_future().wait();
    session.apply(add_box(f.items[0], 100, 100, 150, 150));
    other.join();
    REQUIRE(stored(f.project(), f.items[0]) == 6);

    REQUIRE(session.undo());
    CHECK(stored(f.project(), f.items[0]) == 5);  // only the studio's own box went
    REQUIRE(session.redo());
    CHECK(stored(f.project(), f.items[0]) == 6);
}

TEST_CASE("session: undo and redo leave alone what other writers committed since", "[studio]") {
    Fixture f;
    Session session(f.project(), "annotator");
    session.open(f.items[0]);
    session.apply(add_box(f.items[0], 10, 10, 50, 50));
    {
        store::Project other = store::Project::open(f.project());
        other.apply(add_box(f.items[0], 60, 60, 90, 90));
    }
    REQUIRE(session.undo());
    CHECK(stored(f.project(), f.items[0]) == 1);
    CHECK(first_stored(f.project(), f.items[0]).geometry.AsBox()->left == 60);
    REQUIRE(session.redo());
    CHECK(stored(f.project(), f.items[0]) == 2);
}

TEST_CASE("session: undo is refused, naming the annotation, when another writer changed it",
          "[studio]") {
    Fixture f;
    Session session(f.project(), "annotator");
    session.open(f.items[0]);
    session.apply(add_box(f.items[0], 10, 10, 50, 50));
    v1::AnnotationT theirs = first_stored(f.project(), f.items[0]);
    theirs.geometry.AsBox()->right = 70;
    {
        v1::UpdateAnnotationT update;
        update.item = f.items[0];
        update.annotation = std::make_unique<v1::AnnotationT>(theirs);
        std::vector<v1::EditOpT> ops;
        ops.push_back(studio::edit_op(std::move(update)));
        store::Project other = store::Project::open(f.project());
        other.apply(studio::make_edit_batch("inspector", std::move(ops)));
    }
    try {
        session.undo();
        FAIL("undo should have been refused");
    } catch (const Error& e) {
        CHECK_THAT(e.what(),
                   Catch::Contains(fmt::format("annotation {} of item {}", theirs.id, f.items[0])));
        CHECK_THAT(e.what(), Catch::Contains("another writer"));
    }
    CHECK(session.can_undo());  // the step is kept
    CHECK(first_stored(f.project(), f.items[0]).geometry.AsBox()->right == 70);
}

TEST_CASE("session: an edit the store refuses stays unsaved on screen until retried or discarded",
          "[studio]") {
    Fixture f;
    // Stands for a full disk or a read-only file: the store's write fails.
    raw_sql(f.project(),
            "CREATE TRIGGER refuse BEFORE INSERT ON journal BEGIN SELECT RAISE(ABORT, 'disk is "
            "full'); END");
    Session session(f.project(), "annotator");
    session.open(f.items[0]);
    CHECK_THROWS_WITH(session.apply(add_box(f.items[0], 10, 10, 50, 50)),
                      Catch::Contains("disk is full"));
    REQUIRE(session.unsaved());
    CHECK_THAT(session.unsaved()->reason, Catch::Contains("disk is full"));
    CHECK(stored(f.project(), f.items[0]) == 0);
    // The annotator still sees the box, and nothing claims it was saved.
    REQUIRE(session.annotations().annotations() != nullptr);
    CHECK(session.annotations().annotations()->size() == 1);
    CHECK_FALSE(session.can_undo());
    // A second edit is refused too while the first waits: nothing is reordered.
    CHECK_THROWS_WITH(session.apply(add_box(f.items[0], 1, 1, 5, 5)), Catch::Contains("unsaved"));

    CHECK_THROWS(session.retry_unsaved());  // still refused: still unsaved
    REQUIRE(session.unsaved());

    raw_sql(f.project(), "DROP TRIGGER refuse");
    REQUIRE(session.retry_unsaved());
    CHECK_FALSE(session.unsaved());
    CHECK(stored(f.project(), f.items[0]) == 1);
    CHECK(session.can_undo());
    REQUIRE(session.undo());
    CHECK(stored(f.project(), f.items[0]) == 0);

    // Discarding shows the stored set again.
    raw_sql(f.project(),
            "CREATE TRIGGER refuse BEFORE INSERT ON journal BEGIN SELECT RAISE(ABORT, 'disk is "
            "full'); END");
    CHECK_THROWS(session.apply(add_box(f.items[0], 10, 10, 50, 50)));
    session.discard_unsaved();
    CHECK_FALSE(session.unsaved());
    CHECK((session.annotations().annotations() == nullptr ||
           session.annotations().annotations()->size() == 0));
}

TEST_CASE("session: the open item follows what other writers commit", "[studio]") {
    Fixture f;
    Session session(f.project(), "annotator");
    session.open(f.items[0]);
    CHECK_FALSE(session.refresh_if_changed());
    session.apply(add_box(f.items[0], 10, 10, 50, 50));
    CHECK_FALSE(session.refresh_if_changed());  // its own commits are already shown
    {
        store::Project other = store::Project::open(f.project());
        other.apply(add_box(f.items[0], 60, 60, 90, 90));
    }
    CHECK(session.refresh_if_changed());
    CHECK(session.annotations().annotations()->size() == 2);
    CHECK(session.state() == v1::ItemState::InProgress);
}

TEST_CASE("session: a second studio on the project sees the first, and a dead one is forgotten",
          "[studio]") {
    Fixture f;
    studio::Presence first(f.project(), "alice");
    CHECK(first.others(std::chrono::seconds(0)).empty());
    {
        studio::Presence second(f.project(), "bob");
        REQUIRE(second.others(std::chrono::seconds(0)).size() == 1);
        CHECK_THAT(second.others().front(), Catch::StartsWith("alice (pid "));
        REQUIRE(first.others(std::chrono::seconds(0)).size() == 1);
        CHECK_THAT(first.others().front(), Catch::StartsWith("bob (pid "));
    }
    CHECK(first.others(std::chrono::seconds(0)).empty());
    // A file left by a killed studio holds no lock: it is removed on sight.
    std::ofstream(f.project() / ".tessera-sessions" / "gone-host-1")
        << "carol (pid 1 on gone-host)\n";
    CHECK(first.others(std::chrono::seconds(0)).empty());
    CHECK_FALSE(std::filesystem::exists(f.project() / ".tessera-sessions" / "gone-host-1"));
}

}  // namespace

namespace {

TEST_CASE(
    "session: a submitted item's annotations are read-only until reopened; a reviewer may correct "
    "them",
    "[studio]") {
    Fixture f;
    Session session(f.project(), "annotator");
    session.open(f.items[0]);
    session.apply(add_box(f.items[0], 10, 10, 50, 50, true));
    REQUIRE(session.submit());
    CHECK(session.locked());
    CHECK_THROWS_WITH(session.apply(add_box(f.items[0], 60, 60, 90, 90)),
                      Catch::Contains("read-only"));
    session.discard_unsaved();
    CHECK(stored(f.project(), f.items[0]) == 1);

    // The annotator may still take back their own submission at once.
    REQUIRE(session.undo());
    CHECK(session.state() == v1::ItemState::InProgress);
    REQUIRE(session.redo());
    CHECK(session.state() == v1::ItemState::Submitted);

    // An inspector reopens it, saying why: it is editable again and the journal says who and why.
    session.reopen("the left box is too loose");
    CHECK(session.state() == v1::ItemState::InProgress);
    const store::Project project = store::Project::open(f.project());
    const store::Bytes last = project.journal_entry(project.journal_size());
    const auto* batch = flatbuffers::GetRoot<v1::EditBatch>(last.data());
    CHECK(batch->author()->str() == "annotator");
    CHECK(batch->comment()->str() == "reopen: the left box is too loose");
    session.apply(add_box(f.items[0], 60, 60, 90, 90, true));
    CHECK(stored(f.project(), f.items[0]) == 2);

    // Reviewing, the inspector corrects a submitted item directly.
    REQUIRE(session.submit());
    session.set_reviewing(true);
    CHECK_FALSE(session.locked());
    session.apply(add_box(f.items[0], 100, 100, 120, 120, true));
    CHECK(stored(f.project(), f.items[0]) == 3);
}

TEST_CASE("session: accept is refused while QA finds errors", "[studio]") {
    Fixture f;
    const qa::RuleSet rules({&rules::builtin_rules()}, {});
    Session session(f.project(), "inspector");
    session.set_rules(&rules);
    session.open(f.items[0]);
    session.apply(add_box(f.items[0], 10, 10, 50, 50));  // "occluded" is required and missing
    // Submitted behind the studio's back, as an older tool could.
    {
        store::Project other = store::Project::open(f.project());
        v1::SetItemStateT set;
        set.item = f.items[0];
        set.state = v1::ItemState::Submitted;
        std::vector<v1::EditOpT> ops;
        ops.push_back(studio::edit_op(std::move(set)));
        other.apply(studio::make_edit_batch("script", std::move(ops)));
    }
    session.refresh_if_changed();
    session.set_reviewing(true);
    CHECK_THROWS_WITH(session.review(v1::Verdict::Accept, {}, {}),
                      Catch::Contains("QA finds 1 error"));
    CHECK(session.state() == v1::ItemState::Submitted);
}

}  // namespace

namespace {

TEST_CASE(
    "session: roles decide who annotates and reviews; inspectors do not review their own work",
    "[studio]") {
    Fixture f;
    {
        store::Project project = store::Project::open(f.project());
        project.set_role("lena", store::Role::Lead);
        project.set_role("alice", store::Role::Annotator);
        project.set_role("ivan", store::Role::Inspector);
    }
    Session stranger(f.project(), "stranger");
    stranger.open(f.items[0]);
    CHECK_THROWS_WITH(stranger.apply(add_box(f.items[0], 1, 1, 9, 9)),
                      Catch::Contains("stranger has no role"));
    CHECK(stored(f.project(), f.items[0]) == 0);

    Session alice(f.project(), "alice");
    alice.open(f.items[0]);
    alice.apply(add_box(f.items[0], 10, 10, 50, 50, true));
    REQUIRE(alice.submit());
    CHECK_THROWS_WITH(alice.set_reviewing(true), Catch::Contains("alice is an annotator"));
    CHECK_FALSE(alice.reviewing());

    // Ivan takes item 2 and annotates it himself: he may not accept it.
    Session ivan(f.project(), "ivan");
    ivan.set_reviewing(true);
    ivan.open(f.items[1]);
    {
        v1::SetAssigneeT take;
        take.item = f.items[1];
        take.assignee = "ivan";
        std::vector<v1::EditOpT> ops;
        ops.push_back(studio::edit_op(std::move(take)));
        ivan.apply(studio::make_edit_batch("ivan", std::move(ops)));
    }
    ivan.apply(add_box(f.items[1], 10, 10, 50, 50, true));
    REQUIRE(ivan.submit());
    CHECK_THROWS_WITH(ivan.review(v1::Verdict::Accept, {}, {}),
                      Catch::Contains("ivan worked on item"));
    CHECK(ivan.state() == v1::ItemState::Submitted);
    ivan.open(f.items[0]);
    ivan.review(v1::Verdict::Accept, {}, {});  // alice's work
    CHECK(ivan.state() == v1::ItemState::Accepted);

    {
        store::Project project = store::Project::open(f.project());
        project.set_self_review(true);
    }
    ivan.refresh_if_changed();
    ivan.open(f.items[1]);
    ivan.review(v1::Verdict::Accept, {}, {});
    CHECK(ivan.state() == v1::ItemState::Accepted);
}

}  // namespace
