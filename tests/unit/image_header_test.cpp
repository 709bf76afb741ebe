#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "media/image_header.hpp"

using tessera::media::parse_image_header;

namespace {

using Bytes = std::vector<std::uint8_t>;

void put_be32(Bytes& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}
void put_le16(Bytes& b, std::uint32_t v) {
    b.push_back(static_cast<std::uint8_t>(v));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_le32(Bytes& b, std::uint32_t v) {
    put_le16(b, v & 0xFFFF);
    put_le16(b, v >> 16);
}

Bytes png(std::uint32_t w, std::uint32_t h) {
    Bytes b{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    put_be32(b, 13);
    b.insert(b.end(), {'I', 'H', 'D', 'R'});
    put_be32(b, w);
    put_be32(b, h);
    b.insert(b.end(), {8, 2, 0, 0, 0, 0, 0, 0, 0});
    return b;
}

Bytes jpeg(std::uint16_t w, std::uint16_t h) {
    // SOI, an APP0 segment, a DQT-like segment, then SOF2 (progressive).
    Bytes b{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x06, 'J', 'F', 'I', 'F', 0xFF, 0xDB, 0x00, 0x03, 0x00};
    b.insert(b.end(), {0xFF, 0xC2, 0x00, 0x11, 0x08, static_cast<std::uint8_t>(h >> 8),
                       static_cast<std::uint8_t>(h), static_cast<std::uint8_t>(w >> 8),
                       static_cast<std::uint8_t>(w), 0x03});
    return b;
}

}  // namespace

TEST_CASE("image sizes come from headers of every supported format") {
    SECTION("png") {
        const auto h = parse_image_header(png(4096, 2160));
        REQUIRE(h);
        CHECK(h->format == "png");
        CHECK(h->width == 4096);
        CHECK(h->height == 2160);
    }
    SECTION("jpeg after APP and DQT segments") {
        const auto h = parse_image_header(jpeg(1920, 1080));
        REQUIRE(h);
        CHECK(h->format == "jpeg");
        CHECK(h->width == 1920);
        CHECK(h->height == 1080);
    }
    SECTION("bmp with a bottom-up and a top-down height") {
        for (const std::int32_t height : {480, -480}) {
            Bytes b{'B', 'M'};
            b.resize(14, 0);
            put_le32(b, 40);
            put_le32(b, 640);
            put_le32(b, static_cast<std::uint32_t>(height));
            const auto h = parse_image_header(b);
            REQUIRE(h);
            CHECK(h->width == 640);
            CHECK(h->height == 480);
        }
    }
    SECTION("gif") {
        Bytes b{'G', 'I', 'F', '8', '9', 'a'};
        put_le16(b, 320);
        put_le16(b, 200);
        const auto h = parse_image_header(b);
        REQUIRE(h);
        CHECK(h->width == 320);
        CHECK(h->height == 200);
    }
    SECTION("webp VP8X") {
        Bytes b{'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X'};
        b.resize(24, 0);
        b.insert(b.end(), {0xFF, 0x0E, 0x00, 0x6F, 0x08, 0x00});  // 3840 x 2160, stored minus one
        b.resize(32, 0);
        const auto h = parse_image_header(b);
        REQUIRE(h);
        CHECK(h->width == 3840);
        CHECK(h->height == 2160);
    }
    SECTION("little-endian tiff") {
        Bytes b{'I', 'I', 42, 0};
        put_le32(b, 8);
        put_le16(b, 2);
        put_le16(b, 256), put_le16(b, 3), put_le32(b, 1), put_le16(b, 800), put_le16(b, 0);
        put_le16(b, 257), put_le16(b, 4), put_le32(b, 1), put_le32(b, 600);
        const auto h = parse_image_header(b);
        REQUIRE(h);
        CHECK(h->width == 800);
        CHECK(h->height == 600);
    }
}

TEST_CASE("malformed or oversized headers are refused") {
    CHECK_FALSE(parse_image_header(Bytes{}));
    CHECK_FALSE(parse_image_header(Bytes{'h', 'e', 'l', 'l', 'o'}));
    Bytes truncated = png(10, 10);
    truncated.resize(20);
    CHECK_FALSE(parse_image_header(truncated));
    CHECK_FALSE(parse_image_header(png(0, 10)));
    CHECK_FALSE(parse_image_header(png(100000, 10)));  // over kMaxImageSide
    for (const std::uint32_t ifd : {0xFFFFFFFEu, 0xFFFFFFFFu, 0x7FFFFFFFu}) {
        Bytes tiff{'I', 'I', 42, 0};  // an IFD offset that wraps 32-bit arithmetic
        put_le32(tiff, ifd);
        tiff.resize(16, 0);
        CHECK_FALSE(parse_image_header(tiff));
    }
    Bytes cut_jpeg = jpeg(100, 100);
    cut_jpeg.resize(cut_jpeg.size() - 6);
    CHECK_FALSE(parse_image_header(cut_jpeg));
}

TEST_CASE("media kind follows the extension, case-insensitively") {
    using tessera::media::media_kind_from_extension;
    using tessera::v1::MediaKind;
    CHECK(media_kind_from_extension("a/b/IMG_0001.JPG") == MediaKind::Image);
    CHECK(media_kind_from_extension("talk.wav") == MediaKind::Audio);
    CHECK(media_kind_from_extension("scan.nii") == MediaKind::Volume);
    CHECK(media_kind_from_extension("notes.xyz") == MediaKind::Unknown);
}
