#pragma once
// Fitting what a file says to the project's label schema on import: file
// formats carry attribute values as JSON or XML scalars ("state": "red"),
// while the schema says what type each attribute has (state is an enum).

#include <set>
#include <string>

#include "core/data_api.hpp"
#include "formats/dataset.hpp"

namespace tessera::formats {

/// Gives each imported attribute the type the schema declares for it on the
/// annotation's class (or tier): a string becomes Enum or a one-value
/// MultiEnum, an integer becomes Float, an integral float Int, "true"/"false"
/// or 0/1 Bool, an Enum String. A value that does not fit keeps its type, for
/// QA (builtin.attribute-value) to report. Returns the number of values converted.
std::size_t conform_attributes(Dataset& dataset, const v1::LabelSchemaT& schema);

/// Labels used by the dataset's annotations that the schema does not declare.
[[nodiscard]] std::set<std::string> labels_missing_from(const Dataset& dataset,
                                                        const v1::LabelSchemaT& schema);

}  // namespace tessera::formats
