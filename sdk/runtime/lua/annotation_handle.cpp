// Annotation handles: the fields and methods of `a` in plugins/lua/README.md.

#include <optional>

#include "formats/geometry.hpp"
#include "lua/handle_access.hpp"

namespace tessera::lua::detail {
namespace {

// Names of the geometry kinds as the README and label schemas spell them;
// nullptr for none.
const char* geometry_kind_name(v1::Geometry kind) {
    switch (kind) {
        case v1::Geometry::NONE:
            return nullptr;
        case v1::Geometry::Box:
            return "box";
        case v1::Geometry::RotatedBox:
            return "rotated_box";
        case v1::Geometry::Polygon:
            return "polygon";
        case v1::Geometry::MultiPolygon:
            return "multi_polygon";
        case v1::Geometry::Polyline:
            return "polyline";
        case v1::Geometry::Keypoints:
            return "keypoints";
        case v1::Geometry::Point:
            return "point";
        case v1::Geometry::Circle:
            return "circle";
        case v1::Geometry::Mask:
            return "mask";
        case v1::Geometry::Cuboid:
            return "cuboid";
        case v1::Geometry::TimeSpan:
            return "time_span";
        case v1::Geometry::TextSpan:
            return "text_span";
    }
    return "unknown";  // a member appended after this build
}

// Vertices of a polygon (all rings), multi-polygon, polyline or keypoints.
std::optional<std::size_t> geometry_point_count(const v1::Annotation& annotation) {
    const auto size = [](const auto* points) -> std::size_t { return points ? points->size() : 0; };
    switch (annotation.geometry_type()) {
        case v1::Geometry::Polygon:
            return size(annotation.geometry_as_Polygon()->points());
        case v1::Geometry::MultiPolygon: {
            std::size_t total = 0;
            if (const auto* parts = annotation.geometry_as_MultiPolygon()->polygons())
                for (const v1::Polygon* part : *parts) total += size(part->points());
            return total;
        }
        case v1::Geometry::Polyline:
            return size(annotation.geometry_as_Polyline()->points());
        case v1::Geometry::Keypoints:
            return size(annotation.geometry_as_Keypoints()->points());
        default:
            return std::nullopt;
    }
}

void push_attribute(lua_State* L, const v1::Attribute& attribute) {
    switch (attribute.type()) {
        case v1::AttributeType::Bool:
            lua_pushboolean(L, attribute.bool_value());
            return;
        case v1::AttributeType::Int:
            lua_pushinteger(L, static_cast<lua_Integer>(attribute.int_value()));
            return;
        case v1::AttributeType::Float:
            lua_pushnumber(L, attribute.float_value());
            return;
        case v1::AttributeType::String:
        case v1::AttributeType::Enum:
            if (attribute.string_value() == nullptr)
                lua_pushnil(L);
            else
                push_string(L, attribute.string_value());
            return;
        case v1::AttributeType::MultiEnum: {
            const auto* strings = attribute.strings();
            const int count = strings != nullptr ? static_cast<int>(strings->size()) : 0;
            lua_createtable(L, count, 0);
            for (int i = 0; i < count; ++i) {
                push_string(L, strings->Get(static_cast<flatbuffers::uoffset_t>(i)));
                lua_rawseti(L, -2, i + 1);
            }
            return;
        }
        default:
            lua_pushnil(L);
            return;
    }
}

int annotation_attr(lua_State* L) {
    const v1::Annotation& annotation = Handles::check_annotation(L, 1);
    std::size_t length = 0;
    const char* key = luaL_checklstring(L, 2, &length);
    if (const auto* attributes = annotation.attributes())
        for (const v1::Attribute* attribute : *attributes)
            if (same(attribute->key(), key, length)) {
                push_attribute(L, *attribute);
                return 1;
            }
    lua_pushnil(L);
    return 1;
}

int annotation_bounds(lua_State* L) {
    const v1::Annotation& annotation = Handles::check_annotation(L, 1);
    const std::optional<formats::Bounds> bounds = formats::bounds_of(annotation);
    if (!bounds) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushnumber(L, bounds->left);
    lua_pushnumber(L, bounds->top);
    lua_pushnumber(L, bounds->right);
    lua_pushnumber(L, bounds->bottom);
    return 4;
}

int annotation_span(lua_State* L) {
    const v1::Annotation& annotation = Handles::check_annotation(L, 1);
    const v1::TimeSpan* span = annotation.geometry_as_TimeSpan();
    if (span == nullptr) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushnumber(L, span->start());
    lua_pushnumber(L, span->end());
    return 2;
}

int annotation_points(lua_State* L) {
    const v1::Annotation& annotation = Handles::check_annotation(L, 1);
    const std::optional<std::size_t> count = geometry_point_count(annotation);
    if (count)
        lua_pushinteger(L, static_cast<lua_Integer>(*count));
    else
        lua_pushnil(L);
    return 1;
}

int annotation_meta(lua_State* L) {
    return push_metadata(L, Handles::check_annotation(L, 1).metadata());
}

}  // namespace

int annotation_index(lua_State* L) {
    const AnnotationHandle& handle = check_annotation_handle(L, 1);
    Handles& handles = live(L, handle.generation, "annotation");
    const char* key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : nullptr;
    const Handles::Keys& keys = handles.keys();
    const v1::Annotation& annotation = handles.annotation(handle.index);
    if (key == keys.label) {
        push_string(L, annotation.label());
    } else if (key == keys.id) {
        lua_pushinteger(L, static_cast<lua_Integer>(annotation.id()));
    } else if (key == keys.attr) {
        lua_pushcfunction(L, annotation_attr);
    } else if (key == keys.kind) {
        const char* name = geometry_kind_name(annotation.geometry_type());
        if (name == nullptr)
            lua_pushnil(L);
        else
            lua_pushstring(L, name);
    } else if (key == keys.bounds) {
        lua_pushcfunction(L, annotation_bounds);
    } else if (key == keys.text) {
        if (annotation.text() == nullptr)
            lua_pushnil(L);
        else
            push_string(L, annotation.text());
    } else if (key == keys.tier) {
        push_string_or_nil(L, annotation.tier());
    } else if (key == keys.parent) {
        lua_pushinteger(L, static_cast<lua_Integer>(annotation.parent()));
    } else if (key == keys.group) {
        lua_pushinteger(L, static_cast<lua_Integer>(annotation.group()));
    } else if (key == keys.track) {
        lua_pushinteger(L, static_cast<lua_Integer>(annotation.track()));
    } else if (key == keys.frame) {
        lua_pushinteger(L, static_cast<lua_Integer>(annotation.frame()));
    } else if (key == keys.span) {
        lua_pushcfunction(L, annotation_span);
    } else if (key == keys.points) {
        lua_pushcfunction(L, annotation_points);
    } else if (key == keys.meta) {
        lua_pushcfunction(L, annotation_meta);
    } else {
        return unknown_field(L, "annotation");
    }
    return 1;
}

int annotation_tostring(lua_State* L) {
    const AnnotationHandle& handle = check_annotation_handle(L, 1);
    Handles* handles = Sandbox::of(L).handles();
    if (handles == nullptr || !handles->active() || handles->generation() != handle.generation)
        lua_pushliteral(L, "annotation (gone)");
    else
        lua_pushfstring(L, "annotation %I",
                        static_cast<lua_Integer>(handles->annotation(handle.index).id()));
    return 1;
}

int annotation_eq(lua_State* L) {
    const AnnotationHandle& a = check_annotation_handle(L, 1);
    const AnnotationHandle& b = check_annotation_handle(L, 2);
    lua_pushboolean(L, a.generation == b.generation && a.index == b.index);
    return 1;
}

}  // namespace tessera::lua::detail
