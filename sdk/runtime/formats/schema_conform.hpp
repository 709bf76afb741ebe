#pragma once
// Fitting what a file says to the project's label schema on import: file
// formats carry attribute values as JSON or XML scalars ("state": "red"),
// while the schema says what type each attribute has (state is an enum).

#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/data_api.hpp"
#include "formats/dataset.hpp"

namespace tessera::formats {

/// Gives imported attributes the types a schema declares for them. Built once
/// per import; apply() may then run on any thread.
class AttributeConformer {
public:
    /// `schema` must outlive the conformer.
    explicit AttributeConformer(const v1::LabelSchemaT& schema);

    /// Gives each attribute the type the schema declares for it on the
    /// annotation's class (or tier): a string becomes Enum or a one-value
    /// MultiEnum, an integer becomes Float, an integral float Int, "true"/"false"
    /// or 0/1 Bool, an Enum String. A value that does not fit keeps its type,
    /// for QA (builtin.attribute-value) to report. Returns the number converted.
    std::size_t apply(std::vector<std::unique_ptr<v1::AnnotationT>>& annotations) const;

    /// True when the schema declares class `label`.
    [[nodiscard]] bool declares(const std::string& label) const {
        return by_class_.count(label) != 0;
    }

private:
    using Specs = std::vector<std::unique_ptr<v1::AttributeSpecT>>;
    std::unordered_map<std::string, const Specs*> by_class_, by_tier_;
    bool has_attributes_ = false;
};

/// AttributeConformer::apply over every item of `dataset`.
std::size_t conform_attributes(Dataset& dataset, const v1::LabelSchemaT& schema);

/// Labels used by the dataset's annotations that the schema does not declare.
[[nodiscard]] std::set<std::string> labels_missing_from(const Dataset& dataset,
                                                        const v1::LabelSchemaT& schema);

}  // namespace tessera::formats
