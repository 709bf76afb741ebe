#pragma once
// Packing annotations for storage, smaller than the generated object API does:
// labels, keys and authors repeat on every annotation of a set, and imported
// annotations share one provenance, so strings and identical provenance
// tables are written once and referenced (both legal in FlatBuffers).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "core/data_api.hpp"

namespace tessera::store {

/// Packs annotations into one builder; create one per buffer being built.
/// Every field of v1::AnnotationT is written: a field added to the schema must
/// be added here too (the store tests round-trip an annotation with every field set).
/// Annotations without provenance get `missing_provenance` (none when null).
class AnnotationPacker {
public:
    explicit AnnotationPacker(flatbuffers::FlatBufferBuilder& builder,
                              const v1::ProvenanceT* missing_provenance = nullptr)
        : builder_(builder), missing_provenance_(missing_provenance) {}

    [[nodiscard]] flatbuffers::Offset<v1::Annotation> pack(const v1::AnnotationT& annotation);

private:
    flatbuffers::Offset<flatbuffers::String> shared(const std::string& text);
    flatbuffers::Offset<v1::Provenance> provenance(const v1::ProvenanceT* provenance);

    flatbuffers::FlatBufferBuilder& builder_;
    const v1::ProvenanceT* missing_provenance_;
    /// The first kRemembered strings written: a set repeats few strings (labels,
    /// attribute keys, authors), found faster here than by CreateSharedString.
    static constexpr std::size_t kRemembered = 16;
    std::vector<std::pair<std::string, flatbuffers::Offset<flatbuffers::String>>> strings_;
    const v1::ProvenanceT* last_provenance_ = nullptr;
    flatbuffers::Offset<v1::Provenance> last_provenance_offset_;
};

/// Packs `set`'s annotations into `builder` (cleared first) and finishes it as an
/// AnnotationSet buffer of `item` at `revision`; annotations without provenance
/// get `missing_provenance` (none when null).
void finish_annotation_set(flatbuffers::FlatBufferBuilder& builder, std::uint64_t item,
                           std::uint64_t revision, const v1::AnnotationSetT& set,
                           const v1::ProvenanceT* missing_provenance = nullptr);

}  // namespace tessera::store
