#pragma once
// Reading JSON with positioned errors over a simdjson document, and writing
// JSON text: the JSON formats (COCO, labelme), the project file, plugin
// manifests, studio profiles and QA reports share it.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/file_io.hpp"

namespace tessera {

/// A JSON file loaded for simdjson's on-demand parser, able to turn a
/// position inside the document into "file:line:col" errors.
class JsonText {
public:
    /// Maps `path` into memory (see MappedFile); throws Error naming it when it
    /// cannot be read.
    explicit JsonText(std::filesystem::path path);
    /// Wraps text already in memory (tests, fuzzing); `path` names it in messages.
    JsonText(std::filesystem::path path, std::string_view text);

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    /// The text with simdjson's padding after it.
    [[nodiscard]] simdjson::padded_string_view padded() const {
        return simdjson::padded_string_view(data(), size(), size() + simdjson::SIMDJSON_PADDING);
    }
    [[nodiscard]] std::string_view text() const { return {data(), size()}; }

    /// Byte offset of `location` (a pointer into padded()), clamped to the text.
    [[nodiscard]] std::size_t offset_of(const char* location) const;
    /// Throws Error "file:line:col: message" at `location`.
    [[noreturn]] void fail(const char* location, std::string_view message) const;
    /// Throws Error "file:line:col: message" at the current location of `value`.
    template <class V>
    [[noreturn]] void fail_at(V& value, std::string_view message) const {
        const char* location = nullptr;
        if (value.current_location().get(location) != simdjson::SUCCESS) location = nullptr;
        fail(location, message);
    }
    /// Throws Error for a simdjson error code at `location`, with `context`
    /// ("annotation 17: bbox") saying what was being read.
    [[noreturn]] void fail_simdjson(const char* location, simdjson::error_code error,
                                    std::string_view context) const;

private:
    [[nodiscard]] const char* data() const { return file_ ? file_->data() : copy_.data(); }
    [[nodiscard]] std::size_t size() const { return file_ ? file_->size() : copy_.size(); }

    std::filesystem::path path_;
    std::unique_ptr<const MappedFile> file_;  // a file's text
    simdjson::padded_string copy_;            // or text given in memory
};

/// Where `value` (or the document's cursor) stands in its text, or nullptr.
[[nodiscard]] const char* location_of(simdjson::ondemand::value& value);
[[nodiscard]] const char* location_of(simdjson::ondemand::document& doc);

/// The string `value` holds; throws Error "file:line:col: WHAT: expected a string" otherwise.
[[nodiscard]] std::string read_json_string(const JsonText& json, simdjson::ondemand::value& value,
                                           std::string_view what);

/// The object `value` holds; throws Error "file:line:col: PATH: expected an object" otherwise.
[[nodiscard]] simdjson::ondemand::object read_json_object(const JsonText& json,
                                                          simdjson::ondemand::value& value,
                                                          std::string_view path);

/// Calls `each(key, value)` for every field of `object` (found at `at`);
/// `path` names it in errors.
template <class Each>
void for_each_json_field(const JsonText& json, simdjson::ondemand::object& object, const char* at,
                         std::string_view path, Each&& each) {
    for (auto field_result : object) {
        simdjson::ondemand::field field;
        if (const auto error = std::move(field_result).get(field))
            json.fail_simdjson(at, error, path);
        std::string_view key;
        if (const auto error = field.unescaped_key().get(key))
            json.fail_simdjson(at, error, std::string(path) + ": key");
        simdjson::ondemand::value value = field.value();
        each(std::string(key), value);
    }
}

/// Appends `text` as a JSON string literal, quoted and escaped: always valid
/// UTF-8 and valid JSON whatever `text` holds. Well-formed UTF-8 is kept as is,
/// except control characters (see is_control_code_point), written as \uNNNN;
/// a byte that is not UTF-8 becomes U+FFFD.
void append_json_string(std::string& out, std::string_view text);

/// Appends a double in the shortest form that reads back to the same value;
/// integers print without a fraction ("12", "12.5"); NaN and infinities as null.
void append_json_number(std::string& out, double value);

/// True when `text` is exactly one JSON value (surrounding whitespace allowed) that the
/// readers take back as written: a top-level number must fit a double and a top-level
/// string hold no lone surrogate escape, as simdjson requires. Writers check raw
/// metadata with it before copying it into their output and write what fails as a string.
[[nodiscard]] bool is_json(std::string_view text);

}  // namespace tessera
