#include "edits.hpp"

#include <chrono>
#include <utility>

namespace tessera::view_image {

namespace {

std::vector<v1::Point2> to_points(std::span<const Vec2> points) {
    std::vector<v1::Point2> out;
    out.reserve(points.size());
    for (const Vec2& p : points) out.emplace_back(p.x, p.y);
    return out;
}

void translate_points(std::vector<v1::Point2>& points, double dx, double dy) {
    for (v1::Point2& p : points) p = v1::Point2(p.x() + dx, p.y() + dy);
}

std::vector<std::uint8_t> finish(const EditContext& context, std::vector<v1::EditOpT> ops,
                                 std::string_view comment) {
    v1::EditBatchT batch;
    batch.author = context.author;
    batch.time = context.time_ms;
    batch.comment = std::string(comment);
    for (v1::EditOpT& op : ops) batch.ops.push_back(std::make_unique<v1::EditOpT>(std::move(op)));
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishEditBatchBuffer(builder, v1::EditBatch::Pack(builder, &batch));
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

}  // namespace

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::vector<std::uint8_t> add_batch(const EditContext& context, std::string label,
                                    v1::GeometryUnion geometry, std::string_view comment) {
    auto annotation = std::make_unique<v1::AnnotationT>();
    annotation->id = 0;
    annotation->label = std::move(label);
    annotation->geometry = std::move(geometry);
    annotation->provenance = std::make_unique<v1::ProvenanceT>();
    annotation->provenance->author = context.author;
    annotation->provenance->created = context.time_ms;
    annotation->provenance->modified = context.time_ms;
    annotation->provenance->source = v1::Source::Human;

    v1::AddAnnotationT add;
    add.item = context.item;
    add.annotation = std::move(annotation);
    std::vector<v1::EditOpT> ops(1);
    ops[0].edit.Set(std::move(add));
    return finish(context, std::move(ops), comment);
}

std::vector<std::uint8_t> update_batch(const EditContext& context,
                                       std::unique_ptr<v1::AnnotationT> annotation,
                                       std::string_view comment) {
    if (!annotation->provenance) {
        annotation->provenance = std::make_unique<v1::ProvenanceT>();
        annotation->provenance->author = context.author;
        annotation->provenance->source = v1::Source::Human;
    }
    annotation->provenance->modified = context.time_ms;

    v1::UpdateAnnotationT update;
    update.item = context.item;
    update.annotation = std::move(annotation);
    std::vector<v1::EditOpT> ops(1);
    ops[0].edit.Set(std::move(update));
    return finish(context, std::move(ops), comment);
}

std::vector<std::uint8_t> delete_batch(const EditContext& context, std::uint64_t id,
                                       std::string_view comment) {
    v1::DeleteAnnotationT remove;
    remove.item = context.item;
    remove.annotation = id;
    std::vector<v1::EditOpT> ops(1);
    ops[0].edit.Set(std::move(remove));
    return finish(context, std::move(ops), comment);
}

v1::GeometryUnion box_geometry(const Rect& box) {
    v1::BoxT geometry;
    geometry.left = box.min_x;
    geometry.top = box.min_y;
    geometry.right = box.max_x;
    geometry.bottom = box.max_y;
    v1::GeometryUnion result;
    result.Set(std::move(geometry));
    return result;
}

v1::GeometryUnion polygon_geometry(std::span<const Vec2> points) {
    v1::PolygonT geometry;
    geometry.points = to_points(points);
    v1::GeometryUnion result;
    result.Set(std::move(geometry));
    return result;
}

v1::GeometryUnion polyline_geometry(std::span<const Vec2> points) {
    v1::PolylineT geometry;
    geometry.points = to_points(points);
    v1::GeometryUnion result;
    result.Set(std::move(geometry));
    return result;
}

v1::GeometryUnion keypoints_geometry(std::span<const Vec2> points) {
    v1::KeypointsT geometry;
    geometry.points = to_points(points);
    geometry.visibility.assign(points.size(), v1::Visibility::Visible);
    v1::GeometryUnion result;
    result.Set(std::move(geometry));
    return result;
}

bool translate(v1::GeometryUnion& geometry, double dx, double dy) {
    switch (geometry.type) {
        case v1::Geometry::Box: {
            v1::BoxT& box = *geometry.AsBox();
            box.left += dx;
            box.right += dx;
            box.top += dy;
            box.bottom += dy;
            return true;
        }
        case v1::Geometry::RotatedBox: {
            v1::RotatedBoxT& box = *geometry.AsRotatedBox();
            if (!box.center) return false;
            box.center = std::make_unique<v1::Point2>(box.center->x() + dx, box.center->y() + dy);
            return true;
        }
        case v1::Geometry::Polygon:
            translate_points(geometry.AsPolygon()->points, dx, dy);
            return true;
        case v1::Geometry::MultiPolygon:
            for (auto& part : geometry.AsMultiPolygon()->polygons)
                translate_points(part->points, dx, dy);
            return true;
        case v1::Geometry::Polyline:
            translate_points(geometry.AsPolyline()->points, dx, dy);
            return true;
        case v1::Geometry::Keypoints:
            translate_points(geometry.AsKeypoints()->points, dx, dy);
            return true;
        case v1::Geometry::Point: {
            v1::PointT& point = *geometry.AsPoint();
            if (!point.position) return false;
            point.position =
                std::make_unique<v1::Point2>(point.position->x() + dx, point.position->y() + dy);
            return true;
        }
        case v1::Geometry::Circle: {
            v1::CircleT& circle = *geometry.AsCircle();
            if (!circle.center) return false;
            circle.center =
                std::make_unique<v1::Point2>(circle.center->x() + dx, circle.center->y() + dy);
            return true;
        }
        default:
            return false;
    }
}

bool set_vertex(v1::GeometryUnion& geometry, std::uint32_t index, double x, double y) {
    std::vector<v1::Point2>* points = nullptr;
    switch (geometry.type) {
        case v1::Geometry::Polygon:
            points = &geometry.AsPolygon()->points;
            break;
        case v1::Geometry::Polyline:
            points = &geometry.AsPolyline()->points;
            break;
        case v1::Geometry::Keypoints:
            points = &geometry.AsKeypoints()->points;
            break;
        case v1::Geometry::Point:
            if (index != 0 || !geometry.AsPoint()->position) return false;
            geometry.AsPoint()->position = std::make_unique<v1::Point2>(x, y);
            return true;
        default:
            return false;
    }
    if (index >= points->size()) return false;
    (*points)[index] = v1::Point2(x, y);
    return true;
}

}  // namespace tessera::view_image
