// Plugin-provided text shown on a terminal (terminal_text) and written as JSON
// (append_json_string): one line, nothing a terminal acts on, valid UTF-8.

#include <catch2/catch.hpp>

#include "core/display_text.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"

using tessera::terminal_text;

namespace {

std::string json(std::string_view text) {
    std::string out;
    tessera::append_json_string(out, text);
    return out;
}

}  // namespace

TEST_CASE("terminal text: controls are escaped and every string stays one line", "[display]") {
    CHECK(terminal_text("ok\nitem 99: forged") == "ok\\nitem 99: forged");
    CHECK(terminal_text("\x1b[2J") == "\\x1b[2J");
    CHECK(terminal_text("a\r\tb\x7f\x01") == "a\\r\\tb\\x7f\\x01");
    CHECK(terminal_text(std::string_view("nul\0here", 8)) == "nul\\x00here");
    // C1 controls, bidi overrides and isolates, line separators: by code point.
    CHECK(terminal_text("\xc2\x9b"
                        "31m") == "\\u009b31m");
    CHECK(terminal_text("abc\xe2\x80\xae"
                        "fed") == "abc\\u202efed");
    CHECK(terminal_text("\xe2\x81\xa6x\xe2\x81\xa9") == "\\u2066x\\u2069");
    CHECK(terminal_text("a\xe2\x80\xa8"
                        "b") == "a\\u2028b");
}

TEST_CASE("terminal text: bytes that are not UTF-8 show as \\xNN, valid UTF-8 is kept",
          "[display]") {
    CHECK(terminal_text("\xff\xfe") == "\\xff\\xfe");
    CHECK(terminal_text("\xc0\xaf") == "\\xc0\\xaf");              // overlong '/'
    CHECK(terminal_text("\xed\xa0\x80") == "\\xed\\xa0\\x80");     // a surrogate
    CHECK(terminal_text("cut \xe4\xb8") == "cut \\xe4\\xb8");      // cut short
    CHECK(terminal_text("交通灯 — ok \\n") == "交通灯 — ok \\n");  // backslashes unchanged
    CHECK(terminal_text("\xf0\x9f\x9a\x97") == "\xf0\x9f\x9a\x97");
}

TEST_CASE("JSON strings are valid UTF-8 whatever the text holds", "[display][json]") {
    CHECK(json("\xff\xfe") == "\"\\ufffd\\ufffd\"");
    CHECK(json("a\x1b[2J\nb\x7f") == "\"a\\u001b[2J\\nb\\u007f\"");
    CHECK(json("\xe2\x80\xae\xc2\x85") == "\"\\u202e\\u0085\"");
    CHECK(json("交通灯 \"q\" \\") == "\"交通灯 \\\"q\\\" \\\\\"");
    for (const std::string_view hostile :
         {std::string_view("\xff"), std::string_view("\xe4\xb8"),
          std::string_view("\xf4\x90\x80\x80"), std::string_view("\xc0\x80 \xed\xbf\xbf")})
        CHECK_FALSE(tessera::first_invalid_utf8(json(hostile)));
}
