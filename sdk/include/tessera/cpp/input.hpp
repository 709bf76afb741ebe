#pragma once
// Typed read access to the FlatBuffers buffers the host hands a plugin.
// docs/architecture.md §3: the host verifies every buffer before a plugin sees it, so
// the helpers only check that a buffer is present and has the expected file
// identifier (a cheap guard against a swapped argument), then read in place.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <flatbuffers/flatbuffers.h>
#include <tessera/v1/annotation_generated.h>
#include <tessera/v1/item_generated.h>
#include <tessera/v1/label_schema_generated.h>

#include "../bytes.h"
#include "../ext/qa_rules.h"
#include "error.hpp"
#include "strings.hpp"

namespace tessera::cpp {

/// The root table of a host-verified buffer `bytes` whose file identifier
/// must be `identifier` (e.g. v1::ItemIdentifier()). Throws Error
/// (TESSERA_INVALID_ARGUMENT) naming `what` when the buffer is empty or of
/// another type.
template <class Table>
[[nodiscard]] const Table& root(tessera_bytes_t bytes, const char* identifier,
                                std::string_view what) {
    constexpr std::size_t header =
        sizeof(flatbuffers::uoffset_t) + flatbuffers::kFileIdentifierLength;
    if (!bytes.data || bytes.size < header) {
        throw Error(TESSERA_INVALID_ARGUMENT, std::string(what) + ": empty buffer (" +
                                                  std::to_string(bytes.size) + " bytes)");
    }
    if (!flatbuffers::BufferHasIdentifier(bytes.data, identifier)) {
        throw Error(TESSERA_INVALID_ARGUMENT,
                    std::string(what) + ": not a tessera.v1 " + std::string(what) +
                        " buffer (file identifier is not \"" + identifier + "\")");
    }
    return *flatbuffers::GetRoot<Table>(bytes.data);
}

/// A null-safe range over a vector of tables (absent vector = empty range):
/// `for (const v1::Annotation* a : tables(set.annotations()))`.
template <class Table>
class Tables {
public:
    /// The FlatBuffers vector type this range walks.
    using Vector = flatbuffers::Vector<flatbuffers::Offset<Table>>;

    /// Forward iterator yielding `const Table*`.
    class iterator {
    public:
        using value_type = const Table*;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        iterator(const Vector* v, flatbuffers::uoffset_t i) : v_(v), i_(i) {}
        const Table* operator*() const { return v_->Get(i_); }
        iterator& operator++() {
            ++i_;
            return *this;
        }
        iterator operator++(int) {
            iterator old = *this;
            ++i_;
            return old;
        }
        bool operator==(const iterator& other) const { return i_ == other.i_; }

    private:
        const Vector* v_ = nullptr;
        flatbuffers::uoffset_t i_ = 0;
    };

    /// Wraps `vector` (may be nullptr).
    explicit Tables(const Vector* vector) noexcept : v_(vector) {}
    /// First element.
    [[nodiscard]] iterator begin() const noexcept { return iterator(v_, 0); }
    /// Past the last element.
    [[nodiscard]] iterator end() const noexcept { return iterator(v_, size()); }
    /// Number of tables.
    [[nodiscard]] flatbuffers::uoffset_t size() const noexcept { return v_ ? v_->size() : 0; }
    /// True when there is none.
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }

private:
    const Vector* v_;
};

/// Deduces Tables<T> from a generated accessor: `tables(set.annotations())`.
template <class Table>
[[nodiscard]] Tables<Table> tables(
    const flatbuffers::Vector<flatbuffers::Offset<Table>>* v) noexcept {
    return Tables<Table>(v);
}

/// The attribute `key` of `annotation`, or nullptr when it does not carry it.
[[nodiscard]] inline const v1::Attribute* find_attribute(const v1::Annotation& annotation,
                                                         std::string_view key) noexcept {
    for (const v1::Attribute* attribute : tables(annotation.attributes())) {
        if (text(attribute->key()) == key) return attribute;
    }
    return nullptr;
}

/// The class `key` of `schema`, or nullptr when the schema has none.
[[nodiscard]] inline const v1::LabelClass* find_class(const v1::LabelSchema& schema,
                                                      std::string_view key) noexcept {
    for (const v1::LabelClass* label_class : tables(schema.classes())) {
        if (text(label_class->key()) == key) return label_class;
    }
    return nullptr;
}

/// What one tessera.qa-rules/1 check_item() call inspects, as typed roots.
/// Valid for the duration of the call.
class QaInput {
public:
    /// Reads the three buffers of `context` (host-verified). Throws Error when
    /// one is missing or of the wrong type.
    explicit QaInput(const tessera_qa_context_t& context)
        : context_(context),
          schema_(root<v1::LabelSchema>(context.label_schema, v1::LabelSchemaIdentifier(),
                                        "LabelSchema")),
          item_(root<v1::Item>(context.item, v1::ItemIdentifier(), "Item")),
          set_(root<v1::AnnotationSet>(context.annotations, v1::AnnotationSetIdentifier(),
                                       "AnnotationSet")) {}

    /// The project's label schema.
    [[nodiscard]] const v1::LabelSchema& schema() const noexcept { return schema_; }
    /// The item being checked.
    [[nodiscard]] const v1::Item& item() const noexcept { return item_; }
    /// The item's annotation set.
    [[nodiscard]] const v1::AnnotationSet& annotation_set() const noexcept { return set_; }
    /// The item's annotations, in drawing order.
    [[nodiscard]] Tables<v1::Annotation> annotations() const noexcept {
        return tables(set_.annotations());
    }
    /// The raw C context (for is_enabled / get_param / report).
    [[nodiscard]] const tessera_qa_context_t& context() const noexcept { return context_; }

private:
    const tessera_qa_context_t& context_;
    const v1::LabelSchema& schema_;
    const v1::Item& item_;
    const v1::AnnotationSet& set_;
};

}  // namespace tessera::cpp
