#pragma once
// The QA rules built into Tessera (plugin id "tessera.builtin", rule ids
// "builtin.*"), checking annotations against the project's label schema:
//
//   builtin.label-unknown         label (or tier) not declared by the schema
//   builtin.geometry-kind         geometry kind not allowed by the class
//   builtin.attribute-required    a required attribute is missing
//   builtin.attribute-value       value outside its enum / range / pattern, or of the wrong type
//   builtin.outside-image         geometry outside the image (param "tolerance", default 0.5 px)
//   builtin.degenerate-geometry   zero-area box, polygon with < 3 points or self-intersecting, ...
//   builtin.box-min-size          box smaller than the class's min_width / min_height
//   builtin.near-duplicate        two boxes of one label with IoU >= param "iou" (default 0.95)
//   builtin.text-unicode-range    text outside the allowed Unicode ranges
//   builtin.text-nfc              text not valid UTF-8 in NFC
//   builtin.tier-overlap          overlapping time spans in an exclusive tier

#include "qa/rule.hpp"

namespace tessera::rules {

/// The built-in rule provider; lives for the whole program.
[[nodiscard]] const qa::RuleProvider& builtin_rules();

}  // namespace tessera::rules
