#pragma once
// Read-only userdata handles on an item and its annotations over the verified
// FlatBuffers (docs/architecture.md §5, plugins/lua/README.md "The item", "An annotation").
// A handle holds an index and a generation, never a pointer: the host keeps the
// current buffers, and ending the item bumps the generation so that a handle
// kept past its check() call raises "annotation handle used after its item is gone".

#include <cstdint>
#include <utility>
#include <vector>

#include "core/data_api.hpp"
#include "lua/sandbox.hpp"

namespace tessera::lua {

/// The item and annotation handles of one sandbox. One per Sandbox, which it
/// registers itself with; must not outlive it.
class Handles {
public:
    explicit Handles(Sandbox& sandbox);
    ~Handles();
    Handles(const Handles&) = delete;
    Handles& operator=(const Handles&) = delete;

    /// Makes `item` and `annotations` the current item; both must stay valid
    /// until end_item().
    void begin_item(const v1::Item& item, const v1::AnnotationSet& annotations);
    /// Invalidates every handle handed out since begin_item().
    void end_item();
    /// True between begin_item() and end_item().
    [[nodiscard]] bool active() const { return item_ != nullptr; }
    /// Changes on every end_item(); a handle or context remembers the one it was made in.
    [[nodiscard]] std::uint64_t generation() const { return generation_; }

    /// Pushes a handle on the current item. Host side: hold a Sandbox::HostScope.
    void push_item(lua_State* L);

    /// Lua side: the annotation at argument `arg`, which must be a live
    /// annotation handle; raises a Lua error otherwise.
    [[nodiscard]] static const v1::Annotation& check_annotation(lua_State* L, int arg);
    /// Lua side: true when the value at `arg` is an annotation handle (live or not).
    [[nodiscard]] static bool is_annotation(lua_State* L, int arg);

    // Used by the metamethods in handles.cpp.
    struct Keys;
    [[nodiscard]] const Keys& keys() const { return *keys_; }
    [[nodiscard]] const v1::Item& item() const { return *item_; }
    [[nodiscard]] std::uint32_t count() const { return count_; }
    [[nodiscard]] const v1::Annotation& annotation(std::uint32_t index) const {
        return *annotations_->Get(index);
    }
    /// Index of the annotation with id `id`, or -1.
    [[nodiscard]] std::int64_t find(std::uint64_t id);

private:
    Sandbox& sandbox_;
    Keys* keys_ = nullptr;
    const v1::Item* item_ = nullptr;
    const flatbuffers::Vector<flatbuffers::Offset<v1::Annotation>>* annotations_ = nullptr;
    std::uint32_t count_ = 0;
    std::uint64_t generation_ = 1;
    // (id, index) sorted by id, built on the first item:annotation(id) of an item.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> by_id_;
    bool by_id_built_ = false;
};

}  // namespace tessera::lua
