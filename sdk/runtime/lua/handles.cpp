#include "lua/handles.hpp"

#include <algorithm>
#include <tuple>

#include "lua/handle_access.hpp"

namespace tessera::lua {
namespace {

using namespace detail;

// Registry key of the table keeping the interned field names alive.
constexpr const char* kKeysKey = "tessera.views.keys";

const char* media_kind_name(v1::MediaKind kind) {
    switch (kind) {
        case v1::MediaKind::Image:
            return "image";
        case v1::MediaKind::Video:
            return "video";
        case v1::MediaKind::Audio:
            return "audio";
        case v1::MediaKind::Text:
            return "text";
        case v1::MediaKind::PointCloud:
            return "point_cloud";
        case v1::MediaKind::Volume:
            return "volume";
        default:
            return "unknown";
    }
}

int item_meta(lua_State* L) {
    const ItemHandle& handle = check_item_handle(L, 1);
    return push_metadata(L, live(L, handle.generation, "item").item().metadata());
}

int item_count(lua_State* L) {
    const ItemHandle& handle = check_item_handle(L, 1);
    lua_pushinteger(L, live(L, handle.generation, "item").count());
    return 1;
}

// The iterator of item:annotations(): (item, previous annotation) -> next
// annotation. Stateless, so a loop allocates nothing but the handles it yields.
int item_next_annotation(lua_State* L) {
    const ItemHandle& item = check_item_handle(L, 1);
    Handles& handles = live(L, item.generation, "item");
    std::uint32_t next = 0;
    if (!lua_isnoneornil(L, 2)) {
        // A handle from another item (or an item gone) must not pick the place in this one.
        const AnnotationHandle& previous = check_annotation_handle(L, 2);
        (void)live(L, previous.generation, "annotation");
        next = previous.index + 1;
    }
    if (next >= handles.count()) return 0;
    push_annotation(L, handles, item.generation, next);
    return 1;
}

int item_annotations(lua_State* L) {
    const ItemHandle& handle = check_item_handle(L, 1);
    (void)live(L, handle.generation, "item");
    lua_pushcfunction(L, item_next_annotation);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

int item_annotation(lua_State* L) {
    const ItemHandle& handle = check_item_handle(L, 1);
    Handles& handles = live(L, handle.generation, "item");
    const lua_Integer id = luaL_checkinteger(L, 2);
    const std::int64_t index = handles.find(static_cast<std::uint64_t>(id));
    if (index < 0)
        lua_pushnil(L);
    else
        push_annotation(L, handles, handle.generation, static_cast<std::uint32_t>(index));
    return 1;
}

int item_index(lua_State* L) {
    const ItemHandle& handle = check_item_handle(L, 1);
    Handles& handles = live(L, handle.generation, "item");
    const char* key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : nullptr;
    const Handles::Keys& keys = handles.keys();
    const v1::Item& item = handles.item();
    const v1::Media* media = item.media();
    if (key == keys.annotations) {
        lua_pushcfunction(L, item_annotations);
    } else if (key == keys.id) {
        lua_pushinteger(L, static_cast<lua_Integer>(item.id()));
    } else if (key == keys.width) {
        lua_pushinteger(L, media != nullptr ? media->width() : 0);
    } else if (key == keys.height) {
        lua_pushinteger(L, media != nullptr ? media->height() : 0);
    } else if (key == keys.kind) {
        lua_pushstring(L,
                       media_kind_name(media != nullptr ? media->kind() : v1::MediaKind::Unknown));
    } else if (key == keys.uri) {
        push_string(L, media != nullptr ? media->uri() : nullptr);
    } else if (key == keys.duration) {
        lua_pushnumber(L, media != nullptr ? media->duration() : 0.0);
    } else if (key == keys.count) {
        lua_pushcfunction(L, item_count);
    } else if (key == keys.annotation) {
        lua_pushcfunction(L, item_annotation);
    } else if (key == keys.meta) {
        lua_pushcfunction(L, item_meta);
    } else {
        return unknown_field(L, "item");
    }
    return 1;
}

int item_len(lua_State* L) {
    return item_count(L);
}

int item_tostring(lua_State* L) {
    const ItemHandle& handle = check_item_handle(L, 1);
    Handles* handles = Sandbox::of(L).handles();
    if (handles == nullptr || !handles->active() || handles->generation() != handle.generation)
        lua_pushliteral(L, "item (gone)");
    else
        lua_pushfstring(L, "item %I", static_cast<lua_Integer>(handles->item().id()));
    return 1;
}

int item_eq(lua_State* L) {
    const ItemHandle& a = check_item_handle(L, 1);
    const ItemHandle& b = check_item_handle(L, 2);
    lua_pushboolean(L, a.generation == b.generation);
    return 1;
}

// Registers metatable `name`; returns its identity and a registry reference to it.
std::pair<const void*, int> new_metatable(lua_State* L, const char* name,
                                          std::initializer_list<luaL_Reg> methods) {
    luaL_newmetatable(L, name);
    for (const luaL_Reg& method : methods) {
        lua_pushcfunction(L, method.func);
        lua_setfield(L, -2, method.name);
    }
    // getmetatable() on a handle returns this string, so the table itself is unreachable.
    lua_pushliteral(L, "protected");
    lua_setfield(L, -2, "__metatable");
    const void* identity = lua_topointer(L, -1);
    return {identity, luaL_ref(L, LUA_REGISTRYINDEX)};
}

}  // namespace

Handles::Handles(Sandbox& sandbox) : sandbox_(sandbox), keys_(new Keys{}) {
    lua_State* L = sandbox.state();
    Sandbox::HostScope host(sandbox);
    lua_checkstack(L, 4);

    const std::pair<const char**, const char*> names[] = {
        {&keys_->id, "id"},
        {&keys_->uri, "uri"},
        {&keys_->kind, "kind"},
        {&keys_->width, "width"},
        {&keys_->height, "height"},
        {&keys_->duration, "duration"},
        {&keys_->meta, "meta"},
        {&keys_->count, "count"},
        {&keys_->annotations, "annotations"},
        {&keys_->annotation, "annotation"},
        {&keys_->label, "label"},
        {&keys_->text, "text"},
        {&keys_->tier, "tier"},
        {&keys_->parent, "parent"},
        {&keys_->group, "group"},
        {&keys_->track, "track"},
        {&keys_->frame, "frame"},
        {&keys_->attr, "attr"},
        {&keys_->bounds, "bounds"},
        {&keys_->span, "span"},
        {&keys_->points, "points"},
    };
    lua_createtable(L, static_cast<int>(std::size(names)), 0);
    int slot = 1;
    for (const auto& [target, name] : names) {
        *target = lua_pushstring(L, name);
        lua_rawseti(L, -2, slot++);
    }
    lua_setfield(L, LUA_REGISTRYINDEX, kKeysKey);

    std::tie(keys_->item_meta, keys_->item_meta_ref) = new_metatable(L, kItemMeta,
                                                                     {{"__index", item_index},
                                                                      {"__newindex", read_only},
                                                                      {"__len", item_len},
                                                                      {"__tostring", item_tostring},
                                                                      {"__eq", item_eq}});
    std::tie(keys_->annotation_meta, keys_->annotation_meta_ref) =
        new_metatable(L, kAnnotationMeta,
                      {{"__index", annotation_index},
                       {"__newindex", read_only},
                       {"__tostring", annotation_tostring},
                       {"__eq", annotation_eq}});
    sandbox.set_handles(this);
}

Handles::~Handles() {
    if (sandbox_.handles() == this) sandbox_.set_handles(nullptr);
    delete keys_;
}

void Handles::begin_item(const v1::Item& item, const v1::AnnotationSet& annotations) {
    item_ = &item;
    annotations_ = annotations.annotations();
    count_ = annotations_ != nullptr ? annotations_->size() : 0;
    by_id_built_ = false;
}

void Handles::end_item() {
    item_ = nullptr;
    annotations_ = nullptr;
    count_ = 0;
    ++generation_;
}

void Handles::push_item(lua_State* L) {
    auto* handle = static_cast<ItemHandle*>(lua_newuserdatauv(L, sizeof(ItemHandle), 0));
    handle->generation = generation_;
    lua_rawgeti(L, LUA_REGISTRYINDEX, keys_->item_meta_ref);
    lua_setmetatable(L, -2);
}

const v1::Annotation& Handles::check_annotation(lua_State* L, int arg) {
    const AnnotationHandle& handle = check_annotation_handle(L, arg);
    return live(L, handle.generation, "annotation").annotation(handle.index);
}

bool Handles::is_annotation(lua_State* L, int arg) {
    return luaL_testudata(L, arg, kAnnotationMeta) != nullptr;
}

std::int64_t Handles::find(std::uint64_t id) {
    if (!by_id_built_) {
        by_id_.clear();
        try {
            by_id_.reserve(count_);
        } catch (...) {
            // Without the index, look the id up one annotation at a time.
            for (std::uint32_t i = 0; i < count_; ++i)
                if (annotation(i).id() == id) return i;
            return -1;
        }
        for (std::uint32_t i = 0; i < count_; ++i) by_id_.emplace_back(annotation(i).id(), i);
        std::sort(by_id_.begin(), by_id_.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        by_id_built_ = true;
    }
    const auto found = std::lower_bound(
        by_id_.begin(), by_id_.end(), id,
        [](const auto& entry, std::uint64_t value) { return entry.first < value; });
    if (found == by_id_.end() || found->first != id) return -1;
    return found->second;
}

}  // namespace tessera::lua
