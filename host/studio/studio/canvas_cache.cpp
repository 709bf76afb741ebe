#include "studio/canvas_cache.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

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
        a.texture_2d = reinterpret_cast<decltype(a.texture_2d)>(glfwGetProcAddress("glFramebufferTexture2D"));
        a.status = reinterpret_cast<decltype(a.status)>(glfwGetProcAddress("glCheckFramebufferStatus"));
        return a;
    }();
    return api;
}

// The display in framebuffer pixels: the size of the texture.
std::pair<int, int> display_pixels() {
    const ImVec2 size = ImGui::GetMainViewport()->Size;
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    return {static_cast<int>(size.x * scale.x), static_cast<int>(size.y * scale.y)};
}

bool same_state(const ImDrawCmd& a, const ImDrawCmd& b) {
    return a.ClipRect.x == b.ClipRect.x && a.ClipRect.y == b.ClipRect.y && a.ClipRect.z == b.ClipRect.z &&
           a.ClipRect.w == b.ClipRect.w && a.TextureId == b.TextureId && a.VtxOffset == b.VtxOffset &&
           a.IdxOffset == b.IdxOffset && a.UserCallback == nullptr && b.UserCallback == nullptr;
}

bool same_vertex(const ImDrawVert& a, const ImDrawVert& b) {
    return a.pos.x == b.pos.x && a.pos.y == b.pos.y && a.uv.x == b.uv.x && a.uv.y == b.uv.y && a.col == b.col;
}

// How many indices, from the start, `a` and `b` draw alike: a whole number of
// triangles, under the same draw state, over identical vertices.
unsigned common_prefix(const ImDrawList& a, const ImDrawList& b) {
    // The draw commands: the same clip, texture and offsets, up to the first that differs.
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
    limit = std::min({limit, static_cast<unsigned>(a.IdxBuffer.Size), static_cast<unsigned>(b.IdxBuffer.Size)});
    unsigned same_indices = 0;
    while (same_indices < limit && a.IdxBuffer[same_indices] == b.IdxBuffer[same_indices]) ++same_indices;
    // The vertices, bulk-compared first (ImDrawVert has no padding).
    const int vertices = std::min(a.VtxBuffer.Size, b.VtxBuffer.Size);
    int same_vertices = 0;
    constexpr int kBlock = 1024;
    while (same_vertices + kBlock <= vertices &&
           std::memcmp(a.VtxBuffer.Data + same_vertices, b.VtxBuffer.Data + same_vertices,
                       sizeof(ImDrawVert) * kBlock) == 0)
        same_vertices += kBlock;
    while (same_vertices < vertices && same_vertex(a.VtxBuffer[same_vertices], b.VtxBuffer[same_vertices]))
        ++same_vertices;
    // Whole triangles whose vertices are all among the identical ones.
    unsigned prefix = 0;
    int cmd = 0;
    while (prefix + 3 <= same_indices) {
        while (a.CmdBuffer[cmd].IdxOffset + a.CmdBuffer[cmd].ElemCount <= prefix) ++cmd;
        const unsigned base = a.CmdBuffer[cmd].VtxOffset;
        const unsigned highest = base + std::max({a.IdxBuffer[prefix], a.IdxBuffer[prefix + 1], a.IdxBuffer[prefix + 2]});
        if (highest >= static_cast<unsigned>(same_vertices)) break;
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
    // One reservation may not span more vertices than 16-bit indices reach.
    constexpr unsigned kMaxSpan = 60000;
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
            if (stop == at) break;  // cannot happen with ImGui's own primitives; never loop forever
            const unsigned span = high - low + 1;
            out.PrimReserve(static_cast<int>(stop - at), static_cast<int>(span));
            std::copy_n(from.VtxBuffer.Data + low, span, out._VtxWritePtr);
            for (unsigned i = at; i < stop; ++i)
                out._IdxWritePtr[i - at] = static_cast<ImDrawIdx>(
                    out._VtxCurrentIdx + (cmd.VtxOffset + from.IdxBuffer[static_cast<int>(i)] - low));
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

void CanvasCache::draw(const ImDrawList& layer, ImVec2 origin, ImVec2 size, ImDrawList& out) {
    ++stats_.frames;
    const auto total = static_cast<unsigned>(layer.IdxBuffer.Size);
    unsigned drawn = 0;  // indices the texture stands for
    bool hit = false;    // the texture was already up to date
    if (!checked_) {
        usable_ = framebuffer_api().complete();  // needs the current context: not in the constructor
        checked_ = true;
    }
    if (enabled_ && usable_) {
        // The canvas's place is in its vertices (its background comes first), so
        // comparing them covers a moved or resized canvas; a resized display
        // needs a texture of its new size.
        const bool same_display = display_pixels() == std::pair{texture_width_, texture_height_};
        if (valid_ && same_display && common_prefix(layer, prefix_) == static_cast<unsigned>(prefix_.IdxBuffer.Size)) {
            drawn = static_cast<unsigned>(prefix_.IdxBuffer.Size);
            hit = true;
        } else {
            // Worth rendering when the start that stayed the same since the last
            // frame is most of the drawing: then the next frames reuse it.
            valid_ = false;
            const unsigned common = common_prefix(layer, previous_);
            if (common > 0 && common * 2 >= total) {
                copy_prefix(layer, common, prefix_);
                if (render_prefix()) drawn = common;
            }
        }
    }
    if (drawn > 0) {
        ++stats_.cached_frames;
        // The texture covers the whole display; show the canvas's part of it,
        // flipped because OpenGL's rows run bottom to top.
        const ImGuiViewport& display = *ImGui::GetMainViewport();
        const ImVec2 end{origin.x + size.x, origin.y + size.y};
        const auto u = [&](float x) { return (x - display.Pos.x) / display.Size.x; };
        const auto v = [&](float y) { return 1.0f - (y - display.Pos.y) / display.Size.y; };
        out.AddImage(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(texture_)), origin, end,
                     {u(origin.x), v(origin.y)}, {u(end.x), v(end.y)});
    }
    append_from(layer, drawn, out);
    // Kept for the next miss to compare with. A frame shown through the
    // texture starts like the one the texture was made from, so it need not be
    // copied (50,000 shapes are 20 MB of vertices).
    if (!hit) {
        previous_.CmdBuffer = layer.CmdBuffer;
        previous_.IdxBuffer = layer.IdxBuffer;
        previous_.VtxBuffer = layer.VtxBuffer;
    }
}

bool CanvasCache::render_prefix() {
    const FramebufferApi& gl = framebuffer_api();
    // The texture is as large as the display and rendered with the display's
    // projection: the same arithmetic as drawing directly, so the same pixels
    // even where a texel edge falls exactly on a pixel centre.
    const ImGuiViewport& display = *ImGui::GetMainViewport();
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    const auto [width, height] = display_pixels();
    if (width <= 0 || height <= 0) return false;
    if (texture_ == 0) glGenTextures(1, &texture_);
    if (framebuffer_ == 0) gl.gen(1, &framebuffer_);
    if (texture_ == 0 || framebuffer_ == 0) return usable_ = false;

    GLint previous_framebuffer = 0, previous_texture = 0;
    glGetIntegerv(kFramebufferBinding, &previous_framebuffer);
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous_texture);
    if (width != texture_width_ || height != texture_height_) {
        glBindTexture(GL_TEXTURE_2D, texture_);
        // Nearest: the texture is shown pixel for pixel, exactly as rendered.
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
        texture_width_ = width;
        texture_height_ = height;
    }
    gl.bind(kFramebuffer, framebuffer_);
    gl.texture_2d(kFramebuffer, kColorAttachment0, GL_TEXTURE_2D, texture_, 0);
    const bool complete = gl.status(kFramebuffer) == kFramebufferComplete;
    if (complete) {
        // The canvas is opaque (its background comes first). Alpha stays 1 so
        // that the texture covers what is under it exactly as direct drawing does.
        glClearColor(0, 0, 0, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_FALSE);
        ImDrawList* lists[] = {&prefix_};
        ImDrawData data;
        data.Valid = true;
        data.CmdLists = lists;
        data.CmdListsCount = 1;
        data.TotalIdxCount = prefix_.IdxBuffer.Size;
        data.TotalVtxCount = prefix_.VtxBuffer.Size;
        data.DisplayPos = display.Pos;
        data.DisplaySize = display.Size;
        data.FramebufferScale = scale;
        ImGui_ImplOpenGL3_RenderDrawData(&data);  // sets and restores the viewport and the rest of its state
        glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    }
    gl.bind(kFramebuffer, static_cast<GLuint>(previous_framebuffer));
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous_texture));
    if (!complete) return usable_ = false;
    ++stats_.renders;
    valid_ = true;
    return true;
}

}  // namespace tessera::studio
