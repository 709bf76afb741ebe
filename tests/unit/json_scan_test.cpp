// Finding where a JSON value ends without parsing it (formats/json_scan).

#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "formats/json_scan.hpp"

using tessera::formats::json_value_end;
using tessera::formats::skip_json_space;

namespace {

/// The value at the start of `text` as json_value_end delimits it, or "<none>".
std::string value_at_start(std::string_view text) {
    const char* end = json_value_end(text.data(), text.data() + text.size());
    return end == nullptr ? "<none>" : std::string(text.data(), end);
}

}  // namespace

TEST_CASE("json scan: values end where their strings and brackets close") {
    CHECK(value_at_start(R"({"a":[1,{"b":"}]"}],"c":2}, {"next":1})") ==
          R"({"a":[1,{"b":"}]"}],"c":2})");
    CHECK(value_at_start(R"(["x\"]", "\\", "\\\"]"] tail)") == R"(["x\"]", "\\", "\\\"]"])");
    CHECK(value_at_start(R"("a \"quoted\" \\ word", 1)") == R"("a \"quoted\" \\ word")");
    CHECK(value_at_start("[]") == "[]");
    CHECK(value_at_start("{}  ") == "{}");
    // Strings of 16 bytes and more go through the 16-byte search.
    CHECK(value_at_start(R"(["0123456789abcdef\"0123456789abcdef\\", "]"], 1)") ==
          R"(["0123456789abcdef\"0123456789abcdef\\", "]"])");
    CHECK(value_at_start("[\"行人\", \"ꆈꌠ\"]") == "[\"行人\", \"ꆈꌠ\"]");
    // Scalars end at the next delimiter; whether they are valid is the parser's to say.
    CHECK(value_at_start("123.5e3,") == "123.5e3");
    CHECK(value_at_start("true}") == "true");
    CHECK(value_at_start("nul l") == "nul");
}

TEST_CASE("json scan: unfinished or mismatched values have no end") {
    CHECK(value_at_start(R"({"a":[1,2})") == "<none>");
    CHECK(value_at_start(R"({"a":1])") == "<none>");
    CHECK(value_at_start(R"(["abc)") == "<none>");
    CHECK(value_at_start(R"(["abc\")") == "<none>");
    CHECK(value_at_start(R"("abc\)") == "<none>");
    CHECK(value_at_start(R"([[[)") == "<none>");
    CHECK(value_at_start("") == "<none>");
    // 64 levels are followed, 65 are not.
    CHECK(value_at_start(std::string(64, '[') + std::string(64, ']')) ==
          std::string(64, '[') + std::string(64, ']'));
    CHECK(value_at_start(std::string(65, '[') + std::string(65, ']')) == "<none>");
    // The end is never looked past, even inside a string.
    const std::string text = R"(["a", "b"])";
    CHECK(json_value_end(text.data(), text.data() + 7) == nullptr);
}

TEST_CASE("json scan: only JSON whitespace is skipped") {
    const std::string_view text = " \t\r\n x";
    CHECK(skip_json_space(text.data(), text.data() + text.size()) == text.data() + 5);
    const std::string_view other = "\v x";
    CHECK(skip_json_space(other.data(), other.data() + other.size()) == other.data());
    CHECK(skip_json_space(text.data(), text.data() + 2) == text.data() + 2);
}
