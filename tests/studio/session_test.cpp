// The studio's session: edits are durable through the store, undo and redo
// work across items from the store's state, live QA blocks submission, and
// reviews change the item's state.

#include <catch2/catch.hpp>

#include "builtin_rules.hpp"
#include "core/error.hpp"
#include "qa/engine.hpp"
#include "session_fixture.hpp"
#include "store/project.hpp"
#include "studio/session.hpp"

namespace {

using namespace tessera;
using studio::Session;
using test::add_box;
using test::stored;
using Fixture = test::SessionFixture;

TEST_CASE("session: edits are in the store at once and undo and redo across items", "[studio]") {
    Fixture f;
    Session session(f.project(), "tester");
    session.open(f.items[0]);
    session.apply(add_box(f.items[0], 10, 10, 50, 50));
    CHECK(stored(f.project(), f.items[0]) == 1);
    CHECK(session.annotations().annotations()->size() == 1);

    session.open(f.items[1]);
    session.apply(add_box(f.items[1], 20, 20, 60, 60));
    CHECK(stored(f.project(), f.items[1]) == 1);

    REQUIRE(session.undo());
    CHECK(stored(f.project(), f.items[1]) == 0);
    REQUIRE(session.undo());
    CHECK(stored(f.project(), f.items[0]) == 0);
    CHECK(session.current() == f.items[0]);  // undo shows the item it changed
    CHECK_FALSE(session.undo());

    REQUIRE(session.redo());
    CHECK(stored(f.project(), f.items[0]) == 1);
    REQUIRE(session.redo());
    CHECK(stored(f.project(), f.items[1]) == 1);
    CHECK_FALSE(session.redo());

    // The redone annotation keeps its id and geometry.
    session.open(f.items[0]);
    const v1::Box* box = session.annotations().annotations()->Get(0)->geometry_as_Box();
    REQUIRE(box != nullptr);
    CHECK(box->left() == 10);
    CHECK(box->bottom() == 50);
}

TEST_CASE("session: a new edit clears the redo stack", "[studio]") {
    Fixture f;
    Session session(f.project(), "tester");
    session.open(f.items[0]);
    session.apply(add_box(f.items[0], 10, 10, 50, 50));
    REQUIRE(session.undo());
    session.apply(add_box(f.items[0], 5, 5, 25, 25));
    CHECK_FALSE(session.can_redo());
    CHECK(stored(f.project(), f.items[0]) == 1);
}

TEST_CASE("session: a refused edit changes nothing and is not on the undo stack", "[studio]") {
    Fixture f;
    Session session(f.project(), "tester");
    session.open(f.items[0]);
    CHECK_THROWS_AS(session.apply(add_box(9999, 1, 1, 5, 5)), Error);
    CHECK_FALSE(session.can_undo());
}

TEST_CASE("session: error findings block submission until fixed; undo restores the state",
          "[studio]") {
    Fixture f;
    Session session(f.project(), "tester");
    const qa::RuleSet rules({&rules::builtin_rules()}, {});
    session.set_rules(&rules);
    session.open(f.items[0]);
    session.apply(
        add_box(f.items[0], 10, 10, 50, 50));  // no "occluded": required attribute missing
    REQUIRE(session.error_count() == 1);
    CHECK(session.findings().front().rule == "builtin.attribute-required");
    CHECK_FALSE(session.submit());
    CHECK(session.state() == v1::ItemState::InProgress);  // the first edit started work on it

    REQUIRE(session.undo());
    CHECK(session.state() == v1::ItemState::New);
    session.apply(add_box(f.items[0], 10, 10, 50, 50, true));
    CHECK(session.error_count() == 0);
    REQUIRE(session.submit());
    CHECK(session.state() == v1::ItemState::Submitted);
    CHECK(session.count(v1::ItemState::Submitted) == 1);
    REQUIRE(session.undo());
    CHECK(session.state() == v1::ItemState::InProgress);
    CHECK(store::Project::open(f.project()).items().front().state == v1::ItemState::InProgress);
}

TEST_CASE("session: a rejection with a comment is recorded and sets the state", "[studio]") {
    Fixture f;
    Session session(f.project(), "inspector");
    session.open(f.items[1]);
    v1::ReviewCommentT comment;
    comment.text = "box too loose";
    comment.defect = "loose-box";
    session.review(v1::Verdict::Reject, "loose-box", {&comment, 1});
    CHECK(session.state() == v1::ItemState::Rejected);
    REQUIRE(session.reviews().size() == 1);
    CHECK(session.reviews().front()->comments.front()->text == "box too loose");
    CHECK(store::Project::open(f.project()).reviews(f.items[1]).size() == 1);
}

TEST_CASE("session: opening what is not there is an error", "[studio]") {
    Fixture f;
    CHECK_THROWS_AS(Session(f.dir / "missing", "tester"), Error);
    Session session(f.project(), "tester");
    CHECK_THROWS_AS(session.open(12345), Error);
}

}  // namespace
