#include "support/dataset_source.hpp"

#include <cmath>
#include <map>

#include <fmt/format.h>

namespace tessera::test {
namespace {

template <class T>
std::vector<std::uint8_t> finish(flatbuffers::FlatBufferBuilder& fbb, flatbuffers::Offset<T> root,
                                 const char* identifier) {
    fbb.Finish(root, identifier);
    return {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()};
}

bool close(double a, double b) {
    return std::abs(a - b) <= 1e-6 * std::max({1.0, std::abs(a), std::abs(b)});
}

struct Comparer {
    std::vector<std::string>& out;
    std::string where;

    void note(const std::string& what) { out.push_back(where + ": " + what); }

    void points(const std::vector<v1::Point2>& a, const std::vector<v1::Point2>& b,
                const char* what) {
        if (a.size() != b.size()) {
            note(fmt::format("{}: {} points, expected {}", what, b.size(), a.size()));
            return;
        }
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!close(a[i].x(), b[i].x()) || !close(a[i].y(), b[i].y()))
                note(fmt::format("{} point {}: ({}, {}), expected ({}, {})", what, i, b[i].x(),
                                 b[i].y(), a[i].x(), a[i].y()));
    }

    void number(double a, double b, const char* what) {
        if (!close(a, b)) note(fmt::format("{}: {}, expected {}", what, b, a));
    }

    void polygon(const v1::PolygonT& a, const v1::PolygonT& b) {
        points(a.points, b.points, "polygon");
        if (a.ring_ends != b.ring_ends) note("polygon rings differ");
    }

    void geometry(const v1::GeometryUnion& a, const v1::GeometryUnion& b) {
        if (a.type != b.type) {
            note(fmt::format("geometry {}, expected {}", v1::EnumNameGeometry(b.type),
                             v1::EnumNameGeometry(a.type)));
            return;
        }
        switch (a.type) {
            case v1::Geometry::Box: {
                const auto &x = *a.AsBox(), &y = *b.AsBox();
                number(x.left, y.left, "box left");
                number(x.top, y.top, "box top");
                number(x.right, y.right, "box right");
                number(x.bottom, y.bottom, "box bottom");
                break;
            }
            case v1::Geometry::Polygon:
                polygon(*a.AsPolygon(), *b.AsPolygon());
                break;
            case v1::Geometry::MultiPolygon: {
                const auto &x = a.AsMultiPolygon()->polygons, &y = b.AsMultiPolygon()->polygons;
                if (x.size() != y.size()) {
                    note(fmt::format("{} polygons, expected {}", y.size(), x.size()));
                    break;
                }
                for (std::size_t i = 0; i < x.size(); ++i) polygon(*x[i], *y[i]);
                break;
            }
            case v1::Geometry::Polyline:
                points(a.AsPolyline()->points, b.AsPolyline()->points, "polyline");
                break;
            case v1::Geometry::Keypoints: {
                const auto &x = *a.AsKeypoints(), &y = *b.AsKeypoints();
                if (x.visibility != y.visibility) note("keypoint visibility differs");
                // Coordinates of unlabelled points carry no meaning.
                std::vector<v1::Point2> px, py;
                for (std::size_t i = 0; i < x.points.size() && i < y.points.size(); ++i)
                    if (i >= x.visibility.size() || x.visibility[i] != v1::Visibility::NotLabeled) {
                        px.push_back(x.points[i]);
                        py.push_back(y.points[i]);
                    }
                if (x.points.size() != y.points.size()) note("keypoint count differs");
                points(px, py, "keypoints");
                if (x.skeleton != y.skeleton) note("keypoint skeleton differs");
                break;
            }
            case v1::Geometry::Point: {
                const auto &x = *a.AsPoint(), &y = *b.AsPoint();
                if (!x.position || !y.position) {
                    if (!x.position != !y.position) note("point position missing");
                    break;
                }
                points({*x.position}, {*y.position}, "point");
                break;
            }
            case v1::Geometry::Circle: {
                const auto &x = *a.AsCircle(), &y = *b.AsCircle();
                if (x.center && y.center) points({*x.center}, {*y.center}, "circle centre");
                number(x.radius, y.radius, "circle radius");
                break;
            }
            case v1::Geometry::Mask: {
                const auto &x = *a.AsMask(), &y = *b.AsMask();
                if (x.width != y.width || x.height != y.height || x.counts != y.counts)
                    note("mask differs");
                break;
            }
            case v1::Geometry::RotatedBox: {
                const auto &x = *a.AsRotatedBox(), &y = *b.AsRotatedBox();
                if (x.center && y.center) points({*x.center}, {*y.center}, "rotated box centre");
                number(x.width, y.width, "rotated box width");
                number(x.height, y.height, "rotated box height");
                number(x.angle, y.angle, "rotated box angle");
                break;
            }
            default:
                break;  // not produced by the image formats
        }
    }

    void attributes(const std::vector<std::unique_ptr<v1::AttributeT>>& a,
                    const std::vector<std::unique_ptr<v1::AttributeT>>& b) {
        std::map<std::string, const v1::AttributeT*> x, y;
        for (const auto& attr : a) x[attr->key] = attr.get();
        for (const auto& attr : b) y[attr->key] = attr.get();
        for (const auto& [key, attr] : x) {
            const auto it = y.find(key);
            if (it == y.end()) {
                note("attribute " + key + " missing");
                continue;
            }
            const v1::AttributeT& other = *it->second;
            if (attr->type != other.type || attr->bool_value != other.bool_value ||
                attr->int_value != other.int_value ||
                !close(attr->float_value, other.float_value) ||
                attr->string_value != other.string_value || attr->strings != other.strings)
                note("attribute " + key + " differs");
        }
        for (const auto& [key, attr] : y)
            if (!x.count(key)) note("unexpected attribute " + key);
    }
};

}  // namespace

DatasetSource::DatasetSource(const formats::Dataset& dataset) {
    flatbuffers::FlatBufferBuilder fbb;
    schema_ = finish(fbb, v1::LabelSchema::Pack(fbb, &dataset.schema), v1::LabelSchemaIdentifier());
    std::uint64_t id = 0;
    for (const formats::ImportedItem& imported : dataset.items) {
        ++id;
        v1::ItemT item;
        item.id = id;
        item.media = std::make_unique<v1::MediaT>(imported.media);
        if (item.media->uri.empty()) item.media->uri = imported.name;
        item.name = imported.name;
        item.subset = imported.subset;
        for (const auto& kv : imported.metadata)
            item.metadata.push_back(std::make_unique<v1::KeyValueT>(*kv));
        v1::AnnotationSetT set;
        set.item = id;
        for (const auto& a : imported.annotations)
            set.annotations.push_back(std::make_unique<v1::AnnotationT>(*a));
        fbb.Clear();
        auto item_bytes = finish(fbb, v1::Item::Pack(fbb, &item), v1::ItemIdentifier());
        fbb.Clear();
        auto set_bytes =
            finish(fbb, v1::AnnotationSet::Pack(fbb, &set), v1::AnnotationSetIdentifier());
        items_.emplace_back(std::move(item_bytes), std::move(set_bytes));
    }
}

const v1::LabelSchema& DatasetSource::schema() const {
    return *flatbuffers::GetRoot<v1::LabelSchema>(schema_.data());
}

void DatasetSource::for_each_item(
    const std::function<void(const v1::Item&, const v1::AnnotationSet&)>& visit) const {
    for (const auto& [item, set] : items_)
        visit(*flatbuffers::GetRoot<v1::Item>(item.data()),
              *flatbuffers::GetRoot<v1::AnnotationSet>(set.data()));
}

std::vector<std::string> dataset_differences(const formats::Dataset& expected,
                                             const formats::Dataset& actual) {
    std::vector<std::string> out;
    if (expected.items.size() != actual.items.size())
        out.push_back(
            fmt::format("{} items, expected {}", actual.items.size(), expected.items.size()));
    std::map<std::string, const formats::ImportedItem*> by_name;
    for (const auto& item : actual.items) by_name[item.name] = &item;
    for (const auto& want : expected.items) {
        const auto it = by_name.find(want.name);
        if (it == by_name.end()) {
            out.push_back("item " + want.name + " missing");
            continue;
        }
        const formats::ImportedItem& got = *it->second;
        if (want.annotations.size() != got.annotations.size()) {
            out.push_back(fmt::format("{}: {} annotations, expected {}", want.name,
                                      got.annotations.size(), want.annotations.size()));
            continue;
        }
        // Map ids to positions so that parent links compare structurally.
        std::map<std::uint64_t, std::size_t> want_pos, got_pos;
        for (std::size_t i = 0; i < want.annotations.size(); ++i) {
            want_pos[want.annotations[i]->id] = i;
            got_pos[got.annotations[i]->id] = i;
        }
        for (std::size_t i = 0; i < want.annotations.size(); ++i) {
            const v1::AnnotationT &a = *want.annotations[i], &b = *got.annotations[i];
            Comparer c{out, fmt::format("{} annotation {}", want.name, i)};
            if (a.label != b.label) c.note("label '" + b.label + "', expected '" + a.label + "'");
            c.geometry(a.geometry, b.geometry);
            c.attributes(a.attributes, b.attributes);
            if (a.text != b.text) c.note("text differs");
            const auto parent_of = [](const std::map<std::uint64_t, std::size_t>& pos,
                                      std::uint64_t p) {
                const auto found = pos.find(p);
                return p == 0 || found == pos.end() ? std::ptrdiff_t{-1}
                                                    : static_cast<std::ptrdiff_t>(found->second);
            };
            if (parent_of(want_pos, a.parent) != parent_of(got_pos, b.parent))
                c.note("parent differs");
        }
    }
    return out;
}

}  // namespace tessera::test
