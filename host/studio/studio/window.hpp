#pragma once
// The studio's window: GLFW, an OpenGL 3.3 core context, Dear ImGui with its
// GLFW and OpenGL 3 backends, and the UI fonts (Noto Sans CJK when Debian's
// fonts-noto-cjk is installed, so Chinese renders; ImGui's own font otherwise).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

struct GLFWwindow;

namespace tessera::studio {

struct WindowOptions {
    std::string title = "Tessera Studio";
    int width = 1280;
    int height = 800;
    /// Pixel size of the UI font.
    float font_size = 17.0f;
    /// Text whose characters the font must hold besides the common Simplified
    /// Chinese set (UI strings, label names of the schema).
    std::string glyph_text;
};

class Window {
public:
    /// Opens the window; throws Error when there is no display or no OpenGL 3.3.
    explicit Window(const WindowOptions& options);
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    /// False once the user asked to close the window.
    [[nodiscard]] bool open() const;
    /// Asks the window to close at the end of this frame.
    void close();
    /// Polls events and starts an ImGui frame. `before_imgui` runs after the
    /// backends read the real input and before ImGui::NewFrame(): scripted
    /// sessions overwrite the input there.
    void begin_frame(const std::function<void()>& before_imgui = {});
    /// Renders the ImGui frame and presents it.
    void end_frame();
    /// Writes the last rendered frame (the back buffer, before presenting) as
    /// a PNG; call between ImGui rendering and presenting, i.e. from the
    /// `after_render` hook. Throws Error on failure.
    void save_png(const std::filesystem::path& file) const;
    /// Runs after rendering and before presenting, once (screenshots).
    void after_render(std::function<void()> hook) { after_render_ = std::move(hook); }

    [[nodiscard]] GLFWwindow* handle() const { return window_; }
    /// Framebuffer size in pixels.
    [[nodiscard]] int width() const;
    [[nodiscard]] int height() const;

private:
    GLFWwindow* window_ = nullptr;
    std::vector<unsigned short> glyph_ranges_;  // ImWchar ranges; must outlive the font atlas
    std::function<void()> after_render_;
};

}  // namespace tessera::studio
