// Image headers without decoding.
//
// Implemented: PNG (IHDR), JPEG (SOF0..SOF15 except DHT/JPG/DAC markers),
//   BMP (BITMAPINFOHEADER and later, OS/2 core header), GIF (logical screen),
//   WebP (VP8, VP8L, VP8X), TIFF (first IFD, both byte orders).
// Missing: EXIF orientation (sizes are as stored, not as displayed), AVIF/HEIC,
//   JPEG 2000, multi-page TIFF beyond the first page.

#include "media/image_header.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace tessera::media {
namespace {

using Bytes = std::span<const std::uint8_t>;

std::uint32_t be16(Bytes b, std::size_t at) {
    return (b[at] << 8) | b[at + 1];
}
std::uint32_t be32(Bytes b, std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}
std::uint32_t le16(Bytes b, std::size_t at) {
    return b[at] | (b[at + 1] << 8);
}
std::uint32_t le24(Bytes b, std::size_t at) {
    return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
}
std::uint32_t le32(Bytes b, std::size_t at) {
    return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (std::uint32_t{b[at + 3]} << 24);
}

bool starts_with(Bytes b, std::string_view magic) {
    return b.size() >= magic.size() && std::memcmp(b.data(), magic.data(), magic.size()) == 0;
}

std::optional<ImageHeader> sized(std::string_view format, std::uint64_t width,
                                 std::uint64_t height) {
    if (width == 0 || height == 0 || width > kMaxImageSide || height > kMaxImageSide)
        return std::nullopt;
    return ImageHeader{format, static_cast<std::uint32_t>(width),
                       static_cast<std::uint32_t>(height)};
}

std::optional<ImageHeader> png(Bytes b) {
    // Signature, then the IHDR chunk: length, "IHDR", width, height.
    if (b.size() < 24 || std::memcmp(b.data() + 12, "IHDR", 4) != 0) return std::nullopt;
    return sized("png", be32(b, 16), be32(b, 20));
}

std::optional<ImageHeader> jpeg(Bytes b) {
    std::size_t at = 2;
    while (at + 4 <= b.size()) {
        if (b[at] != 0xFF) return std::nullopt;
        const std::uint8_t marker = b[at + 1];
        if (marker == 0xFF) {  // fill byte
            ++at;
            continue;
        }
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            at += 2;  // markers without a length
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA) return std::nullopt;  // EOI or scan before any SOF
        const std::uint32_t length = be16(b, at + 2);
        if (length < 2) return std::nullopt;
        const bool is_sof =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (is_sof) {
            if (at + 9 > b.size() || length < 7) return std::nullopt;
            return sized("jpeg", be16(b, at + 7), be16(b, at + 5));
        }
        at += 2 + length;
    }
    return std::nullopt;
}

std::optional<ImageHeader> bmp(Bytes b) {
    if (b.size() < 26) return std::nullopt;
    const std::uint32_t header_size = le32(b, 14);
    if (header_size == 12) return sized("bmp", le16(b, 18), le16(b, 20));  // OS/2 core header
    if (header_size < 40) return std::nullopt;
    const auto height = static_cast<std::int32_t>(le32(b, 22));  // negative = top-down rows
    const std::int64_t h = height < 0 ? -static_cast<std::int64_t>(height) : height;
    return sized("bmp", static_cast<std::int32_t>(le32(b, 18)) < 0 ? 0 : le32(b, 18), h);
}

std::optional<ImageHeader> gif(Bytes b) {
    if (b.size() < 10) return std::nullopt;
    return sized("gif", le16(b, 6), le16(b, 8));
}

std::optional<ImageHeader> webp(Bytes b) {
    if (b.size() < 30 || std::memcmp(b.data() + 8, "WEBP", 4) != 0) return std::nullopt;
    if (std::memcmp(b.data() + 12, "VP8 ", 4) == 0) {
        if (b[23] != 0x9D || b[24] != 0x01 || b[25] != 0x2A) return std::nullopt;
        return sized("webp", le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF);
    }
    if (std::memcmp(b.data() + 12, "VP8L", 4) == 0) {
        if (b[20] != 0x2F) return std::nullopt;
        const std::uint32_t bits = le32(b, 21);
        return sized("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
    }
    if (std::memcmp(b.data() + 12, "VP8X", 4) == 0)
        return sized("webp", le24(b, 24) + 1, le24(b, 27) + 1);
    return std::nullopt;
}

std::optional<ImageHeader> tiff(Bytes b) {
    const bool little = b[0] == 'I';
    const auto u16 = [&](std::size_t at) { return little ? le16(b, at) : be16(b, at); };
    const auto u32 = [&](std::size_t at) { return little ? le32(b, at) : be32(b, at); };
    const std::uint32_t ifd = u32(4);
    if (ifd < 8 || std::size_t{ifd} + 2 > b.size()) return std::nullopt;
    const std::uint32_t entries = u16(ifd);
    std::uint64_t width = 0, height = 0;
    for (std::uint32_t i = 0; i < entries; ++i) {
        const std::size_t entry = std::size_t{ifd} + 2 + std::size_t{i} * 12;
        if (entry + 12 > b.size()) return std::nullopt;
        const std::uint32_t tag = u16(entry), type = u16(entry + 2);
        // SHORT (3) values sit in the first two bytes of the value field, LONG (4) in all four.
        const std::uint32_t value = type == 3 ? u16(entry + 8) : type == 4 ? u32(entry + 8) : 0;
        if (tag == 256) width = value;
        if (tag == 257) height = value;
    }
    return sized("tiff", width, height);
}

}  // namespace

std::optional<ImageHeader> parse_image_header(std::span<const std::uint8_t> bytes) {
    if (starts_with(bytes, "\x89PNG\r\n\x1a\n")) return png(bytes);
    if (starts_with(bytes, "\xFF\xD8\xFF")) return jpeg(bytes);
    if (starts_with(bytes, "BM")) return bmp(bytes);
    if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")) return gif(bytes);
    if (starts_with(bytes, "RIFF")) return webp(bytes);
    if (bytes.size() >= 8 && (starts_with(bytes, "II*\0") || starts_with(bytes, "MM\0*")))
        return tiff(bytes);
    return std::nullopt;
}

std::optional<ImageHeader> read_image_header(const std::filesystem::path& path) {
    // JPEG files may carry large EXIF or ICC segments before the frame header,
    // so read a generous prefix rather than a fixed small one.
    constexpr std::size_t kPrefix = 1 << 20;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::vector<std::uint8_t> prefix(kPrefix);
    in.read(reinterpret_cast<char*>(prefix.data()), static_cast<std::streamsize>(prefix.size()));
    prefix.resize(static_cast<std::size_t>(in.gcount()));
    return parse_image_header(prefix);
}

v1::MediaKind media_kind_from_extension(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    static constexpr std::array<std::pair<std::string_view, v1::MediaKind>, 30> kinds{{
        {".jpg", v1::MediaKind::Image},      {".jpeg", v1::MediaKind::Image},
        {".png", v1::MediaKind::Image},      {".bmp", v1::MediaKind::Image},
        {".gif", v1::MediaKind::Image},      {".webp", v1::MediaKind::Image},
        {".tif", v1::MediaKind::Image},      {".tiff", v1::MediaKind::Image},
        {".mp4", v1::MediaKind::Video},      {".mov", v1::MediaKind::Video},
        {".mkv", v1::MediaKind::Video},      {".avi", v1::MediaKind::Video},
        {".webm", v1::MediaKind::Video},     {".wav", v1::MediaKind::Audio},
        {".flac", v1::MediaKind::Audio},     {".mp3", v1::MediaKind::Audio},
        {".ogg", v1::MediaKind::Audio},      {".m4a", v1::MediaKind::Audio},
        {".txt", v1::MediaKind::Text},       {".md", v1::MediaKind::Text},
        {".pcd", v1::MediaKind::PointCloud}, {".ply", v1::MediaKind::PointCloud},
        {".las", v1::MediaKind::PointCloud}, {".laz", v1::MediaKind::PointCloud},
        {".bin", v1::MediaKind::PointCloud}, {".dcm", v1::MediaKind::Volume},
        {".nii", v1::MediaKind::Volume},     {".nrrd", v1::MediaKind::Volume},
        {".mha", v1::MediaKind::Volume},     {".mhd", v1::MediaKind::Volume},
    }};
    for (const auto& [e, kind] : kinds)
        if (ext == e) return kind;
    return v1::MediaKind::Unknown;
}

}  // namespace tessera::media
