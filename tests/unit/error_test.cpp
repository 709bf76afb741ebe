#include <catch2/catch.hpp>

#include "core/error.hpp"

using tessera::position_of;

TEST_CASE("position_of counts lines and columns from 1") {
    const std::string_view text = "ab\ncde\nf";
    CHECK(position_of(text, 0).line == 1);
    CHECK(position_of(text, 0).column == 1);
    CHECK(position_of(text, 4).line == 2);
    CHECK(position_of(text, 4).column == 2);
    CHECK(position_of(text, 7).line == 3);
    CHECK(position_of(text, 7).column == 1);
    CHECK(position_of(text, 999).line == 3);
}

TEST_CASE("fail_at formats file:line:col: message") {
    try {
        tessera::fail_at("dir/coco.json", "{\n  \"x\": 1}", 4, "bbox has 3 numbers, expected 4");
        FAIL("fail_at returned");
    } catch (const tessera::Error& e) {
        CHECK(std::string(e.what()) == "dir/coco.json:2:3: bbox has 3 numbers, expected 4");
    }
}
