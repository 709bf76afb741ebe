// JSON text: files mapped with simdjson's padding and positioned errors;
// writing numbers in their shortest round-trip form and strings escaped.

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <random>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "support/temp_dir.hpp"

using tessera::append_json_number;
using tessera::append_json_string;
using tessera::JsonText;

namespace {

void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

/// The error JsonText(path) throws, or "" when it loads.
std::string load_error(const std::filesystem::path& path) {
    try {
        const JsonText json(path);
    } catch (const tessera::Error& error) {
        return error.what();
    }
    return "";
}

}  // namespace

TEST_CASE("json: a file is read whole, with readable zero padding after it, at any size") {
    const tessera::test::TempDir dir;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    // Sizes around page ends: the padding must be readable even when the file
    // ends exactly on a page, where the next page is not the file's.
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{1}, page - 1, page, page + 1, 3 * page, 3 * page + 17}) {
        INFO(size);
        std::string text(size, ' ');
        for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + i % 26);
        const auto path = dir / fmt::format("{}.json", size);
        write(path, text);
        const JsonText json(path);
        REQUIRE(json.text() == text);
        const simdjson::padded_string_view padded = json.padded();
        REQUIRE(padded.size() == size);
        REQUIRE(padded.capacity() >= size + simdjson::SIMDJSON_PADDING);
        for (std::size_t i = size; i < padded.capacity(); ++i) REQUIRE(padded.data()[i] == 0);
    }
}

TEST_CASE("json: a mapped file parses, and errors name its line and column") {
    const tessera::test::TempDir dir;
    const auto path = dir / "doc.json";
    write(path, "{\"a\": [1, 2],\n \"b\": tru}");
    const JsonText json(path);
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document doc;
    REQUIRE(parser.iterate(json.padded()).get(doc) == simdjson::SUCCESS);
    std::int64_t second = 0;
    REQUIRE(doc["a"].at(1).get_int64().get(second) == simdjson::SUCCESS);
    CHECK(second == 2);
    const char* at = json.text().data() + json.text().find("tru");
    try {
        json.fail(at, "b: expected true or false");
        FAIL("fail() returned");
    } catch (const tessera::Error& error) {
        CHECK(std::string(error.what()) ==
              fmt::format("{}:2:7: b: expected true or false", path.generic_string()));
    }
}

TEST_CASE("json: a file that cannot be read is an error naming it") {
    const tessera::test::TempDir dir;
    const std::string missing = load_error(dir / "missing.json");
    CHECK(missing.find("missing.json") != std::string::npos);
    CHECK(missing.find("cannot open for reading") != std::string::npos);

    const std::string folder = load_error(dir.path());
    CHECK(folder.find("is a folder, expected a file") != std::string::npos);

    const auto fifo = dir / "pipe.json";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // Opening a FIFO for reading waits for a writer: keep one open meanwhile.
    const int writer = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
    REQUIRE(writer >= 0);
    const std::string pipe = load_error(fifo);
    ::close(writer);
    CHECK(pipe.find("pipe.json") != std::string::npos);
    CHECK(pipe.find("is not a regular file") != std::string::npos);
}

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
