#pragma once
// What the item handles (handles.cpp) and the annotation handles
// (annotation_handle.cpp) share: the userdata structs, the interned field names, the
// checks of a handle argument, and pushing FlatBuffers strings.
//
// Every function here may raise a Lua error (longjmp), so none keeps a C++
// object with a destructor alive across a Lua API call, and neither may its callers.

#include <cstdint>
#include <cstring>

#include "lua/handles.hpp"

namespace tessera::lua {
namespace detail {

constexpr const char* kItemMeta = "tessera.item";
constexpr const char* kAnnotationMeta = "tessera.annotation";

struct ItemHandle {
    std::uint64_t generation;
};

struct AnnotationHandle {
    std::uint64_t generation;
    std::uint32_t index;
};

}  // namespace detail

// Field names as interned Lua strings. Short strings are unique in a state,
// so __index compares the key's pointer with these: no hashing, no string
// created per access.
struct Handles::Keys {
    const char* id;
    const char* uri;
    const char* kind;
    const char* width;
    const char* height;
    const char* duration;
    const char* meta;
    const char* count;
    const char* annotations;
    const char* annotation;
    const char* label;
    const char* text;
    const char* tier;
    const char* parent;
    const char* group;
    const char* track;
    const char* frame;
    const char* attr;
    const char* bounds;
    const char* span;
    const char* points;
    // The metatables: their identity for checks, their registry slot for pushes.
    const void* item_meta;
    const void* annotation_meta;
    int item_meta_ref;
    int annotation_meta_ref;
};

namespace detail {

inline Handles& live(lua_State* L, std::uint64_t generation, const char* what) {
    Handles* handles = Sandbox::of(L).handles();
    if (handles == nullptr || !handles->active() || generation != handles->generation())
        luaL_error(L, "%s handle used after its item is gone", what);
    return *handles;
}

// luaL_checkudata, with the metatable compared by identity with the one
// cached at registration instead of looked up in the registry by name (a
// string compare per access); anything else goes through luaL_checkudata
// itself, which raises its usual "bad argument" error.
template <class Handle>
inline Handle& check_handle(lua_State* L, int arg, const void* metatable, const char* name) {
    void* block = lua_touserdata(L, arg);
    if (block != nullptr && metatable != nullptr && lua_getmetatable(L, arg)) {
        const bool same = lua_topointer(L, -1) == metatable;
        lua_pop(L, 1);
        if (same) return *static_cast<Handle*>(block);
    }
    return *static_cast<Handle*>(luaL_checkudata(L, arg, name));
}

inline ItemHandle& check_item_handle(lua_State* L, int arg) {
    const Handles* handles = Sandbox::of(L).handles();
    return check_handle<ItemHandle>(L, arg, handles ? handles->keys().item_meta : nullptr,
                                    kItemMeta);
}

inline AnnotationHandle& check_annotation_handle(lua_State* L, int arg) {
    const Handles* handles = Sandbox::of(L).handles();
    return check_handle<AnnotationHandle>(
        L, arg, handles ? handles->keys().annotation_meta : nullptr, kAnnotationMeta);
}

inline void push_annotation(lua_State* L, const Handles& handles, std::uint64_t generation,
                            std::uint32_t index) {
    auto* handle =
        static_cast<AnnotationHandle*>(lua_newuserdatauv(L, sizeof(AnnotationHandle), 0));
    handle->generation = generation;
    handle->index = index;
    lua_rawgeti(L, LUA_REGISTRYINDEX, handles.keys().annotation_meta_ref);
    lua_setmetatable(L, -2);
}

inline void push_string(lua_State* L, const flatbuffers::String* text) {
    if (text == nullptr)
        lua_pushliteral(L, "");
    else
        lua_pushlstring(L, text->c_str(), text->size());
}

inline void push_string_or_nil(lua_State* L, const flatbuffers::String* text) {
    if (text == nullptr || text->size() == 0)
        lua_pushnil(L);
    else
        lua_pushlstring(L, text->c_str(), text->size());
}

inline bool same(const flatbuffers::String* text, const char* key, std::size_t length) {
    return text != nullptr && text->size() == length && std::memcmp(text->data(), key, length) == 0;
}

// item:meta(key) and a:meta(key): the value of `key` in a KeyValue list, or nil.
inline int push_metadata(lua_State* L,
                         const flatbuffers::Vector<flatbuffers::Offset<v1::KeyValue>>* list) {
    std::size_t length = 0;
    const char* key = luaL_checklstring(L, 2, &length);
    if (list != nullptr)
        for (const v1::KeyValue* entry : *list)
            if (same(entry->key(), key, length)) {
                push_string(L, entry->value());
                return 1;
            }
    lua_pushnil(L);
    return 1;
}

inline int unknown_field(lua_State* L, const char* what) {
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "%s view has no field '%s'", what, lua_tostring(L, 2));
    return luaL_error(L, "%s view has no field of type %s", what, luaL_typename(L, 2));
}

inline int read_only(lua_State* L) {
    const bool item = luaL_testudata(L, 1, kItemMeta) != nullptr;
    return luaL_error(L, "%s views are read-only", item ? "item" : "annotation");
}

/// The metamethods of annotation handles (annotation_handle.cpp).
int annotation_index(lua_State* L);
int annotation_tostring(lua_State* L);
int annotation_eq(lua_State* L);

}  // namespace detail
}  // namespace tessera::lua
