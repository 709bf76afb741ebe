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
//   builtin.text-nfc              a string of an annotation not in NFC (warning)
//   builtin.text-damaged          a string of an annotation holding U+FFFD, a NUL
//                                 byte or invalid UTF-8
//   builtin.tier-overlap          overlapping time spans in an exclusive tier
//
// Limits, each reported rather than silently skipped:
//   - Attribute patterns are RE2 (core/schema_pattern.hpp), matched against
//     the whole value by code point, in linear time.
//   - A String value longer than 4096 bytes is not matched against its
//     attribute's pattern; it gets a builtin.attribute-value finding saying it
//     is too long to check.
//   - A pattern longer than 512 bytes, nested more than 100 groups deep, with a
//     repetition count {n} / {n,m} above 1000, compiling to more than 2 MiB or
//     using what RE2 does not do (back-references, lookaround) is refused like
//     a pattern that does not compile: builtin.attribute-value fails
//     (rule_failed) naming the class, attribute and reason.
//   - A NaN or infinite coordinate (box, polygon, polyline, keypoint other than
//     NotLabeled, point, circle, rotated box, time span) is a
//     builtin.degenerate-geometry finding ("non-finite coordinate"); the shape
//     is left out of the self-intersection, near-duplicate and tier-overlap
//     tests.
//   - The self-intersection test of a polygon ring stops after 4,000,000
//     candidate segment pairs and reports, through builtin.degenerate-geometry
//     (at that rule's severity), that the ring has too many segments to check.

#include "qa/rule.hpp"

namespace tessera::rules {

/// The built-in rule provider; lives for the whole program.
[[nodiscard]] const qa::RuleProvider& builtin_rules();

}  // namespace tessera::rules
