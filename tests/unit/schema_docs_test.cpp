// The data API documents itself: a `///` comment above every table, struct,
// enum, union, field and enum value of schemas/tessera/v1.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>

TEST_CASE("every declaration of the data API carries a /// comment") {
    const std::regex declaration(
        R"(^(table|struct|enum|union)\s|^\s+\w+\s*:\s*\S|^\s+\w+\s*=\s*\d+,)");
    const std::regex doc_comment(R"(^\s*///)");
    std::size_t checked = 0;
    const auto dir = std::filesystem::path(TESSERA_SOURCE_DIR) / "schemas/tessera/v1";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".fbs") continue;
        std::ifstream in(entry.path());
        std::string line, previous;
        for (int number = 1; std::getline(in, line); ++number, previous = line) {
            if (!std::regex_search(line, declaration)) continue;
            ++checked;
            INFO(entry.path().filename().string() << ":" << number << ": " << line);
            CHECK(std::regex_search(previous, doc_comment));
        }
    }
    CHECK(checked > 150);  // the check really looked at the schemas
}
