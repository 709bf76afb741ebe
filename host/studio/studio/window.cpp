#include "studio/window.hpp"

#include <vector>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <fmt/format.h>

#include "core/error.hpp"

// Only OpenGL 1.x functions (glReadPixels and friends), which libGL exports
// itself: no loader.
#include <GL/gl.h>

namespace tessera::studio {
namespace {

// Noto Sans CJK from Debian's fonts-noto-cjk; face 2 of the collection is
// Simplified Chinese.
constexpr const char* kCjkFont = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
constexpr int kCjkFaceSimplifiedChinese = 2;

void load_fonts(float size, const std::string& glyph_text, std::vector<ImWchar>& ranges) {
    ImGuiIO& io = ImGui::GetIO();
    if (std::filesystem::exists(kCjkFont)) {
        ImFontGlyphRangesBuilder builder;
        builder.AddRanges(io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
        builder.AddText(glyph_text.c_str(), glyph_text.c_str() + glyph_text.size());
        ImVector<ImWchar> built;
        builder.BuildRanges(&built);
        ranges.assign(built.begin(), built.end());
        ImFontConfig config;
        config.FontNo = kCjkFaceSimplifiedChinese;
        config.OversampleH = 1;  // keeps the atlas small with thousands of glyphs
        config.OversampleV = 1;
        if (io.Fonts->AddFontFromFileTTF(kCjkFont, size, &config, ranges.data())) return;
    }
    io.Fonts->AddFontDefault();
}

}  // namespace

Window::Window(const WindowOptions& options) {
    glfwSetErrorCallback([](int code, const char* text) {
        fmt::print(stderr, "tessera-studio: GLFW error {}: {}\n", code, text);
    });
    if (!glfwInit()) throw Error("cannot open a window: GLFW found no display (is DISPLAY set?)");
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    window_ =
        glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
    if (window_ == nullptr) {
        glfwTerminate();
        throw Error("cannot open a window with an OpenGL 3.3 core context");
    }
    glfwMakeContextCurrent(window_);
    glfwSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    // The layout comes from the profile, not from a file beside the binary.
    io.IniFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    ImGui::StyleColorsDark();
    load_fonts(options.font_size, options.glyph_text, glyph_ranges_);
    ImGui_ImplGlfw_InitForOpenGL(window_, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
}

Window::~Window() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window_);
    glfwTerminate();
}

bool Window::open() const {
    return !glfwWindowShouldClose(window_);
}

void Window::close() {
    glfwSetWindowShouldClose(window_, GLFW_TRUE);
}

int Window::width() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    return w;
}

int Window::height() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    return h;
}

void Window::begin_frame(const std::function<void()>& before_imgui) {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    if (before_imgui) before_imgui();
    ImGui::NewFrame();
}

void Window::end_frame() {
    ImGui::Render();
    glViewport(0, 0, width(), height());
    glClearColor(0.12f, 0.12f, 0.13f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (after_render_) {
        auto hook = std::move(after_render_);
        after_render_ = nullptr;
        hook();
    }
    glfwSwapBuffers(window_);
}

void Window::save_png(const std::filesystem::path& file) const {
    const int w = width(), h = height();
    std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) *
                                      4);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    // OpenGL's rows run bottom to top; PNG's top to bottom.
    const std::size_t row = static_cast<std::size_t>(w) * 4;
    std::vector<unsigned char> flipped(pixels.size());
    for (int y = 0; y < h; ++y)
        std::copy_n(pixels.data() + static_cast<std::size_t>(h - 1 - y) * row, row,
                    flipped.data() + static_cast<std::size_t>(y) * row);
    if (!stbi_write_png(file.c_str(), w, h, 4, flipped.data(), static_cast<int>(row)))
        throw Error(fmt::format("{}: cannot write the screenshot", file.string()));
}

}  // namespace tessera::studio
