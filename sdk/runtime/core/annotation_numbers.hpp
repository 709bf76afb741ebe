#pragma once
// The numbers of an annotation that no reader can use: NaN and ±infinity in
// its geometry, its attribute values or its confidence. JSON has no way to
// write them (our COCO export would write null, which our own import refuses),
// and every geometric rule and measure goes wrong on them. The store refuses
// them when they are written; `tessera validate` finds them in data that
// predates the check.

#include <string>

#include "core/data_api.hpp"

namespace tessera {

/// The first number of `annotation` that is not finite, named with its field
/// ("geometry Box.left is nan", "attribute \"height\" is inf"); empty when
/// every number is finite.
[[nodiscard]] std::string non_finite_number(const v1::Annotation& annotation);

}  // namespace tessera
