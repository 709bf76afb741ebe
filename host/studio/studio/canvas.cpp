#include "studio/canvas.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

// Only OpenGL 1.x texture functions, which libGL exports itself: no loader.
#include <GL/gl.h>
#include <imgui_internal.h>  // ImGuiStackSizes, to restore what a view left pushed

/// The frame context handed to views: the canvas drawing this frame.
struct tessera_ui {
    tessera::studio::Canvas* canvas;
};

namespace tessera::studio {
namespace {

constexpr std::uint32_t kMaxTextureSide = 16384;
constexpr ImU32 kBackground = IM_COL32(40, 40, 44, 255);

/// Puts ImGui's stacks back as they were when it was made. A view drawing with
/// its own copy of ImGui (tessera.host.imgui/1) may throw, or return, between a
/// push and its pop; the studio's next End() would then assert and abort.
class ImGuiStackGuard {
public:
    ImGuiStackGuard() : g_(*ImGui::GetCurrentContext()), windows_(g_.CurrentWindowStack.Size) {
        sizes_.SetToCurrentState();
        tree_depth_ = g_.CurrentWindow != nullptr ? g_.CurrentWindow->DC.TreeDepth : 0;
    }
    ImGuiStackGuard(const ImGuiStackGuard&) = delete;
    ImGuiStackGuard& operator=(const ImGuiStackGuard&) = delete;
    ~ImGuiStackGuard() {
        // A window the view began and did not end: its own pushes first (End()
        // checks them against what they were at its Begin()), then the window.
        while (g_.CurrentWindowStack.Size > windows_) {
            restore(g_.CurrentWindowStack.back().StackSizesOnBegin, 0);
            const ImGuiWindowFlags flags = g_.CurrentWindow->Flags;
            if (flags & ImGuiWindowFlags_ChildWindow)
                ImGui::EndChild();
            else if (flags & ImGuiWindowFlags_Popup)
                ImGui::EndPopup();
            else
                ImGui::End();
        }
        restore(sizes_, tree_depth_);
    }

private:
    void restore(const ImGuiStackSizes& to, int tree_depth) {
        ImGuiWindow* window = g_.CurrentWindow;
        while (g_.GroupStack.Size > to.SizeOfGroupStack) ImGui::EndGroup();
        while (window != nullptr && window->DC.TreeDepth > tree_depth) ImGui::TreePop();
        while (window != nullptr && window->IDStack.Size > to.SizeOfIDStack) ImGui::PopID();
        while (g_.ColorStack.Size > to.SizeOfColorStack) ImGui::PopStyleColor();
        while (g_.StyleVarStack.Size > to.SizeOfStyleVarStack) ImGui::PopStyleVar();
        while (g_.FontStack.Size > to.SizeOfFontStack) ImGui::PopFont();
        while (g_.ItemFlagsStack.Size > to.SizeOfItemFlagsStack) ImGui::PopItemFlag();
        while (g_.FocusScopeStack.Size > to.SizeOfFocusScopeStack) ImGui::PopFocusScope();
        while (g_.DisabledStackSize > to.SizeOfDisabledStack) ImGui::EndDisabled();
    }

    ImGuiContext& g_;
    int windows_;
    int tree_depth_ = 0;
    ImGuiStackSizes sizes_;
};

}  // namespace

struct Canvas::Context {
    static Canvas& of(tessera_ui_t* ui) { return *ui->canvas; }
    static ImVec2 screen(tessera_ui_t* ui, tessera_ui_vec2_t p) {
        return of(ui).to_screen(p.x, p.y);
    }
    static ImDrawList& draw(tessera_ui_t* ui) { return *of(ui).draw_; }
    // `points` on the screen, in a buffer reused from call to call (views draw
    // thousands of shapes per frame).
    static const ImVec2* screen_points(tessera_ui_t* ui, const tessera_ui_vec2_t* points,
                                       size_t count) {
        std::vector<ImVec2>& out = of(ui).scratch_;
        out.resize(count);
        for (size_t i = 0; i < count; ++i) out[i] = screen(ui, points[i]);
        return out.data();
    }

    static tessera_ui_vec2_t TESSERA_ABI canvas_size(tessera_ui_t* ui) {
        return {of(ui).size_.x, of(ui).size_.y};
    }
    static void TESSERA_ABI set_transform(tessera_ui_t* ui, float scale, tessera_ui_vec2_t offset) {
        if (!(scale > 0) || !std::isfinite(scale) || !std::isfinite(offset.x) ||
            !std::isfinite(offset.y))
            return;
        of(ui).scale_ = scale;
        of(ui).offset_ = {offset.x, offset.y};
    }
    static void TESSERA_ABI get_input(tessera_ui_t* ui, tessera_ui_input_t* out) {
        if (out == nullptr) return;
        const ImGuiIO& io = ImGui::GetIO();
        Canvas& canvas = of(ui);
        *out = {};
        const ImVec2 item = canvas.to_item(io.MousePos);
        out->mouse = {item.x, item.y};
        out->mouse_delta = {io.MouseDelta.x, io.MouseDelta.y};
        out->hovered = canvas.hovered_;
        for (int b = 0; b < 3; ++b) {
            out->down[b] = io.MouseDown[b];
            out->clicked[b] = canvas.hovered_ && io.MouseClicked[b];
            out->released[b] = io.MouseReleased[b];
            out->double_clicked[b] = canvas.hovered_ && io.MouseDoubleClicked[b];
        }
        out->wheel = canvas.hovered_ ? io.MouseWheel : 0.0f;
        out->modifiers = (io.KeyShift ? unsigned{TESSERA_MOD_SHIFT} : 0u) |
                         (io.KeyCtrl ? unsigned{TESSERA_MOD_CTRL} : 0u) |
                         (io.KeyAlt ? unsigned{TESSERA_MOD_ALT} : 0u);
        out->keyboard_free = !io.WantTextInput;
    }
    static bool TESSERA_ABI key_pressed(tessera_ui_t*, int key) {
        if (key < 0 || key >= IM_ARRAYSIZE(ImGuiIO::KeysDown) || ImGui::GetIO().WantTextInput)
            return false;
        return ImGui::IsKeyPressed(key, true);
    }

    static void TESSERA_ABI line(tessera_ui_t* ui, tessera_ui_vec2_t a, tessera_ui_vec2_t b,
                                 tessera_ui_color_t color, float thickness) {
        draw(ui).AddLine(screen(ui, a), screen(ui, b), im_color(color), thickness);
    }
    static void TESSERA_ABI polyline(tessera_ui_t* ui, const tessera_ui_vec2_t* points,
                                     size_t count, bool closed, tessera_ui_color_t color,
                                     float thickness) {
        if (points == nullptr || count < 2) return;
        draw(ui).AddPolyline(screen_points(ui, points, count), static_cast<int>(count),
                             im_color(color), closed ? ImDrawFlags_Closed : ImDrawFlags_None,
                             thickness);
    }
    static void TESSERA_ABI fill_polygon(tessera_ui_t* ui, const tessera_ui_vec2_t* points,
                                         size_t count, tessera_ui_color_t color) {
        if (points == nullptr || count < 3) return;
        fill_simple_polygon(draw(ui), screen_points(ui, points, count), count, im_color(color));
    }
    static void TESSERA_ABI rect(tessera_ui_t* ui, tessera_ui_vec2_t min, tessera_ui_vec2_t max,
                                 tessera_ui_color_t color, float thickness) {
        draw(ui).AddRect(screen(ui, min), screen(ui, max), im_color(color), 0.0f, ImDrawFlags_None,
                         thickness);
    }
    static void TESSERA_ABI fill_rect(tessera_ui_t* ui, tessera_ui_vec2_t min,
                                      tessera_ui_vec2_t max, tessera_ui_color_t color) {
        draw(ui).AddRectFilled(screen(ui, min), screen(ui, max), im_color(color));
    }
    static void TESSERA_ABI circle(tessera_ui_t* ui, tessera_ui_vec2_t center, float radius,
                                   tessera_ui_color_t color, float thickness) {
        if (thickness <= 0)
            draw(ui).AddCircleFilled(screen(ui, center), radius, im_color(color));
        else
            draw(ui).AddCircle(screen(ui, center), radius, im_color(color), 0, thickness);
    }
    static void TESSERA_ABI text(tessera_ui_t* ui, tessera_ui_vec2_t at, tessera_ui_color_t color,
                                 const char* text) {
        if (text != nullptr) draw(ui).AddText(screen(ui, at), im_color(color), text);
    }

    static uint64_t TESSERA_ABI create_texture(tessera_ui_t* ui, uint32_t width, uint32_t height,
                                               const uint8_t* rgba) {
        if (rgba == nullptr || width == 0 || height == 0 || width > kMaxTextureSide ||
            height > kMaxTextureSide)
            return 0;
        GLuint texture = 0;
        glGenTextures(1, &texture);
        if (texture == 0) return 0;
        glBindTexture(GL_TEXTURE_2D, texture);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        // Pixels stay crisp when zoomed in.
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, static_cast<GLsizei>(width),
                     static_cast<GLsizei>(height), 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
        if (glGetError() != GL_NO_ERROR) {
            glDeleteTextures(1, &texture);
            return 0;
        }
        of(ui).textures_.insert(texture);
        // GL hands out a deleted texture's name again: the cache's picture of
        // the old texture must not stand for the new one.
        of(ui).cache_.invalidate();
        return texture;
    }
    static void TESSERA_ABI destroy_texture(tessera_ui_t* ui, uint64_t texture) {
        // Only textures views created: a stray handle must not delete the host's own.
        if (of(ui).textures_.erase(texture) == 0) return;
        const auto name = static_cast<GLuint>(texture);
        glDeleteTextures(1, &name);
        of(ui).cache_.invalidate();
    }
    static void TESSERA_ABI image(tessera_ui_t* ui, uint64_t texture, tessera_ui_vec2_t min,
                                  tessera_ui_vec2_t max) {
        // Only textures views created and did not destroy: GL gives a deleted
        // name out again, possibly to the host's own textures.
        if (!of(ui).textures_.contains(texture)) return;
        draw(ui).AddImage(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(texture)),
                          screen(ui, min), screen(ui, max));
    }

    static bool TESSERA_ABI button(tessera_ui_t* ui, const char* label) {
        if (label == nullptr) return false;
        const bool pressed = ImGui::Button(label);
        drew_widget(ui, label);
        return pressed;
    }
    static bool TESSERA_ABI checkbox(tessera_ui_t* ui, const char* label, bool* value) {
        if (label == nullptr || value == nullptr) return false;
        const bool changed = ImGui::Checkbox(label, value);
        drew_widget(ui, label);
        return changed;
    }
    static bool TESSERA_ABI combo(tessera_ui_t* ui, const char* label, int* current,
                                  const char* const* items, int count) {
        if (label == nullptr || current == nullptr || items == nullptr || count <= 0) return false;
        const bool changed = ImGui::Combo(label, current, items, count);
        drew_widget(ui, label);
        return changed;
    }
    static bool TESSERA_ABI input_text(tessera_ui_t* ui, const char* label, char* buffer,
                                       size_t capacity) {
        if (label == nullptr || buffer == nullptr || capacity == 0) return false;
        const bool changed = ImGui::InputText(label, buffer, capacity);
        drew_widget(ui, label);
        return changed;
    }
    static bool TESSERA_ABI slider(tessera_ui_t* ui, const char* label, float* value, float min,
                                   float max) {
        if (label == nullptr || value == nullptr || !(min < max)) return false;
        const bool changed = ImGui::SliderFloat(label, value, min, max);
        drew_widget(ui, label);
        return changed;
    }
    // Tells the host a widget was drawn (it names them for scripted sessions).
    static void drew_widget(tessera_ui_t* ui, const char* label) {
        if (ui != nullptr && of(ui).hooks_.widget) of(ui).hooks_.widget(label);
    }

    static tessera_ui_color_t TESSERA_ABI label_color(tessera_ui_t* ui, const char* label) {
        const Canvas& canvas = of(ui);
        return canvas.hooks_.label_color && label ? canvas.hooks_.label_color(label) : 0x808080FFu;
    }
    static void TESSERA_ABI select(tessera_ui_t* ui, uint64_t annotation) {
        if (of(ui).hooks_.select) of(ui).hooks_.select(annotation);
    }
    static const char* TESSERA_ABI label_name(tessera_ui_t* ui, const char* label) {
        if (label == nullptr) return "";
        Canvas& canvas = of(ui);
        if (!canvas.hooks_.label_name) return label;
        return canvas.frame_strings_.emplace_back(canvas.hooks_.label_name(label)).c_str();
    }
};

const tessera_host_ui_t* Canvas::api() {
    static const tessera_host_ui_t table{
        .canvas_size = Context::canvas_size,
        .set_transform = Context::set_transform,
        .get_input = Context::get_input,
        .key_pressed = Context::key_pressed,
        .line = Context::line,
        .polyline = Context::polyline,
        .fill_polygon = Context::fill_polygon,
        .rect = Context::rect,
        .fill_rect = Context::fill_rect,
        .circle = Context::circle,
        .text = Context::text,
        .create_texture = Context::create_texture,
        .destroy_texture = Context::destroy_texture,
        .image = Context::image,
        .button = Context::button,
        .checkbox = Context::checkbox,
        .combo = Context::combo,
        .input_text = Context::input_text,
        .slider = Context::slider,
        .label_color = Context::label_color,
        .select = Context::select,
        .label_name = Context::label_name,
    };
    return &table;
}

Canvas::Canvas(CanvasHooks hooks) : hooks_(std::move(hooks)) {}
Canvas::~Canvas() {
    // Textures a view did not destroy (it cannot once its last frame is over).
    for (const std::uint64_t texture : textures_) {
        const auto name = static_cast<GLuint>(texture);
        glDeleteTextures(1, &name);
    }
}

ImVec2 Canvas::to_screen(float x, float y) const {
    return {origin_.x + offset_.x + x * scale_, origin_.y + offset_.y + y * scale_};
}

ImVec2 Canvas::to_item(ImVec2 screen) const {
    return {(screen.x - origin_.x - offset_.x) / scale_,
            (screen.y - origin_.y - offset_.y) / scale_};
}

void Canvas::frame(const tessera_plugin_t* plugin, const tessera_plugin_view_t& view,
                   const tessera_view_state_t& state) {
    origin_ = ImGui::GetCursorScreenPos();
    size_ = ImGui::GetContentRegionAvail();
    size_.x = std::max(size_.x, 16.0f);
    size_.y = std::max(size_.y, 16.0f);
    // The invisible button takes the mouse, so drags draw instead of moving the window.
    ImGui::InvisibleButton("##canvas", size_,
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight |
                               ImGuiButtonFlags_MouseButtonMiddle);
    hovered_ = ImGui::IsItemHovered();
    ImDrawList* window = ImGui::GetWindowDrawList();
    const ImVec2 end{origin_.x + size_.x, origin_.y + size_.y};
    // The view draws into a list of its own, which the cache then shows.
    layer_._Data = ImGui::GetDrawListSharedData();
    layer_._ResetForNewFrame();
    layer_.Flags = window->Flags;
    const ImVec2 clip_min = window->GetClipRectMin(), clip_max = window->GetClipRectMax();
    layer_.PushClipRect({std::max(origin_.x, clip_min.x), std::max(origin_.y, clip_min.y)},
                        {std::min(end.x, clip_max.x), std::min(end.y, clip_max.y)});
    layer_.PushTextureID(ImGui::GetIO().Fonts->TexID);
    draw_ = &layer_;
    tessera_ui ui{this};
    {
        const ImGuiStackGuard guard;
        view.frame(plugin, api(), &ui, &state);
    }
    frame_strings_.clear();
    cache_.draw(layer_, origin_, size_, kBackground, *window);
    draw_ = window;  // the host's overlays go on top
}

void Canvas::options(const tessera_plugin_t* plugin, const tessera_plugin_view_t& view) {
    if (view.options == nullptr) return;
    tessera_ui ui{this};
    {
        const ImGuiStackGuard guard;
        view.options(plugin, api(), &ui);
    }
    frame_strings_.clear();
}

ImU32 im_color(std::uint32_t rgba) {
    return IM_COL32((rgba >> 24) & 0xFF, (rgba >> 16) & 0xFF, (rgba >> 8) & 0xFF, rgba & 0xFF);
}

namespace {

float cross(ImVec2 o, ImVec2 a, ImVec2 b) {
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

bool inside_triangle(ImVec2 p, ImVec2 a, ImVec2 b, ImVec2 c) {
    return cross(a, b, p) >= 0 && cross(b, c, p) >= 0 && cross(c, a, p) >= 0;
}

}  // namespace

void fill_simple_polygon(ImDrawList& draw, const ImVec2* points, std::size_t count, ImU32 color) {
    if (count < 3) return;
    // Orientation, so that ears are the convex corners.
    float area = 0;
    for (std::size_t i = 0; i < count; ++i)
        area += cross({0, 0}, points[i], points[(i + 1) % count]);
    std::vector<std::size_t> left(count);
    for (std::size_t i = 0; i < count; ++i) left[i] = area >= 0 ? i : count - 1 - i;
    // Ear clipping is quadratic: very large polygons are filled as if convex.
    if (count > 512) {
        draw.AddConvexPolyFilled(points, static_cast<int>(count), color);
        return;
    }
    std::size_t guard = 0;
    while (left.size() > 3 && guard++ < count * count) {
        bool clipped = false;
        for (std::size_t i = 0; i < left.size(); ++i) {
            const ImVec2 a = points[left[(i + left.size() - 1) % left.size()]];
            const ImVec2 b = points[left[i]];
            const ImVec2 c = points[left[(i + 1) % left.size()]];
            if (cross(a, b, c) <= 0) continue;  // reflex corner
            bool ear = true;
            for (std::size_t j = 0; j < left.size() && ear; ++j) {
                const ImVec2 p = points[left[j]];
                if (left[j] == left[i] || left[j] == left[(i + 1) % left.size()] ||
                    left[j] == left[(i + left.size() - 1) % left.size()])
                    continue;
                ear = !inside_triangle(p, a, b, c);
            }
            if (!ear) continue;
            draw.AddTriangleFilled(a, b, c, color);
            left.erase(left.begin() + static_cast<std::ptrdiff_t>(i));
            clipped = true;
            break;
        }
        if (!clipped) break;  // not simple: what is left is not filled
    }
    if (left.size() == 3)
        draw.AddTriangleFilled(points[left[0]], points[left[1]], points[left[2]], color);
}

}  // namespace tessera::studio
