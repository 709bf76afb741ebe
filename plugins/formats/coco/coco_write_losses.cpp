// Losses of a COCO export: see coco_write_losses.hpp.

#include "coco_write_losses.hpp"

#include <fmt/format.h>
#include <tessera/cpp/strings.hpp>

namespace tessera::formats::coco::detail {
namespace {

using cpp::text;

/// Notes metadata "format:field" of formats other than COCO; other keys are the
/// project's own.
void note_foreign_metadata(const WriteOptions& options,
                           const flatbuffers::Vector<flatbuffers::Offset<v1::KeyValue>>* metadata,
                           std::string_view owner, std::string_view label, std::string_view where) {
    if (metadata == nullptr) return;
    for (const v1::KeyValue* kv : *metadata) {
        const std::string_view key = text(kv->key());
        const std::size_t colon = key.find(':');
        if (colon == std::string_view::npos || colon == 0 || key.substr(0, colon) == "coco")
            continue;
        options.lost(fmt::format("{} metadata \"{}\" (COCO has no such field)", owner, key), label,
                     where);
    }
}

}  // namespace

std::string_view unwritable(v1::Geometry kind) {
    switch (kind) {
        case v1::Geometry::Box:
        case v1::Geometry::RotatedBox:
        case v1::Geometry::Polygon:
        case v1::Geometry::MultiPolygon:
        case v1::Geometry::Mask:
        case v1::Geometry::Keypoints:
            return {};
        case v1::Geometry::Polyline:
            return "Polyline annotations (COCO has no polylines)";
        case v1::Geometry::Point:
            return "Point annotations (COCO has no single points)";
        case v1::Geometry::Circle:
            return "Circle annotations (COCO has no circles)";
        case v1::Geometry::Cuboid:
            return "Cuboid annotations (COCO has no cuboids)";
        case v1::Geometry::TimeSpan:
        case v1::Geometry::TextSpan:
            return "time and text spans (COCO has neither)";
        default:
            return "tags without geometry (COCO instances have no image-level labels)";
    }
}

std::string item_place(const v1::Item& item, std::string_view name) {
    return fmt::format("item {} ({})", item.id(), name);
}

void note_annotation_losses(const WriteOptions& options, const v1::Annotation& a,
                            bool parent_written, std::string_view where) {
    const std::string_view label = text(a.label());
    if (!text(a.text()).empty()) options.lost("annotation text (COCO has no text)", label, where);
    if (a.relations() != nullptr && a.relations()->size() > 0)
        options.lost("relations between annotations (COCO has none)", label, where);
    if (a.frame() >= 0 || a.track() != 0)
        options.lost("video frames and tracks (COCO has neither)", label, where);
    if (a.parent() != 0 && !parent_written)
        options.lost("parent links (COCO links only keypoints to their shape)", label, where);
    note_foreign_metadata(options, a.metadata(), "annotation", label, where);
}

void note_item_losses(const WriteOptions& options, const v1::Item& item, std::string_view where) {
    note_foreign_metadata(options, item.metadata(), "item", {}, where);
}

}  // namespace tessera::formats::coco::detail
