#pragma once
// Every buffer read from disk, a file or a plugin passes the FlatBuffers
// Verifier with bounded options before use (docs/architecture.md §3).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <flatbuffers/flatbuffers.h>

#include "core/data_api.hpp"
#include "core/error.hpp"

namespace tessera {

/// Bounds applied to every verification: nesting depth, number of tables and
/// buffer size. Generous for real data, small enough to stop hostile input.
struct VerifyLimits {
    std::uint32_t max_depth = 64;
    std::uint32_t max_tables = 50'000'000;
    std::size_t max_size = FLATBUFFERS_MAX_BUFFER_SIZE;
};

/// What FlatBuffers 2.0.8's Verifier lets through but readers must not meet:
/// vector elements aligned only to 4 bytes where they hold 8-byte structs or
/// integers (google/flatbuffers#8397; reading them is undefined behaviour),
/// and a union that names a member type but holds no table (VerifyTable of
/// null passes). These check the roots that hold such vectors or unions.
[[nodiscard]] bool complete_and_aligned(const v1::AnnotationSet& root);
[[nodiscard]] bool complete_and_aligned(const v1::EditBatch& root);
[[nodiscard]] bool complete_and_aligned(const v1::QaReport& root);
/// Roots without such vectors or unions need no extra check.
template <class Root>
[[nodiscard]] bool complete_and_aligned(const Root&) {
    return true;
}

/// Returns the root of `bytes` as `Root` after verifying it carries
/// `identifier` and passes the Verifier; throws Error naming `what` otherwise.
template <class Root>
[[nodiscard]] const Root* verified_root(std::span<const std::uint8_t> bytes, const char* identifier,
                                        std::string_view what, VerifyLimits limits = {}) {
    if (bytes.size() < 8 || bytes.size() > limits.max_size)
        throw Error(std::string(what) + ": buffer of " + std::to_string(bytes.size()) +
                    " bytes is not a valid " + identifier + " buffer");
    if (!flatbuffers::BufferHasIdentifier(bytes.data(), identifier))
        throw Error(std::string(what) + ": buffer does not carry the file identifier \"" +
                    identifier + "\"");
    flatbuffers::Verifier verifier(bytes.data(), bytes.size(), limits.max_depth, limits.max_tables);
    if (!verifier.VerifyBuffer<Root>(identifier))
        throw Error(std::string(what) +
                    ": buffer fails FlatBuffers verification (truncated or corrupt)");
    const Root* root = flatbuffers::GetRoot<Root>(bytes.data());
    if (!complete_and_aligned(*root))
        throw Error(std::string(what) +
                    ": buffer holds misaligned vectors or empty union members (corrupt)");
    return root;
}

}  // namespace tessera
