// The user's saved layout: where it lives and what its file holds.

#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>

#include "core/file_io.hpp"
#include "studio/layout.hpp"

using tessera::studio::LayoutRect;
using tessera::studio::SavedLayout;

namespace {

struct TempDir {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("tessera-layout-test-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    TempDir() { std::filesystem::create_directories(path); }
    ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("layout: a moved panel is where it was in the next session, until the layout is reset",
          "[studio][layout]") {
    TempDir dir;
    const auto file = dir.path / "layouts" / "default.layout";
    {
        SavedLayout layout(file);
        CHECK(layout.find("qa") == nullptr);
        layout.set("qa", {0.25f, 0.125f, 0.2f, 0.3f});
        layout.save();
    }
    SavedLayout reopened(file);
    REQUIRE(reopened.find("qa") != nullptr);
    CHECK(*reopened.find("qa") == LayoutRect{0.25f, 0.125f, 0.2f, 0.3f});
    CHECK(reopened.find("items") == nullptr);

    reopened.clear();
    CHECK(reopened.find("qa") == nullptr);
    CHECK_FALSE(std::filesystem::exists(file));
    CHECK(SavedLayout(file).find("qa") == nullptr);
}

TEST_CASE("layout: the layout is saved per user and profile under XDG_CONFIG_HOME, else ~/.config",
          "[studio][layout]") {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const std::string saved_xdg = xdg != nullptr ? xdg : "";
    ::setenv("XDG_CONFIG_HOME", "/tmp/cfg", 1);
    CHECK(SavedLayout::file_for({}) == "/tmp/cfg/tessera/studio/layouts/default.layout");
    CHECK(SavedLayout::file_for("/somewhere/profiles/driving.json") ==
          "/tmp/cfg/tessera/studio/layouts/driving.layout");
    ::unsetenv("XDG_CONFIG_HOME");
    if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0')
        CHECK(SavedLayout::file_for({}) ==
              std::filesystem::path(home) / ".config/tessera/studio/layouts/default.layout");
    if (xdg != nullptr) ::setenv("XDG_CONFIG_HOME", saved_xdg.c_str(), 1);
}

TEST_CASE("layout: a damaged layout line is skipped and the others kept", "[studio][layout]") {
    const auto rects = SavedLayout::parse(
        "tessera-studio-layout 1\nqa 0.1 0.2 0.3 0.4\nitems 0.1 zero 0.3 0.4\nlabels 0 0 -1 1\n"
        "review 0.5 0.5 0.2 0.2 extra\n",
        "test.layout");
    REQUIRE(rects.size() == 1);
    CHECK(rects.at("qa") == LayoutRect{0.1f, 0.2f, 0.3f, 0.4f});
    CHECK_THROWS_WITH(SavedLayout::parse("something else\n", "test.layout"),
                      Catch::Contains("test.layout:1"));
}
