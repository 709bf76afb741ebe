// What an import or export could not carry: counted by kind and label, the
// first places kept, --strict refusing the first one.

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "formats/losses.hpp"

using tessera::formats::Loss;
using tessera::formats::Losses;

TEST_CASE("losses are counted by kind and label, with the first few places", "[formats][losses]") {
    Losses losses;
    CHECK(losses.empty());
    for (int i = 1; i <= 5; ++i)
        losses.note("Polyline annotations", "lane", "annotation " + std::to_string(i));
    losses.note("Polyline annotations", "curb", "annotation 9");
    losses.note("holes", "", "");
    const std::vector<Loss> all = losses.all();
    REQUIRE(all.size() == 3);
    CHECK(all[0].what == "Polyline annotations");
    CHECK(all[0].label == "lane");
    CHECK(all[0].count == 5);
    CHECK(all[0].examples ==
          std::vector<std::string>{"annotation 1", "annotation 2", "annotation 3"});
    CHECK(all[1].label == "curb");
    CHECK(all[2].examples.empty());
    CHECK(losses.total() == 7);

    const auto lines = tessera::formats::loss_lines(all);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] ==
          "  5 × Polyline annotations, label lane: annotation 1; annotation 2; annotation 3; ...");
    CHECK(lines[1] == "  1 × Polyline annotations, label curb: annotation 9");
    CHECK(
        tessera::formats::loss_json({all[1]}) ==
        R"([{"what":"Polyline annotations","label":"curb","count":1,"examples":["annotation 9"]}])");
}

TEST_CASE("a strict Losses refuses the first loss, naming it", "[formats][losses]") {
    Losses losses(/*strict=*/true);
    CHECK_THROWS_WITH(
        losses.note("Polyline annotations (COCO has no polylines)", "lane", "item 3 annotation 17"),
        "--strict: Polyline annotations (COCO has no polylines) of label lane at item 3 "
        "annotation 17; nothing was written");
    CHECK(losses.empty());
}

TEST_CASE("text from files is escaped in the summary lines", "[formats][losses]") {
    Losses losses;
    losses.note("labels", "bad\x1b[2Jlabel", "");
    const auto lines = tessera::formats::loss_lines(losses.all());
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find('\x1b') == std::string::npos);
}
