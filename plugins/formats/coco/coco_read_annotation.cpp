// Reading one element of COCO's "annotations": bbox, polygon and RLE segmentation,
// keypoints, iscrowd, CVAT attributes and extra fields. Labels and ids are resolved
// by coco_read.cpp once images and categories are known. See coco.hpp for what the
// COCO module implements and what it does not.

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "coco.hpp"
#include "coco_fidelity.hpp"
#include "coco_read_internal.hpp"

namespace tessera::formats::coco::detail {
namespace {

std::vector<v1::Point2> to_points(const std::vector<double>& xy) {
    std::vector<v1::Point2> points;
    points.reserve(xy.size() / 2);
    for (std::size_t i = 0; i + 1 < xy.size(); i += 2) points.emplace_back(xy[i], xy[i + 1]);
    return points;
}

/// segmentation: [[x1,y1,x2,y2,...], ...] -> Polygon or MultiPolygon; NONE when empty.
v1::GeometryUnion read_polygons(const Cursor& cursor, od::value& value, const Context& where,
                                AnnotationScratch& scratch) {
    std::vector<std::unique_ptr<v1::PolygonT>> polygons;
    od::array list = cursor.array(value, where);
    std::size_t index = 0;
    cursor.for_each_element(list, where, [&](od::value& element) {
        ++index;
        if (cursor.type(element, where) != od::json_type::array)
            cursor.fail_type(element, where, "a list of polygons [[x1, y1, x2, y2, ...], ...]");
        const char* at = cursor.numbers(element, where, scratch.numbers);
        if (scratch.numbers.size() % 2 != 0)
            cursor.fail(
                at, where,
                fmt::format("polygon {} has {} numbers, expected an even count (x, y pairs)", index,
                            scratch.numbers.size()));
        if (scratch.numbers.empty()) return;
        auto polygon = std::make_unique<v1::PolygonT>();
        polygon->points = to_points(scratch.numbers);
        polygons.push_back(std::move(polygon));
    });
    v1::GeometryUnion geometry;
    if (polygons.size() == 1) {
        geometry.Set(std::move(*polygons.front()));
    } else if (polygons.size() > 1) {
        v1::MultiPolygonT multi;
        multi.polygons = std::move(polygons);
        geometry.Set(std::move(multi));
    }
    return geometry;
}

/// segmentation: {"size": [h, w], "counts": [...] or "compressed"} -> Mask.
v1::GeometryUnion read_rle(const Cursor& cursor, od::value& value, const Context& where) {
    const char* start = Cursor::at(value);
    od::object object = cursor.object(value, where);
    v1::MaskT mask;
    bool has_size = false, has_counts = false;
    const char* counts_at = nullptr;
    cursor.for_each_field(object, where, [&](std::string_view key, od::value& field) {
        if (key == "size") {
            const Context& size_where = where;
            const char* at = Cursor::at(field);
            od::array list = cursor.array(field, size_where);
            std::array<std::uint32_t, 2> hw{};
            std::size_t n = 0;
            cursor.for_each_element(list, size_where, [&](od::value& element) {
                const std::uint32_t s = cursor.size(element, size_where);
                if (n < 2) hw[n] = s;
                ++n;
            });
            if (n != 2)
                cursor.fail(at, where,
                            fmt::format("RLE size has {} numbers, expected 2 [height, width]", n));
            mask.height = hw[0];
            mask.width = hw[1];
            has_size = true;
        } else if (key == "counts") {
            const Context& counts_where = where;
            counts_at = Cursor::at(field);
            mask.counts.clear();
            if (cursor.type(field, counts_where) == od::json_type::string) {
                std::string error;
                if (!decode_rle_string(cursor.string(field, counts_where), mask.counts, error))
                    cursor.fail(counts_at, counts_where,
                                "malformed compressed RLE counts: " + error);
            } else {
                od::array list = cursor.array(field, counts_where);
                cursor.for_each_element(list, counts_where, [&](od::value& element) {
                    mask.counts.push_back(cursor.size(element, counts_where));
                });
            }
            has_counts = true;
        }
    });
    if (!has_size) cursor.fail(start, where, "RLE is missing \"size\" [height, width]");
    if (!has_counts) cursor.fail(start, where, "RLE is missing \"counts\"");
    std::uint64_t sum = 0;
    for (const std::uint32_t run : mask.counts) sum += run;
    const std::uint64_t pixels = std::uint64_t{mask.height} * mask.width;
    if (sum != pixels)
        cursor.fail(counts_at, where,
                    fmt::format("RLE counts sum to {}, expected height*width = {}*{} = {}", sum,
                                mask.height, mask.width, pixels));
    v1::GeometryUnion geometry;
    geometry.Set(std::move(mask));
    return geometry;
}

v1::GeometryUnion read_segmentation(const Cursor& cursor, od::value& value, const Context& where,
                                    AnnotationScratch& scratch) {
    switch (cursor.type(value, where)) {
        case od::json_type::array:
            return read_polygons(cursor, value, where, scratch);
        case od::json_type::object:
            return read_rle(cursor, value, where);
        case od::json_type::null:
            return {};
        default:
            cursor.fail_type(value, where, "a list of polygons or an RLE object");
    }
}

/// keypoints: [x1, y1, v1, ...] -> Keypoints; null when the list is empty.
std::unique_ptr<v1::KeypointsT> read_keypoints(const Cursor& cursor, od::value& value,
                                               const Context& where, AnnotationScratch& scratch) {
    const char* at = cursor.numbers(value, where, scratch.more_numbers);
    const std::vector<double>& xyv = scratch.more_numbers;
    if (xyv.size() % 3 != 0)
        cursor.fail(at, where.with({}),
                    fmt::format("keypoints has {} numbers, expected a multiple of 3 (x, y, v)",
                                xyv.size()));
    if (xyv.empty()) return nullptr;
    auto keypoints = std::make_unique<v1::KeypointsT>();
    keypoints->points.reserve(xyv.size() / 3);
    keypoints->visibility.reserve(xyv.size() / 3);
    for (std::size_t i = 0; i < xyv.size(); i += 3) {
        const double v = xyv[i + 2];
        if (v != 0 && v != 1 && v != 2)
            cursor.fail(
                at, where.with({}),
                fmt::format("keypoint {} has visibility {}, expected 0, 1 or 2", i / 3 + 1, v));
        keypoints->points.emplace_back(xyv[i], xyv[i + 1]);
        keypoints->visibility.push_back(static_cast<v1::Visibility>(static_cast<int>(v)));
    }
    return keypoints;
}

/// True when `bbox` is exactly the bounds of the labelled keypoints (or all zero when
/// none is labelled): what the writer gives keypoints without a shape of their own.
bool bbox_is_keypoint_bounds(const std::array<double, 4>& bbox, const v1::KeypointsT& keypoints) {
    bool any = false;
    double left = 0, top = 0, right = 0, bottom = 0;
    for (std::size_t i = 0; i < keypoints.points.size(); ++i) {
        if (keypoints.visibility[i] == v1::Visibility::NotLabeled) continue;
        const v1::Point2& p = keypoints.points[i];
        left = any ? std::min(left, p.x()) : p.x();
        top = any ? std::min(top, p.y()) : p.y();
        right = any ? std::max(right, p.x()) : p.x();
        bottom = any ? std::max(bottom, p.y()) : p.y();
        any = true;
    }
    // x + width may differ from the right edge in the last bit.
    const auto same = [](double a, double b) {
        return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)});
    };
    return same(bbox[0], left) && same(bbox[1], top) && same(bbox[0] + bbox[2], right) &&
           same(bbox[1] + bbox[3], bottom);
}

/// The bbox and area the writer gives `geometry` (keypoints: those of its labelled
/// points), to know whether the file's differ and must be kept.
std::pair<Bbox, double> written_bbox_and_area(const v1::GeometryUnion& geometry) {
    double left = 0, top = 0, right = 0, bottom = 0;
    bool any = false;
    const auto grow = [&](double x, double y) {
        left = any ? std::min(left, x) : x;
        top = any ? std::min(top, y) : y;
        right = any ? std::max(right, x) : x;
        bottom = any ? std::max(bottom, y) : y;
        any = true;
    };
    const auto ring_area = [](const std::vector<v1::Point2>& points) {
        double twice = 0;
        for (std::size_t i = 0; i < points.size(); ++i) {
            const v1::Point2& a = points[i];
            const v1::Point2& c = points[i + 1 < points.size() ? i + 1 : 0];
            twice += a.x() * c.y() - c.x() * a.y();
        }
        return std::abs(twice) / 2;
    };
    double area = 0;
    switch (geometry.type) {
        case v1::Geometry::Box: {
            const auto& box = *geometry.AsBox();
            grow(box.left, box.top);
            grow(box.right, box.bottom);
            area = (box.right - box.left) * (box.bottom - box.top);
            break;
        }
        case v1::Geometry::Polygon:
            for (const v1::Point2& p : geometry.AsPolygon()->points) grow(p.x(), p.y());
            area = ring_area(geometry.AsPolygon()->points);
            break;
        case v1::Geometry::MultiPolygon:
            for (const auto& polygon : geometry.AsMultiPolygon()->polygons) {
                for (const v1::Point2& p : polygon->points) grow(p.x(), p.y());
                area += ring_area(polygon->points);
            }
            break;
        case v1::Geometry::Mask: {
            const auto& mask = *geometry.AsMask();
            bool foreground = false;
            for (const std::uint32_t run : mask.counts) {
                if (foreground) area += run;
                foreground = !foreground;
            }
            return {rle_bbox(mask.counts, mask.height), area};
        }
        case v1::Geometry::Keypoints: {
            const auto& keypoints = *geometry.AsKeypoints();
            for (std::size_t i = 0; i < keypoints.points.size(); ++i)
                if (keypoints.visibility[i] != v1::Visibility::NotLabeled)
                    grow(keypoints.points[i].x(), keypoints.points[i].y());
            area = (right - left) * (bottom - top);
            break;
        }
        default:
            break;
    }
    return {Bbox{left, top, right - left, bottom - top}, area};
}

/// CVAT's "attributes": {"occluded": false, "count": 3, ...} -> typed attributes.
void read_attributes(const Cursor& cursor, od::value& value, const Context& where,
                     std::vector<std::unique_ptr<v1::AttributeT>>& out) {
    od::object object = cursor.object(value, where);
    cursor.for_each_field(object, where, [&](std::string_view key, od::value& field) {
        auto attribute = std::make_unique<v1::AttributeT>();
        attribute->key = key;
        const auto wrong_type = [&](od::value& bad) {
            cursor.fail_type(bad, where,
                             fmt::format("attribute \"{}\" to be a boolean, number, string or "
                                         "list of strings",
                                         attribute->key));
        };
        switch (cursor.type(field, where)) {
            case od::json_type::null:
                return;
            case od::json_type::boolean:
                attribute->type = v1::AttributeType::Bool;
                attribute->bool_value = cursor.boolean(field, where);
                break;
            case od::json_type::number:
                // "3" is an Int, "3.0" a Float: the writer keeps the fraction of floats.
                if (field.get_int64().get(attribute->int_value) == simdjson::SUCCESS) {
                    attribute->type = v1::AttributeType::Int;
                } else {
                    attribute->type = v1::AttributeType::Float;
                    attribute->float_value = cursor.number(field, where);
                }
                break;
            case od::json_type::string:
                attribute->type = v1::AttributeType::String;
                attribute->string_value = cursor.string(field, where);
                break;
            case od::json_type::array: {
                attribute->type = v1::AttributeType::MultiEnum;
                od::array list = cursor.array(field, where);
                cursor.for_each_element(list, where, [&](od::value& element) {
                    if (cursor.type(element, where) != od::json_type::string) wrong_type(element);
                    attribute->strings.emplace_back(cursor.string(element, where));
                });
                break;
            }
            default:
                wrong_type(field);
        }
        out.push_back(std::move(attribute));
    });
}

}  // namespace

PendingAnnotation read_annotation(const Cursor& cursor, od::value& value, std::size_t index,
                                  AnnotationScratch& scratch) {
    const Context where{"annotation", index};
    const char* start = Cursor::at(value);
    od::object object = cursor.object(value, where);

    PendingAnnotation out;
    out.index = index;
    bool has_bbox = false, crowd = false;
    Bbox bbox{};
    std::optional<double> area;
    // Fields of the COCO files that are not instances, to refuse them by name.
    bool has_segments_info = false, has_caption = false;
    v1::GeometryUnion segmentation;
    std::unique_ptr<v1::KeypointsT> keypoints;
    std::vector<std::unique_ptr<v1::AttributeT>> attributes;
    const char* attributes_at = start;
    std::vector<std::unique_ptr<v1::KeyValueT>> metadata;

    cursor.for_each_field(object, where, [&](std::string_view key, od::value& field) {
        if ((key == "bbox" || key == "keypoints") &&
            cursor.type(field, where.with(key)) == od::json_type::null)
            return;  // some tools write null for what they lack
        if (key == "segmentation") {
            segmentation = read_segmentation(cursor, field, where.with("segmentation"), scratch);
        } else if (key == "bbox") {
            const char* at = cursor.numbers(field, where.with("bbox"), scratch.numbers);
            if (scratch.numbers.size() != 4)
                cursor.fail(at, where,
                            fmt::format("bbox has {} numbers, expected 4", scratch.numbers.size()));
            std::copy_n(scratch.numbers.begin(), 4, bbox.begin());
            if (bbox[2] < 0 || bbox[3] < 0)
                cursor.fail(at, where,
                            fmt::format("bbox [x, y, width, height] has a negative size {} x {}",
                                        bbox[2], bbox[3]));
            if (!std::isfinite(bbox[0] + bbox[2]) || !std::isfinite(bbox[1] + bbox[3]))
                cursor.fail(at, where, "bbox reaches beyond the largest number");
            has_bbox = true;
        } else if (key == "image_id") {
            out.image_id_at = Cursor::at(field);
            out.image_id = cursor.integer(field, where.with("image_id"));
        } else if (key == "category_id") {
            out.category_id_at = Cursor::at(field);
            out.category_id = cursor.integer(field, where.with("category_id"));
        } else if (key == "iscrowd") {
            const Context crowd_where = where.with("iscrowd");
            crowd = cursor.type(field, crowd_where) == od::json_type::boolean
                        ? cursor.boolean(field, crowd_where)
                        : cursor.integer(field, crowd_where) != 0;
        } else if (key == "keypoints") {
            out.keypoints_at = Cursor::at(field);
            keypoints = read_keypoints(cursor, field, where.with("keypoints"), scratch);
        } else if (key == "attributes") {
            attributes_at = Cursor::at(field);
            read_attributes(cursor, field, where.with("attributes"), attributes);
        } else if (key == "area") {
            if (cursor.type(field, where.with(key)) != od::json_type::null)
                area = cursor.number(field, where.with(key));
        } else if (key != "id" && key != "num_keypoints") {
            has_segments_info |= key == "segments_info";
            has_caption |= key == "caption";
            metadata.push_back(coco_metadata(key, cursor.raw(field, where.with(key))));
        }
    });
    if (out.category_id_at == nullptr) {
        if (has_segments_info)
            cursor.text().fail(start,
                               "this is a COCO panoptic file (annotations with "
                               "\"segments_info\"), which Tessera does not read");
        if (has_caption)
            cursor.text().fail(start,
                               "this is a COCO captions file (annotations with "
                               "\"caption\"), which Tessera does not read");
    }
    if (out.image_id_at == nullptr)
        cursor.fail(start, where, "missing required field \"image_id\"");
    if (out.category_id_at == nullptr)
        cursor.fail(start, where, "missing required field \"category_id\"");
    if (crowd) {
        auto attribute = std::make_unique<v1::AttributeT>();
        attribute->key = "iscrowd";
        attribute->type = v1::AttributeType::Bool;
        attribute->bool_value = true;
        attributes.push_back(std::move(attribute));
    }
    if (attributes.size() > 1) {
        std::sort(attributes.begin(), attributes.end(),
                  [](const auto& a, const auto& b) { return a->key < b->key; });
        for (std::size_t i = 1; i < attributes.size(); ++i)
            if (attributes[i]->key == attributes[i - 1]->key)
                cursor.fail(attributes_at, where,
                            fmt::format("attribute \"{}\" is given twice", attributes[i]->key));
    }

    std::unique_ptr<v1::AnnotationT> main;
    if (segmentation.type != v1::Geometry::NONE) {
        main = std::make_unique<v1::AnnotationT>();
        main->geometry = std::move(segmentation);
    } else if (has_bbox && !(keypoints && bbox_is_keypoint_bounds(bbox, *keypoints))) {
        main = std::make_unique<v1::AnnotationT>();
        v1::BoxT box;
        box.left = bbox[0];
        box.top = bbox[1];
        box.right = bbox[0] + bbox[2];
        box.bottom = bbox[1] + bbox[3];
        main->geometry.Set(std::move(box));
    }
    if (keypoints) {
        out.keypoints = std::make_unique<v1::AnnotationT>();
        out.keypoints->geometry.Set(std::move(*keypoints));
    }
    // Without bbox, segmentation and keypoints: an image-level label (Datumaro's
    // "labels" task), a tag.
    if (!main && !out.keypoints) main = std::make_unique<v1::AnnotationT>();
    // Attributes and extra fields belong to the object: the shape, or the keypoints alone.
    v1::AnnotationT& owner = main ? *main : *out.keypoints;
    owner.attributes = std::move(attributes);
    owner.metadata = std::move(metadata);
    if (owner.geometry.type != v1::Geometry::NONE) {
        // The file's bbox and area where the writer would give others (a mask's
        // extent one pixel short, a polygon's area counted in pixels).
        const auto [written_bbox, written_area] = written_bbox_and_area(owner.geometry);
        if (has_bbox && main && main->geometry.type != v1::Geometry::Box &&
            !same_bbox(bbox, written_bbox))
            owner.metadata.push_back(coco_metadata("bbox", bbox_text(bbox)));
        if (area && std::abs(*area - written_area) >
                        1e-9 * std::max({1.0, std::abs(*area), std::abs(written_area)})) {
            std::string text;
            append_json_number(text, *area);
            owner.metadata.push_back(coco_metadata("area", text));
        }
    }
    out.shape = std::move(main);
    return out;
}

}  // namespace tessera::formats::coco::detail
