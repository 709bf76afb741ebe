// Finding where a JSON value ends without parsing it (formats/json_scan).

#include <cstdint>
#include <random>
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

/// Where json_value_end should find the end of the object or array at the start
/// of `text`, found one byte at a time: its length, or npos.
std::size_t reference_container_end(std::string_view text) {
    std::string open;  // the brackets open, innermost last
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (open.size() == 64) return std::string_view::npos;
            open.push_back(c);
        } else if (c == '}' || c == ']') {
            if (open.back() != (c == '}' ? '{' : '[')) return std::string_view::npos;
            open.pop_back();
            if (open.empty()) return i + 1;
        }
    }
    return std::string_view::npos;
}

/// A JSON-like value of about `budget` bytes whose strings hold brackets and,
/// with `escapes`, escaped quotes and backslashes, and whose nesting varies.
std::string random_value(std::mt19937& random, int budget, bool escapes) {
    const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
    if (budget <= 0 || pick(4) == 0) {
        std::string text = "\"";
        const int length = pick(3) == 0 ? 40 + pick(120) : pick(12);
        for (int i = 0; i < length; ++i) {
            static constexpr std::string_view kinds[] = {"a",    "b",    "{",  "]",
                                                         "\\\"", "\\\\", "行", " "};
            text += kinds[escapes && pick(10) == 0 ? pick(8) : pick(4)];
        }
        return text + "\"";
    }
    const bool object = pick(2) == 0;
    std::string text(1, object ? '{' : '[');
    const int count = pick(6);
    for (int i = 0; i < count; ++i) {
        if (i > 0) text += ", ";
        if (object) text += "\"k\":";
        text += random_value(random, budget / 2 - 1, escapes);
    }
    return text + (object ? '}' : ']');
}

}  // namespace

TEST_CASE("json scan: block by block and step by step agree") {
    // Values of all sizes, across 64-byte blocks and with escapes, each whole,
    // cut short, and with one byte changed.
    std::mt19937 random(2026);
    int ended = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text = random_value(random, 400, random() % 4 == 0) + ", {\"next\": 1}";
        if (text[0] != '{' && text[0] != '[') continue;
        switch (random() % 3) {
            case 0:
                text.resize(random() % text.size());
                break;
            case 1: {
                static constexpr char bytes[] = {'{', '}', '[', ']', '"', '\\', 'x'};
                text[1 + random() % (text.size() - 1)] = bytes[random() % sizeof bytes];
                break;
            }
            default:
                break;
        }
        if (text.empty()) continue;
        const std::size_t expected = reference_container_end(text);
        const char* end = json_value_end(text.data(), text.data() + text.size());
        INFO(text);
        if (expected == std::string_view::npos) {
            CHECK(end == nullptr);
        } else {
            ++ended;
            CHECK(end == text.data() + expected);
        }
    }
    CHECK(ended > 5000);
}

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
