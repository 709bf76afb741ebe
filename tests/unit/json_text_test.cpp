// Writing JSON: numbers in their shortest round-trip form, strings escaped.

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include <fmt/format.h>

#include "formats/json_text.hpp"

using tessera::formats::append_json_number;
using tessera::formats::append_json_string;

TEST_CASE("json: numbers are written as fmt's shortest round-trip form, fast path included") {
    // append_json_number has a fast path for short decimals; it must print
    // exactly what fmt's "{}" prints for every finite value.
    std::vector<double> values{0,       -0.0,   0.01, -0.05,     0.1 + 0.2, 1e-5,         12,
                               12.5,    -12.5,  100,  123.45,    1230,      999999999.99, 1e9,
                               1e9 + 1, 2.5e15, 1e20, 1.0 / 3.0, -7.07,     640.1,        0.005};
    std::mt19937_64 random(7);
    std::uniform_int_distribution<std::int64_t> cents(-100000000, 100000000);
    std::uniform_real_distribution<double> any(-5000, 5000);
    for (int i = 0; i < 20000; ++i) {
        values.push_back(static_cast<double>(cents(random)) / 100);
        values.push_back(any(random));
    }
    for (const double value : values) {
        std::string written;
        append_json_number(written, value);
        INFO(written);
        REQUIRE(written == fmt::format("{}", value));
        REQUIRE(std::stod(written) == value);
    }
    std::string not_finite;
    append_json_number(not_finite, std::nan(""));
    CHECK(not_finite == "null");  // JSON has no NaN
}

TEST_CASE("json: strings are quoted and escaped, UTF-8 kept") {
    std::string out;
    append_json_string(out, "行人 \"quoted\" back\\slash\n\t\x01");
    CHECK(out == "\"行人 \\\"quoted\\\" back\\\\slash\\n\\t\\u0001\"");
}
