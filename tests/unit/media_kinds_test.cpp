// The media-kind lists of views (core/media_kinds.hpp), as the studio picks a
// view for an item and as a Lua view's declaration is checked.

#include <catch2/catch.hpp>

#include "core/media_kinds.hpp"

using tessera::known_media_kinds;
using tessera::lists_media_kind;

TEST_CASE("media kinds: a view's list names the kinds it shows, spaces aside", "[media_kinds]") {
    CHECK(lists_media_kind("Image", "Image"));
    CHECK(lists_media_kind("Audio, Video", "Video"));
    CHECK(lists_media_kind(" Audio ,Video ", "Audio"));
    CHECK_FALSE(lists_media_kind("Audio, Video", "Image"));
    CHECK_FALSE(lists_media_kind("AudioVideo", "Audio"));
    CHECK_FALSE(lists_media_kind("", "Image"));
}

TEST_CASE("media kinds: a declared list must name known kinds only, at least one",
          "[media_kinds]") {
    CHECK(known_media_kinds("Image"));
    CHECK(known_media_kinds("Audio, Video"));
    CHECK(known_media_kinds("Image,Video,Audio,Text,PointCloud,Volume"));
    CHECK_FALSE(known_media_kinds(""));
    CHECK_FALSE(known_media_kinds("Sound"));
    CHECK_FALSE(known_media_kinds("Audio, Sound"));
    CHECK_FALSE(known_media_kinds("Audio,,Video"));
    CHECK_FALSE(known_media_kinds("Unknown"));
    CHECK_FALSE(known_media_kinds("image"));
}
