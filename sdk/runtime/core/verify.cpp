#include "core/verify.hpp"

#include <cstdint>

namespace tessera {
namespace {

template <class T>
bool aligned(const flatbuffers::Vector<T>* vector) {
    return vector == nullptr ||
           reinterpret_cast<std::uintptr_t>(vector->Data()) % alignof(double) == 0;
}

bool polygon_aligned(const v1::Polygon* polygon) {
    return polygon == nullptr || aligned(polygon->points());
}

bool annotation_sound(const v1::Annotation* a) {
    if (a == nullptr) return false;
    if (a->geometry_type() != v1::Geometry::NONE && a->geometry() == nullptr) return false;
    switch (a->geometry_type()) {
        case v1::Geometry::Polygon:
            return polygon_aligned(a->geometry_as_Polygon());
        case v1::Geometry::MultiPolygon: {
            const auto* parts = a->geometry_as_MultiPolygon()->polygons();
            if (parts == nullptr) return true;
            for (const v1::Polygon* p : *parts)
                if (!polygon_aligned(p)) return false;
            return true;
        }
        case v1::Geometry::Polyline:
            return aligned(a->geometry_as_Polyline()->points());
        case v1::Geometry::Keypoints:
            return aligned(a->geometry_as_Keypoints()->points());
        default:
            return true;
    }
}

}  // namespace

bool complete_and_aligned(const v1::AnnotationSet& root) {
    if (root.annotations() == nullptr) return true;
    for (const v1::Annotation* a : *root.annotations())
        if (!annotation_sound(a)) return false;
    return true;
}

bool complete_and_aligned(const v1::EditBatch& root) {
    if (root.ops() == nullptr) return true;
    for (const v1::EditOp* op : *root.ops()) {
        if (op->edit_type() != v1::Edit::NONE && op->edit() == nullptr) return false;
        // Adds and updates carry a whole annotation; without one they mean nothing.
        if (const auto* add = op->edit_as_AddAnnotation();
            add && !annotation_sound(add->annotation()))
            return false;
        if (const auto* update = op->edit_as_UpdateAnnotation();
            update && !annotation_sound(update->annotation()))
            return false;
    }
    return true;
}

bool complete_and_aligned(const v1::QaReport& root) {
    if (root.findings() == nullptr) return true;
    for (const v1::Finding* f : *root.findings())
        if (!aligned(f->annotations())) return false;
    return true;
}

}  // namespace tessera
