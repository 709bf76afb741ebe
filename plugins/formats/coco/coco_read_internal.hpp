#pragma once
// Internal to the COCO reader: typed access to simdjson on-demand values with
// positioned errors, and what one annotation holds before ids are resolved.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "core/data_api.hpp"
#include "core/json_text.hpp"
#include "formats/dataset.hpp"
#include "formats/format.hpp"

namespace tessera::formats::coco::detail {

namespace od = simdjson::ondemand;

/// What is being read, for messages: {"annotation", 17, "bbox"} -> "annotation 17: bbox".
struct Context {
    Context() = default;
    Context(std::string_view kind_, std::size_t index_ = 0, std::string_view field_ = {})
        : kind(kind_), index(index_), field(field_) {}

    std::string_view kind;   ///< "image", "annotation", "category" or a top-level key
    std::size_t index = 0;   ///< 1-based position in its array; 0 = none
    std::string_view field;  ///< field being read; empty = the whole object

    /// The same object, reading `name`.
    [[nodiscard]] Context with(std::string_view name) const { return {kind, index, name}; }
    /// "annotation 17: bbox".
    [[nodiscard]] std::string describe() const;
};

/// Reads values of one document; every failure throws Error "file:line:col: ...".
class Cursor {
public:
    Cursor(const JsonText& text, od::document& document) : text_(text), document_(document) {}

    [[nodiscard]] const JsonText& text() const { return text_; }

    /// Throws "file:line:col: <where>: message" at `at`.
    [[noreturn]] void fail(const char* at, const Context& where, std::string_view message) const;
    /// Throws for a simdjson error at the parser's current position.
    [[noreturn]] void fail_json(simdjson::error_code error, const Context& where) const;
    /// Throws "<where>: expected <expected>, found <what value is>" at `value`.
    [[noreturn]] void fail_type(od::value& value, const Context& where,
                                std::string_view expected) const;

    /// Where `value` starts in the text; stays valid after the value is read.
    [[nodiscard]] static const char* at(od::value& value) { return value.raw_json_token().data(); }
    /// Byte offset the parser has reached (for progress).
    [[nodiscard]] std::size_t offset() const;

    [[nodiscard]] od::json_type type(od::value& value, const Context& where) const;
    [[nodiscard]] od::object object(od::value& value, const Context& where) const;
    [[nodiscard]] od::array array(od::value& value, const Context& where) const;
    [[nodiscard]] double number(od::value& value, const Context& where) const;
    /// An integer; integral numbers written with a fraction ("640.0") are accepted.
    [[nodiscard]] std::int64_t integer(od::value& value, const Context& where) const;
    /// A non-negative integer that fits 32 bits (sizes, run lengths).
    [[nodiscard]] std::uint32_t size(od::value& value, const Context& where) const {
        std::uint64_t n = 0;
        if (value.get_uint64().get(n) == simdjson::SUCCESS && n <= UINT32_MAX)
            return static_cast<std::uint32_t>(n);
        return size_slow(value, where);
    }
    [[nodiscard]] bool boolean(od::value& value, const Context& where) const;
    /// A string, unescaped; valid until the parser is destroyed.
    [[nodiscard]] std::string_view string(od::value& value, const Context& where) const;
    /// The value's JSON text, checked where it is a scalar, without surrounding whitespace.
    [[nodiscard]] std::string_view raw(od::value& value, const Context& where) const;
    /// A field's key, unescaped only when it holds escapes.
    [[nodiscard]] std::string_view key(od::field& field, const Context& where) const;

    /// Calls visit(key, value) for each field of `object`.
    template <class Visit>
    void for_each_field(od::object& object, const Context& where, Visit&& visit) const {
        for (auto result : object) {
            od::field field;
            if (const auto error = std::move(result).get(field)) fail_json(error, where);
            const std::string_view name = key(field, where);
            visit(name, field.value());
        }
    }
    /// Calls visit(value) for each element of `array`.
    template <class Visit>
    void for_each_element(od::array& array, const Context& where, Visit&& visit) const {
        for (auto result : array) {
            od::value element;
            if (const auto error = std::move(result).get(element)) fail_json(error, where);
            visit(element);
        }
    }
    /// Reads an array of numbers into `out` (cleared first); returns where it starts.
    const char* numbers(od::value& value, const Context& where, std::vector<double>& out) const;

private:
    [[nodiscard]] std::uint32_t size_slow(od::value& value, const Context& where) const;

    const JsonText& text_;
    od::document& document_;
};

/// A KeyValue "coco:<field>" = value.
[[nodiscard]] std::unique_ptr<v1::KeyValueT> coco_metadata(std::string_view field,
                                                           std::string_view value);

/// One element of "annotations" as read, before its image and category are known.
struct PendingAnnotation {
    std::unique_ptr<v1::AnnotationT> shape;      ///< bbox or segmentation; null if none
    std::unique_ptr<v1::AnnotationT> keypoints;  ///< keypoints; null if none
    std::int64_t image_id = 0;
    std::int64_t category_id = 0;
    const char* image_id_at = nullptr;     ///< for "unknown image_id"
    const char* category_id_at = nullptr;  ///< for "unknown category_id"
    const char* keypoints_at = nullptr;    ///< for "wrong number of keypoints"
    std::size_t index = 0;                 ///< 1-based position in "annotations"
};

/// Scratch space reused across annotations to avoid allocations.
struct AnnotationScratch {
    std::vector<double> numbers;
    std::vector<double> more_numbers;
};

/// Reads COCO JSON `text` (media looked for from `json_dir`) one value at a time:
/// each top-level value, and each element of "images" and "annotations", parsed
/// on its own. Nothing when the file has an error, or anything else only the
/// parse of the whole document judges (an escaped top-level key, say).
[[nodiscard]] std::optional<Dataset> read_coco_by_value(const JsonText& text,
                                                        const std::filesystem::path& json_dir,
                                                        const ReadOptions& options);
/// Reads COCO JSON `text` as one document; throws Error "file:line:col: ...".
[[nodiscard]] Dataset read_coco_whole(const JsonText& text, const std::filesystem::path& json_dir,
                                      const ReadOptions& options);
/// What read_coco_file does: by value, else the whole document (a file with an
/// error is read twice; the error is the whole document's). Where reading by
/// value gives a Dataset, it is the one reading the whole document gives: the
/// tests and the fuzz target compare them.
[[nodiscard]] Dataset read_coco(const JsonText& text, const std::filesystem::path& json_dir,
                                const ReadOptions& options);

/// Reads element `index` (1-based) of "annotations".
[[nodiscard]] PendingAnnotation read_annotation(const Cursor& cursor, od::value& value,
                                                std::size_t index, AnnotationScratch& scratch);

}  // namespace tessera::formats::coco::detail
