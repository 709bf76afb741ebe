// A view whose options() draw with the plugin's own copy of Dear ImGui into
// the host's context (tessera.host.imgui/1), for tests/studio/host_imgui_test.cpp.
// Built twice: with ImGui as the host configures it, and with 32-bit draw
// indices (ImDrawIdx), a build the host must refuse at load: that variant's
// code does not match the 16-bit libimgui.a it links, which is harmless only
// because it never calls ImGui (do not copy it as a real build). With
// TESSERA_TEST_IMGUI_THROW set, options() throws with ImGui's stacks pushed.

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <imgui.h>
#include <tessera/cpp/imgui.hpp>
#include <tessera/cpp/plugin.hpp>

namespace {

class ImGuiView final : public tessera::cpp::View {
public:
    void open_item(std::span<const std::uint8_t>, std::span<const std::uint8_t>,
                   std::string_view) override {}
    void set_annotations(std::span<const std::uint8_t>) override {}
    void frame(const tessera_host_ui_t&, tessera_ui_t*, const tessera_view_state_t&) override {}
    void options(const tessera_host_ui_t&, tessera_ui_t*) override {
        if (std::getenv("TESSERA_TEST_IMGUI_THROW") != nullptr) {
            ImGui::PushID("unbalanced");
            ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 0, 0, 255));
            ImGui::BeginGroup();
            ImGui::Begin("Plugin window");
            ImGui::PushStyleVar(ImGuiStyleVar_Alpha, 0.5f);
            ImGui::TreeNodeEx("open node", ImGuiTreeNodeFlags_DefaultOpen);
            throw std::runtime_error("thrown between pushes and pops");
        }
        ImGui::TextUnformatted("drawn by the plugin's ImGui");
        ImGui::Checkbox("Plugin option", &option_);
        ImGui::SliderFloat("Plugin slider", &slider_, 0.0f, 1.0f);
    }

private:
    bool option_ = true;
    float slider_ = 0.5f;
};

constexpr tessera_view_tool_t kTools[] = {{"look", "Look", 'L'}};

class ImGuiViewPlugin final : public tessera::cpp::PluginBase {
public:
    static constexpr tessera_plugin_descriptor_t descriptor = {
        .sdk_version = TESSERA_VERSION_INIT,
        .id = TEST_PLUGIN_ID,
        .name = "ImGui view test plugin",
        .vendor = "Tessera tests",
        .version = "1.0.0",
        .description = "Options drawn with the host's ImGui context",
    };
    void init() override {
        tessera::cpp::use_host_imgui(host());
        set_view({.name = "ImGui", .media_kinds = "Image", .tools = kTools},
                 std::make_unique<ImGuiView>());
    }
};

}  // namespace

TESSERA_CPP_PLUGIN_ENTRY(ImGuiViewPlugin);
