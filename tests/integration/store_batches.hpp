#pragma once
// The deterministic edit batches of the store durability test, shared by the
// writer that gets killed (store_kill_child) and the test that checks what
// survived (store_durability_test).

#include <cstdint>
#include <memory>
#include <string>

#include "core/data_api.hpp"

namespace tessera::test::kill {

/// Items in the project the child writes to.
inline constexpr std::uint64_t kItemCount = 8;

/// Item that batch `n` edits.
[[nodiscard]] inline std::uint64_t item_of(std::uint64_t n) {
    return n % kItemCount + 1;
}

/// Whether batch `n` deletes the oldest annotation of its item (when it has one).
[[nodiscard]] inline bool deletes(std::uint64_t n) {
    return n % 7 == 0;
}

/// Batch `n`: first deletes annotation `to_delete` (0 = none), then adds
/// (n % 5) + 1 boxes labelled "batch-n" with ids left for the store to assign.
[[nodiscard]] inline v1::EditBatchT make_batch(std::uint64_t n, std::uint64_t to_delete) {
    v1::EditBatchT batch;
    batch.author = "store_kill_child";
    batch.time = static_cast<std::int64_t>(n) * 1000;
    batch.comment = "batch-" + std::to_string(n);
    const std::uint64_t item = item_of(n);
    if (to_delete != 0) {
        v1::DeleteAnnotationT remove;
        remove.item = item;
        remove.annotation = to_delete;
        auto& op = batch.ops.emplace_back(std::make_unique<v1::EditOpT>());
        op->edit.Set(std::move(remove));
    }
    const std::uint64_t adds = n % 5 + 1;
    for (std::uint64_t j = 0; j < adds; ++j) {
        v1::BoxT box;
        box.left = static_cast<double>(n);
        box.top = static_cast<double>(n) * 0.5 + static_cast<double>(j);
        box.right = box.left + 10.0 + static_cast<double>(j);
        box.bottom = box.top + 20.0;
        auto annotation = std::make_unique<v1::AnnotationT>();
        annotation->label = batch.comment;
        annotation->geometry.Set(std::move(box));
        v1::AddAnnotationT add;
        add.item = item;
        add.annotation = std::move(annotation);
        auto& op = batch.ops.emplace_back(std::make_unique<v1::EditOpT>());
        op->edit.Set(std::move(add));
    }
    return batch;
}

}  // namespace tessera::test::kill
