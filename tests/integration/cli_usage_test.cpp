#include <catch2/catch.hpp>

#include "support/run.hpp"

using tessera::test::run_cli;

TEST_CASE("tessera without arguments prints usage and exits 2") {
    const auto result = run_cli({});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("usage") != std::string::npos);
}

TEST_CASE("an unknown command exits 2") {
    const auto result = run_cli({"frobnicate"});
    CHECK(result.exit_code == 2);
}
