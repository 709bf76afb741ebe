#include "store/annotation_packer.hpp"

namespace tessera::store {

flatbuffers::Offset<flatbuffers::String> AnnotationPacker::shared(const std::string& text) {
    if (text.empty()) return 0;
    for (const auto& [known, offset] : strings_)
        if (known == text) return offset;
    const auto offset = builder_.CreateSharedString(text);
    if (strings_.size() < kRemembered) strings_.emplace_back(text, offset);
    return offset;
}

flatbuffers::Offset<v1::Provenance> AnnotationPacker::provenance(const v1::ProvenanceT* p) {
    if (p == nullptr) return 0;
    if (last_provenance_ != nullptr && *last_provenance_ == *p) return last_provenance_offset_;
    last_provenance_ = p;
    last_provenance_offset_ =
        v1::CreateProvenance(builder_, shared(p->author), p->created, p->modified, p->source,
                             shared(p->model), p->confidence);
    return last_provenance_offset_;
}

flatbuffers::Offset<v1::Annotation> AnnotationPacker::pack(const v1::AnnotationT& a) {
    auto& b = builder_;
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<v1::Attribute>>> attributes = 0;
    if (!a.attributes.empty()) {
        std::vector<flatbuffers::Offset<v1::Attribute>> packed;
        packed.reserve(a.attributes.size());
        for (const auto& attr : a.attributes) {
            if (!attr) continue;
            flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>>
                strings = 0;
            if (!attr->strings.empty()) {
                std::vector<flatbuffers::Offset<flatbuffers::String>> values;
                for (const std::string& s : attr->strings)
                    values.push_back(b.CreateSharedString(s));
                strings = b.CreateVector(values);
            }
            packed.push_back(v1::CreateAttribute(b, shared(attr->key), attr->type, attr->bool_value,
                                                 attr->int_value, attr->float_value,
                                                 shared(attr->string_value), strings));
        }
        attributes = b.CreateVector(packed);
    }
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<v1::Relation>>> relations = 0;
    if (!a.relations.empty()) {
        std::vector<flatbuffers::Offset<v1::Relation>> packed;
        for (const auto& r : a.relations)
            if (r) packed.push_back(v1::CreateRelation(b, shared(r->kind), r->target));
        relations = b.CreateVector(packed);
    }
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<v1::KeyValue>>> metadata = 0;
    if (!a.metadata.empty()) {
        std::vector<flatbuffers::Offset<v1::KeyValue>> packed;
        for (const auto& kv : a.metadata)
            if (kv)
                packed.push_back(v1::CreateKeyValue(b, shared(kv->key), b.CreateString(kv->value)));
        metadata = b.CreateVector(packed);
    }
    const auto geometry = a.geometry.Pack(b);
    const auto text = a.text.empty() ? 0 : b.CreateString(a.text);
    return v1::CreateAnnotation(b, a.id, shared(a.label), a.geometry.type, geometry, attributes,
                                text, a.parent, a.group, relations,
                                provenance(a.provenance ? a.provenance.get() : missing_provenance_),
                                a.frame, a.track, shared(a.tier), metadata);
}

void finish_annotation_set(flatbuffers::FlatBufferBuilder& builder, std::uint64_t item,
                           std::uint64_t revision, const v1::AnnotationSetT& set,
                           const v1::ProvenanceT* missing_provenance) {
    builder.Clear();
    std::vector<flatbuffers::Offset<v1::Annotation>> offsets;
    offsets.reserve(set.annotations.size());
    AnnotationPacker packer(builder, missing_provenance);
    for (const auto& annotation : set.annotations)
        if (annotation) offsets.push_back(packer.pack(*annotation));
    const auto vector = builder.CreateVector(offsets);
    v1::FinishAnnotationSetBuffer(builder,
                                  v1::CreateAnnotationSet(builder, item, revision, vector));
}

}  // namespace tessera::store
