#include "studio/canvas_cache.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_opengl3.h>

namespace tessera::studio {
namespace {

// Framebuffer objects are OpenGL 3.0, which libGL need not export: they are
// looked up through GLFW once a context exists.
constexpr unsigned kFramebuffer = 0x8D40;          // GL_FRAMEBUFFER
constexpr unsigned kFramebufferBinding = 0x8CA6;   // GL_FRAMEBUFFER_BINDING
constexpr unsigned kColorAttachment0 = 0x8CE0;     // GL_COLOR_ATTACHMENT0
constexpr unsigned kFramebufferComplete = 0x8CD5;  // GL_FRAMEBUFFER_COMPLETE

struct FramebufferApi {
    void (*gen)(GLsizei, GLuint*) = nullptr;
    void (*del)(GLsizei, const GLuint*) = nullptr;
    void (*bind)(GLenum, GLuint) = nullptr;
    void (*texture_2d)(GLenum, GLenum, GLenum, GLuint, GLint) = nullptr;
    GLenum (*status)(GLenum) = nullptr;

    [[nodiscard]] bool complete() const { return gen && del && bind && texture_2d && status; }
};

const FramebufferApi& framebuffer_api() {
    static const FramebufferApi api = [] {
        FramebufferApi a;
        a.gen = reinterpret_cast<decltype(a.gen)>(glfwGetProcAddress("glGenFramebuffers"));
        a.del = reinterpret_cast<decltype(a.del)>(glfwGetProcAddress("glDeleteFramebuffers"));
        a.bind = reinterpret_cast<decltype(a.bind)>(glfwGetProcAddress("glBindFramebuffer"));
        a.texture_2d =
            reinterpret_cast<decltype(a.texture_2d)>(glfwGetProcAddress("glFramebufferTexture2D"));
        a.status =
            reinterpret_cast<decltype(a.status)>(glfwGetProcAddress("glCheckFramebufferStatus"));
        return a;
    }();
    return api;
}

// Vertices moved by whole pixels are compared within this many framebuffer
// pixels: the canvas's transform rounds differently at another offset, by far
// less than the rasterizer's 1/256-pixel grid.
constexpr float kTolerance = 1.0f / 512;

// The move, by whole framebuffer pixels, that takes `before`'s first vertex
// to `now`'s; none when it is not whole pixels.
std::optional<ImVec2> whole_pixel_move(const ImDrawList& now, const ImDrawList& before,
                                       ImVec2 pixel_scale) {
    if (now.VtxBuffer.Size == 0 || before.VtxBuffer.Size == 0) return ImVec2{0, 0};
    const float x = (now.VtxBuffer[0].pos.x - before.VtxBuffer[0].pos.x) * pixel_scale.x;
    const float y = (now.VtxBuffer[0].pos.y - before.VtxBuffer[0].pos.y) * pixel_scale.y;
    if (!(std::abs(x - std::round(x)) <= kTolerance && std::abs(y - std::round(y)) <= kTolerance))
        return std::nullopt;
    return ImVec2{std::round(x) / pixel_scale.x, std::round(y) / pixel_scale.y};
}

// The same draw state, but for the clip rectangle, which is the canvas's in
// every command and moves with it.
bool same_state(const ImDrawCmd& a, const ImDrawCmd& b) {
    return a.TextureId == b.TextureId && a.VtxOffset == b.VtxOffset && a.IdxOffset == b.IdxOffset &&
           a.UserCallback == nullptr && b.UserCallback == nullptr;
}

// `a` is `b` moved by `move`, within `tolerance` (screen units).
bool same_vertex(const ImDrawVert& a, const ImDrawVert& b, ImVec2 move, ImVec2 tolerance) {
    return std::abs(a.pos.x - (b.pos.x + move.x)) <= tolerance.x &&
           std::abs(a.pos.y - (b.pos.y + move.y)) <= tolerance.y && a.uv.x == b.uv.x &&
           a.uv.y == b.uv.y && a.col == b.col;
}

// How many vertices, from the start, `a` has as `b` moved by `move`; `pixel_scale`
// is framebuffer pixels per screen unit.
int same_vertices(const ImDrawList& a, const ImDrawList& b, ImVec2 move, ImVec2 pixel_scale) {
    const int vertices = std::min(a.VtxBuffer.Size, b.VtxBuffer.Size);
    int same = 0;
    if (move.x == 0 && move.y == 0) {
        // Not moved: identical, bulk-compared first (ImDrawVert has no padding).
        constexpr int kBlock = 1024;
        while (same + kBlock <= vertices &&
               std::memcmp(a.VtxBuffer.Data + same, b.VtxBuffer.Data + same,
                           sizeof(ImDrawVert) * kBlock) == 0)
            same += kBlock;
        while (same < vertices && std::memcmp(a.VtxBuffer.Data + same, b.VtxBuffer.Data + same,
                                              sizeof(ImDrawVert)) == 0)
            ++same;
        return same;
    }
    const ImVec2 tolerance{kTolerance / pixel_scale.x, kTolerance / pixel_scale.y};
    while (same < vertices && same_vertex(a.VtxBuffer[same], b.VtxBuffer[same], move, tolerance))
        ++same;
    return same;
}

// How many indices, from the start, `a` draws as `b` moved by `move`: a whole
// number of triangles, under the same draw state, over the same vertices.
unsigned common_prefix(const ImDrawList& a, const ImDrawList& b, ImVec2 move, ImVec2 pixel_scale) {
    // The draw commands: the same texture and offsets, up to the first that differs.
    unsigned limit = 0;
    const int cmds = std::min(a.CmdBuffer.Size, b.CmdBuffer.Size);
    for (int i = 0; i < cmds; ++i) {
        const ImDrawCmd& ca = a.CmdBuffer[i];
        const ImDrawCmd& cb = b.CmdBuffer[i];
        if (!same_state(ca, cb)) break;
        limit = ca.IdxOffset + std::min(ca.ElemCount, cb.ElemCount);
        if (ca.ElemCount != cb.ElemCount) break;
    }
    // The indices.
    limit = std::min(
        {limit, static_cast<unsigned>(a.IdxBuffer.Size), static_cast<unsigned>(b.IdxBuffer.Size)});
    unsigned same_indices = 0;
    while (same_indices < limit && a.IdxBuffer[same_indices] == b.IdxBuffer[same_indices])
        ++same_indices;
    const int vertices = same_indices > 0 ? same_vertices(a, b, move, pixel_scale) : 0;
    // Whole triangles whose vertices are all among the same ones.
    unsigned prefix = 0;
    int cmd = 0;
    while (prefix + 3 <= same_indices) {
        while (a.CmdBuffer[cmd].IdxOffset + a.CmdBuffer[cmd].ElemCount <= prefix) ++cmd;
        const unsigned base = a.CmdBuffer[cmd].VtxOffset;
        const unsigned highest = base + std::max({a.IdxBuffer[prefix], a.IdxBuffer[prefix + 1],
                                                  a.IdxBuffer[prefix + 2]});
        if (highest >= static_cast<unsigned>(vertices)) break;
        prefix += 3;
    }
    return prefix;
}

// Copies the first `count` indices of `from` (with the commands and vertices
// they use) into `to`.
void copy_prefix(const ImDrawList& from, unsigned count, ImDrawList& to) {
    to.CmdBuffer.resize(0);
    for (const ImDrawCmd& cmd : from.CmdBuffer) {
        if (cmd.IdxOffset >= count) break;
        to.CmdBuffer.push_back(cmd);
        to.CmdBuffer.back().ElemCount = std::min(cmd.ElemCount, count - cmd.IdxOffset);
    }
    to.IdxBuffer.resize(static_cast<int>(count));
    std::copy_n(from.IdxBuffer.Data, count, to.IdxBuffer.Data);
    unsigned vertices = 0;
    for (const ImDrawCmd& cmd : to.CmdBuffer)
        for (unsigned i = cmd.IdxOffset; i < cmd.IdxOffset + cmd.ElemCount; ++i)
            vertices = std::max(vertices, cmd.VtxOffset + to.IdxBuffer[static_cast<int>(i)] + 1u);
    to.VtxBuffer.resize(static_cast<int>(vertices));
    std::copy_n(from.VtxBuffer.Data, vertices, to.VtxBuffer.Data);
}

// Appends the triangles of `from` from index `first` on to `out`, in order,
// each command under its own clip rectangle and texture.
void append_from(const ImDrawList& from, unsigned first, ImDrawList& out) {
    // One reservation may not span more vertices than 16-bit indices reach;
    // ImGui's own primitives never do (their indices are 16-bit too).
    constexpr unsigned kMaxSpan = 1u << 16;
    for (const ImDrawCmd& cmd : from.CmdBuffer) {
        const unsigned end = cmd.IdxOffset + cmd.ElemCount;
        unsigned at = std::max(first, cmd.IdxOffset);
        if (at >= end || cmd.UserCallback != nullptr) continue;
        out.PushClipRect({cmd.ClipRect.x, cmd.ClipRect.y}, {cmd.ClipRect.z, cmd.ClipRect.w}, true);
        out.PushTextureID(cmd.TextureId);
        while (at < end) {
            // A run of whole triangles whose vertices lie within kMaxSpan of each other.
            unsigned low = ~0u, high = 0, stop = at;
            while (stop + 3 <= end) {
                unsigned l = low, h = high;
                for (unsigned k = 0; k < 3; ++k) {
                    const unsigned v = cmd.VtxOffset + from.IdxBuffer[static_cast<int>(stop + k)];
                    l = std::min(l, v);
                    h = std::max(h, v);
                }
                if (h - l >= kMaxSpan) break;
                low = l;
                high = h;
                stop += 3;
            }
            if (stop == at) {  // a triangle wider than any ImGui makes: skip it, never loop forever
                at += 3;
                continue;
            }
            const unsigned span = high - low + 1;
            out.PrimReserve(static_cast<int>(stop - at), static_cast<int>(span));
            std::copy_n(from.VtxBuffer.Data + low, span, out._VtxWritePtr);
            for (unsigned i = at; i < stop; ++i)
                out._IdxWritePtr[i - at] = static_cast<ImDrawIdx>(
                    out._VtxCurrentIdx +
                    (cmd.VtxOffset + from.IdxBuffer[static_cast<int>(i)] - low));
            out._VtxWritePtr += span;
            out._IdxWritePtr += stop - at;
            out._VtxCurrentIdx += span;
            at = stop;
        }
        out.PopTextureID();
        out.PopClipRect();
    }
}

}  // namespace

CanvasCache::CanvasCache() = default;

CanvasCache::~CanvasCache() {
    if (framebuffer_ != 0) framebuffer_api().del(1, &framebuffer_);
    if (texture_ != 0) glDeleteTextures(1, &texture_);
}

void CanvasCache::set_enabled(bool enabled) {
    enabled_ = enabled;
    valid_ = false;
}

void CanvasCache::draw(const ImDrawList& layer, ImVec2 origin, ImVec2 size, ImU32 background,
                       ImDrawList& out) {
    ++stats_.frames;
    const auto total = static_cast<unsigned>(layer.IdxBuffer.Size);
    unsigned drawn = 0;     // indices the texture stands for
    ImVec2 moved{0, 0};     // how far the drawing moved since the texture was rendered
    bool kept = false;      // the texture was up to date
    bool compared = false;  // this frame was compared with the last
    if (!checked_) {
        usable_ =
            framebuffer_api().complete();  // needs the current context: not in the constructor
        checked_ = true;
    }
    if (enabled_ && usable_ && total > 0) {
        const ImVec2 pixel_scale = ImGui::GetIO().DisplayFramebufferScale;
        const ImVec4 clip = layer.CmdBuffer[0].ClipRect;
        if (valid_ && background == background_ && pixel_scale.x == pixel_scale_.x &&
            pixel_scale.y == pixel_scale_.y) {
            const auto move = whole_pixel_move(layer, prefix_, pixel_scale);
            // The visible canvas must lie within the texture, moved.
            if (move && clip.x >= area_min_.x + move->x && clip.y >= area_min_.y + move->y &&
                clip.z <= area_max_.x + move->x && clip.w <= area_max_.y + move->y &&
                common_prefix(layer, prefix_, *move, pixel_scale) ==
                    static_cast<unsigned>(prefix_.IdxBuffer.Size)) {
                drawn = static_cast<unsigned>(prefix_.IdxBuffer.Size);
                moved = *move;
                kept = true;
            }
        }
        // Render again when the texture is out of date or stands for less than
        // half of the drawing (shapes were added after it), and the start this
        // frame shares with the last is most of the drawing: the next frames
        // will reuse it. A change right after frames that reused the texture
        // (an edit, a pan past the margin) is rendered at once, but for as
        // many triangles at the end as those frames drew after the texture
        // (the hover highlight, the selection): the frames after it will
        // likely be alike again.
        if (!kept || total - drawn > drawn) {
            compared = true;
            unsigned common = total - std::min(total, reused_tail_);
            if (kept || !reused_) {
                const auto move = whole_pixel_move(layer, previous_, pixel_scale);
                common = move ? common_prefix(layer, previous_, *move, pixel_scale) : 0;
            }
            if (common > drawn && common * 2 >= total) {
                copy_prefix(layer, common, prefix_);
                if (render_prefix(origin, size, background)) {
                    drawn = common;
                    moved = {0, 0};
                } else {
                    drawn = 0;
                }
            } else if (!kept) {
                valid_ = false;
            }
        }
    }
    reused_ = kept;
    reused_tail_ = total - drawn;
    if (drawn > 0) {
        ++stats_.cached_frames;
        if (moved.x != 0 || moved.y != 0) ++stats_.moved_frames;
        // The texture is opaque over the whole canvas, background included;
        // flipped because OpenGL's rows run bottom to top.
        const ImVec4 clip = layer.CmdBuffer[0].ClipRect;
        out.PushClipRect({clip.x, clip.y}, {clip.z, clip.w}, true);
        out.AddImage(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(texture_)),
                     {area_min_.x + moved.x, area_min_.y + moved.y},
                     {area_max_.x + moved.x, area_max_.y + moved.y}, {0, 1}, {1, 0});
        out.PopClipRect();
    } else {
        out.AddRectFilled(origin, {origin.x + size.x, origin.y + size.y}, background);
    }
    append_from(layer, drawn, out);
    // Kept for the next comparison. A frame shown through the texture starts
    // like the one the texture was made from, so it need not be copied unless
    // it is compared (50,000 shapes are 20 MB of vertices).
    if (compared || !kept) {
        previous_.CmdBuffer = layer.CmdBuffer;
        previous_.IdxBuffer = layer.IdxBuffer;
        previous_.VtxBuffer = layer.VtxBuffer;
    }
}

bool CanvasCache::render_prefix(ImVec2 origin, ImVec2 size, ImU32 background) {
    const FramebufferApi& gl = framebuffer_api();
    valid_ = false;
    // The canvas and a margin of a quarter of its larger side around it, on whole
    // framebuffer pixels so that the texture is shown texel for pixel; the
    // margin shrinks to what the largest texture allows.
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    GLint max_side = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_side);
    const float quarter = std::max(size.x, size.y) / 4;
    const auto span = [&](float start, float length, float pixels_per_unit, float& min,
                          float& max) {
        const float canvas = length * pixels_per_unit;
        const float margin = std::clamp((static_cast<float>(max_side) - canvas) / 2 - 2, 0.0f,
                                        quarter * pixels_per_unit);
        const float first = std::floor(start * pixels_per_unit - margin);
        const float last = std::ceil((start + length) * pixels_per_unit + margin);
        min = first / pixels_per_unit;
        max = last / pixels_per_unit;
        return static_cast<int>(last - first);
    };
    const int width = span(origin.x, size.x, scale.x, area_min_.x, area_max_.x);
    const int height = span(origin.y, size.y, scale.y, area_min_.y, area_max_.y);
    if (width <= 0 || height <= 0 || width > max_side || height > max_side) return false;
    if (texture_ == 0) glGenTextures(1, &texture_);
    if (framebuffer_ == 0) gl.gen(1, &framebuffer_);
    if (texture_ == 0 || framebuffer_ == 0) return usable_ = false;

    GLint previous_framebuffer = 0, previous_texture = 0;
    glGetIntegerv(kFramebufferBinding, &previous_framebuffer);
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous_texture);
    GLfloat previous_clear[4] = {};
    GLboolean previous_mask[4] = {};
    glGetFloatv(GL_COLOR_CLEAR_VALUE, previous_clear);
    glGetBooleanv(GL_COLOR_WRITEMASK, previous_mask);
    const GLboolean previous_scissor = glIsEnabled(GL_SCISSOR_TEST);
    if (width != texture_width_ || height != texture_height_) {
        glBindTexture(GL_TEXTURE_2D, texture_);
        // Nearest: the texture is shown pixel for pixel, exactly as rendered.
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                     nullptr);
        texture_width_ = width;
        texture_height_ = height;
    }
    gl.bind(kFramebuffer, framebuffer_);
    gl.texture_2d(kFramebuffer, kColorAttachment0, GL_TEXTURE_2D, texture_, 0);
    const bool complete = gl.status(kFramebuffer) == kFramebufferComplete;
    if (complete) {
        // The canvas's background, opaque; alpha stays 1 so that the texture
        // covers what is under it exactly as direct drawing does.
        const ImVec4 colour = ImGui::ColorConvertU32ToFloat4(background);
        glClearColor(colour.x, colour.y, colour.z, 1);
        glDisable(GL_SCISSOR_TEST);
        glClear(GL_COLOR_BUFFER_BIT);
        glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_FALSE);
        // The backend makes its viewport (DisplaySize * FramebufferScale) and
        // scissors by truncating to whole pixels: at a fractional scale the
        // size is nudged up until it covers the texture exactly, and the clip
        // rectangle reaches a pixel beyond it.
        ImVec2 display_size{area_max_.x - area_min_.x, area_max_.y - area_min_.y};
        while (static_cast<int>(display_size.x * scale.x) < width)
            display_size.x = std::nextafter(display_size.x, std::numeric_limits<float>::infinity());
        while (static_cast<int>(display_size.y * scale.y) < height)
            display_size.y = std::nextafter(display_size.y, std::numeric_limits<float>::infinity());
        // The whole area is drawn, not only the canvas the layer was clipped to.
        for (ImDrawCmd& cmd : prefix_.CmdBuffer)
            cmd.ClipRect = {area_min_.x, area_min_.y, area_max_.x + 1 / scale.x,
                            area_max_.y + 1 / scale.y};
        ImDrawList* lists[] = {&prefix_};
        ImDrawData data;
        data.Valid = true;
        data.CmdLists = lists;
        data.CmdListsCount = 1;
        data.TotalIdxCount = prefix_.IdxBuffer.Size;
        data.TotalVtxCount = prefix_.VtxBuffer.Size;
        data.DisplayPos = area_min_;
        data.DisplaySize = display_size;
        data.FramebufferScale = scale;
        ImGui_ImplOpenGL3_RenderDrawData(
            &data);  // sets and restores the viewport and the rest of its state
    }
    glClearColor(previous_clear[0], previous_clear[1], previous_clear[2], previous_clear[3]);
    glColorMask(previous_mask[0], previous_mask[1], previous_mask[2], previous_mask[3]);
    if (previous_scissor) glEnable(GL_SCISSOR_TEST);
    gl.bind(kFramebuffer, static_cast<GLuint>(previous_framebuffer));
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous_texture));
    if (!complete) return usable_ = false;
    ++stats_.renders;
    pixel_scale_ = scale;
    background_ = background;
    valid_ = true;
    return true;
}

}  // namespace tessera::studio
