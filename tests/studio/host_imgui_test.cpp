// tessera.host.imgui/1: a plugin with its own copy of Dear ImGui draws its
// options into the studio's context; a plugin built against another ImGui
// configuration is refused at load, naming the difference.

#include <cstdlib>
#include <filesystem>
#include <string>

#include <imgui.h>
#include <imgui_internal.h>  // ImGui::GetItemID()
#include <catch2/catch.hpp>

#include "loader/loader.hpp"
#include "studio/canvas.hpp"
#include "studio/host_imgui.hpp"

namespace fs = std::filesystem;
using namespace tessera;

namespace {

// An ImGui context with a font atlas, able to run frames without a window.
struct HeadlessImGui {
    HeadlessImGui() : context(ImGui::CreateContext()) {
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = {800, 600};
        io.IniFilename = nullptr;
        unsigned char* pixels = nullptr;
        int width = 0, height = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
    }
    ~HeadlessImGui() { ImGui::DestroyContext(context); }
    ImGuiContext* context;
};

plugins::PluginHost& studio_like(plugins::PluginHost& host) {
    host.set_log([](auto&&...) {});
    studio::offer_ui_extensions(host.host_extensions());
    return host;
}

const fs::path kPlugins = STUDIO_TEST_PLUGINS;

}  // namespace

TEST_CASE(
    "host.imgui: a plugin built against the host's ImGui draws its options in the host's context") {
    HeadlessImGui imgui;
    plugins::PluginHost host({}, "tessera-studio");
    const plugins::PluginRecord& record = studio_like(host).load_folder(kPlugins / "imgui_view");
    INFO(record.reason);
    REQUIRE(record.state == plugins::State::Loaded);
    REQUIRE(host.views().size() == 1);
    const plugins::ViewRecord& view = host.views()[0];

    studio::Canvas canvas({});
    // A new window shows from its second frame on.
    for (int frame = 0; frame < 2; ++frame) {
        ImGui::NewFrame();
        ImGui::Begin("Options");
        const float before = ImGui::GetCursorPosY();
        canvas.options(view.plugin, *view.view);
        // Three widgets went into this window of the host's context, the last
        // one being the plugin's slider.
        CHECK(ImGui::GetCursorPosY() >= before + 3 * ImGui::GetFrameHeight());
        CHECK(ImGui::GetItemID() == ImGui::GetID("Plugin slider"));
        ImGui::End();
        ImGui::Render();
    }
    CHECK(ImGui::GetDrawData()->TotalVtxCount > 0);
}

TEST_CASE("host.imgui: a plugin throwing with ImGui's stacks pushed leaves them as they were") {
    HeadlessImGui imgui;
    plugins::PluginHost host({}, "tessera-studio");
    const plugins::PluginRecord& record = studio_like(host).load_folder(kPlugins / "imgui_view");
    REQUIRE(record.state == plugins::State::Loaded);
    const plugins::ViewRecord& view = host.views()[0];
    studio::Canvas canvas({});
    ::setenv("TESSERA_TEST_IMGUI_THROW", "1", 1);
    struct Unset {
        ~Unset() { ::unsetenv("TESSERA_TEST_IMGUI_THROW"); }
    } unset;
    const ImGuiContext& g = *imgui.context;
    for (int frame = 0; frame < 2; ++frame) {
        ImGui::NewFrame();
        ImGui::Begin("Options");
        const ImGuiID id = ImGui::GetID("after");
        const int windows = g.CurrentWindowStack.Size;
        canvas.options(view.plugin, *view.view);
        // The plugin's window, group, tree node, id and style pushes are undone:
        // the studio's End() and Render() would abort otherwise.
        CHECK(g.CurrentWindowStack.Size == windows);
        CHECK(g.ColorStack.Size == 0);
        CHECK(g.StyleVarStack.Size == 0);
        CHECK(g.GroupStack.Size == 0);
        CHECK(ImGui::GetID("after") == id);
        ImGui::End();
        ImGui::Render();
    }
}

TEST_CASE(
    "host.imgui: a plugin built against another ImGui configuration is refused with the reason") {
    HeadlessImGui imgui;
    plugins::PluginHost host({}, "tessera-studio");
    const plugins::PluginRecord& record =
        studio_like(host).load_folder(kPlugins / "imgui_view_wide");
    CHECK(record.state == plugins::State::Refused);
    CHECK_THAT(record.reason, Catch::Contains("sizeof(ImDrawIdx) is 4, the host's 2"));
    CHECK(host.views().empty());
}

TEST_CASE("host.imgui: the context goes only to the host's exact build") {
    HeadlessImGui imgui;
    const tessera_host_imgui_t& api = *studio::host_imgui_api();
    tessera_imgui_build_t build = *api.build;
    CHECK(api.context(nullptr, &build) == imgui.context);
    CHECK(api.context(nullptr, nullptr) == nullptr);
    build.sizeof_wchar = 4;
    CHECK(api.context(nullptr, &build) == nullptr);
    build = *api.build;
    build.col32_r_shift = 16;  // IMGUI_USE_BGRA_PACKED_COLOR
    CHECK(api.context(nullptr, &build) == nullptr);
    build = *api.build;
    build.sizeof_context += 8;
    CHECK(api.context(nullptr, &build) == nullptr);
    build = *api.build;
    build.version = "1.87";
    CHECK(api.context(nullptr, &build) == nullptr);
    build = *api.build;
    build.version_num += 1;
    CHECK(api.context(nullptr, &build) == nullptr);
}

TEST_CASE("host.imgui: without the extension the plugin is refused, naming it") {
    HeadlessImGui imgui;
    plugins::PluginHost host({}, "tessera");
    host.set_log([](auto&&...) {});
    const plugins::PluginRecord& record = host.load_folder(kPlugins / "imgui_view");
    CHECK(record.state == plugins::State::Refused);
    CHECK_THAT(record.reason, Catch::Contains("does not offer tessera.host.imgui/1"));
}
