/* tessera.host.ui/1: a small drawing and widget API a host offers to views.
 *
 * Stable across ImGui versions: nothing of the host's GUI library crosses it.
 * A view draws in item coordinates (image pixels, docs/architecture.md §3) after telling
 * the host how they map to the screen with set_transform(); sizes that should
 * not change with the zoom (line thickness, handle radius, text) are in screen
 * pixels. Every function takes the frame context `ui` handed to the view's
 * frame() or options() callback and may be called only during that callback.
 * [main-thread] for every member.
 *
 * A host may keep what a view drew in a texture and show it again, moved,
 * while the drawing is the same or the same moved by whole pixels (the user
 * pans). tessera-studio does, over the canvas and a margin of a quarter of
 * its larger side. A view is drawn faster when it draws the shapes in that
 * margin too and keeps drawing the same ones while the user pans (the image
 * view does); what it draws is never shown wrong either way. A texture's
 * pixels must not change after create_texture(): make a new one. */
#ifndef TESSERA_EXT_HOST_UI_H
#define TESSERA_EXT_HOST_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../macros.h"

TESSERA_EXTERN_C_BEGIN

/* The table is handed to a view as the `ui_api` argument of its frame() and
 * options() callbacks (tessera.view/1), the only calls with a frame context to
 * use it with; hosts do not offer it through get_extension(). The id names the
 * API's version. */
static const char TESSERA_EXT_HOST_UI[] = "tessera.host.ui/1";

/* Opaque per-frame context; host-owned, valid for one callback. */
typedef struct tessera_ui tessera_ui_t;

/* A point or size; in item coordinates unless a member says otherwise. */
typedef struct tessera_ui_vec2 {
    float x;
    float y;
} tessera_ui_vec2_t;

/* A colour as 0xRRGGBBAA (0xFF0000FF is opaque red). */
typedef uint32_t tessera_ui_color_t;

/* Mouse buttons. */
enum { TESSERA_MOUSE_LEFT = 0, TESSERA_MOUSE_RIGHT = 1, TESSERA_MOUSE_MIDDLE = 2 };

/* Key codes: printable keys are their upper-case ASCII code ('A', '1', ' ');
 * the others follow. */
enum {
    TESSERA_KEY_ESCAPE = 256,
    TESSERA_KEY_ENTER = 257,
    TESSERA_KEY_TAB = 258,
    TESSERA_KEY_BACKSPACE = 259,
    TESSERA_KEY_INSERT = 260,
    TESSERA_KEY_DELETE = 261,
    TESSERA_KEY_RIGHT = 262,
    TESSERA_KEY_LEFT = 263,
    TESSERA_KEY_DOWN = 264,
    TESSERA_KEY_UP = 265,
    TESSERA_KEY_PAGE_UP = 266,
    TESSERA_KEY_PAGE_DOWN = 267,
    TESSERA_KEY_HOME = 268,
    TESSERA_KEY_END = 269,
    TESSERA_KEY_F1 = 290 /* F2..F12 follow: TESSERA_KEY_F1 + n - 1 */
};

/* Modifier bits of tessera_ui_input.modifiers. */
enum { TESSERA_MOD_SHIFT = 1, TESSERA_MOD_CTRL = 2, TESSERA_MOD_ALT = 4 };

/* The mouse over the canvas in one frame. */
typedef struct tessera_ui_input {
    tessera_ui_vec2_t mouse;       /* pointer in item coordinates (after set_transform) */
    tessera_ui_vec2_t mouse_delta; /* movement since the last frame, in screen pixels */
    bool hovered;                  /* the pointer is over the canvas, not over a panel */
    bool down[3];                  /* button held (TESSERA_MOUSE_*) */
    bool clicked[3];               /* pressed this frame */
    bool released[3];              /* released this frame */
    bool double_clicked[3];        /* second press of a double click this frame */
    float wheel;                   /* wheel steps this frame; positive away from the user */
    uint32_t modifiers;            /* TESSERA_MOD_* bits held */
    bool keyboard_free;            /* no text field has the keyboard: shortcuts may act */
} tessera_ui_input_t;

typedef struct tessera_host_ui {
    /* --- canvas and input ------------------------------------------------ */

    /* Size of the canvas in screen pixels. */
    tessera_ui_vec2_t(TESSERA_ABI *canvas_size)(tessera_ui_t *ui);
    /* Maps item coordinates to the canvas: screen = canvas origin + offset +
     * item * scale. Applies to this frame's drawing and input, and is kept
     * for the next frame until set again. `scale` > 0. */
    void(TESSERA_ABI *set_transform)(tessera_ui_t *ui, float scale, tessera_ui_vec2_t offset);
    /* Fills `out` with the mouse state in the current transform. */
    void(TESSERA_ABI *get_input)(tessera_ui_t *ui, tessera_ui_input_t *out);
    /* True when `key` (TESSERA_KEY_* or an ASCII code) went down this frame,
     * auto-repeat included. False while a text field has the keyboard. */
    bool(TESSERA_ABI *key_pressed)(tessera_ui_t *ui, int key);

    /* --- drawing in item coordinates (thickness and radius in screen pixels) */

    /* A straight line from `a` to `b`. */
    void(TESSERA_ABI *line)(tessera_ui_t *ui, tessera_ui_vec2_t a, tessera_ui_vec2_t b,
                            tessera_ui_color_t color, float thickness);
    /* `points` (borrowed for the call) joined in order; `closed` joins the last to the first. */
    void(TESSERA_ABI *polyline)(tessera_ui_t *ui, const tessera_ui_vec2_t *points, size_t count,
                                bool closed, tessera_ui_color_t color, float thickness);
    /* Fills the simple polygon `points` (convex or not; borrowed for the call). */
    void(TESSERA_ABI *fill_polygon)(tessera_ui_t *ui, const tessera_ui_vec2_t *points, size_t count,
                                    tessera_ui_color_t color);
    /* Outlines the axis-aligned rectangle from `min` to `max`. */
    void(TESSERA_ABI *rect)(tessera_ui_t *ui, tessera_ui_vec2_t min, tessera_ui_vec2_t max,
                            tessera_ui_color_t color, float thickness);
    /* Fills the axis-aligned rectangle from `min` to `max`. */
    void(TESSERA_ABI *fill_rect)(tessera_ui_t *ui, tessera_ui_vec2_t min, tessera_ui_vec2_t max,
                                 tessera_ui_color_t color);
    /* A circle of `radius` screen pixels around `center`; thickness 0 fills it. */
    void(TESSERA_ABI *circle)(tessera_ui_t *ui, tessera_ui_vec2_t center, float radius,
                              tessera_ui_color_t color, float thickness);
    /* UTF-8 `text` (borrowed) with its top-left corner at `at`, in the UI font. */
    void(TESSERA_ABI *text)(tessera_ui_t *ui, tessera_ui_vec2_t at, tessera_ui_color_t color,
                            const char *text);

    /* --- textures ------------------------------------------------------- */

    /* Uploads `width` x `height` RGBA8 pixels (rows top to bottom; borrowed for
     * the call) and returns a handle, or 0 when the host cannot (too large,
     * out of memory). The view destroys what it creates while it can; what is
     * left when the host closes (a view has no frame context after its last
     * frame) the host deletes. */
    uint64_t(TESSERA_ABI *create_texture)(tessera_ui_t *ui, uint32_t width, uint32_t height,
                                          const uint8_t *rgba);
    /* Deletes `texture`, a handle create_texture() returned; anything else
     * (0, a handle already destroyed) is ignored, and so is `texture` in
     * image() from then on. */
    void(TESSERA_ABI *destroy_texture)(tessera_ui_t *ui, uint64_t texture);
    /* Draws `texture` stretched over the item rectangle `min`..`max`. */
    void(TESSERA_ABI *image)(tessera_ui_t *ui, uint64_t texture, tessera_ui_vec2_t min,
                             tessera_ui_vec2_t max);

    /* --- widgets (in options(); labels are UTF-8, borrowed, unique per view) */

    /* True when clicked. */
    bool(TESSERA_ABI *button)(tessera_ui_t *ui, const char *label);
    /* True when `*value` changed. */
    bool(TESSERA_ABI *checkbox)(tessera_ui_t *ui, const char *label, bool *value);
    /* Picks `*current` among `count` UTF-8 `items`; true when it changed. */
    bool(TESSERA_ABI *combo)(tessera_ui_t *ui, const char *label, int *current,
                             const char *const *items, int count);
    /* Edits the NUL-terminated UTF-8 text in `buffer` (`capacity` bytes, NUL
     * included); true when it changed. */
    bool(TESSERA_ABI *input_text)(tessera_ui_t *ui, const char *label, char *buffer,
                                  size_t capacity);
    /* True when `*value` changed; it stays within `min`..`max`. */
    bool(TESSERA_ABI *slider)(tessera_ui_t *ui, const char *label, float *value, float min,
                              float max);

    /* --- the host's annotation state ------------------------------------- */

    /* Colour of the schema class `label` (0x808080FF when the schema has none). */
    tessera_ui_color_t(TESSERA_ABI *label_color)(tessera_ui_t *ui, const char *label);
    /* Makes `annotation` the selection (0 clears it): the host's panels follow. */
    void(TESSERA_ABI *select)(tessera_ui_t *ui, uint64_t annotation);
    /* Name of the schema class `label` in the UI's language (UTF-8; `label`
     * itself when the schema has no name for it). Host-owned, valid until
     * the callback returns. */
    const char *(TESSERA_ABI *label_name)(tessera_ui_t *ui, const char *label);
} tessera_host_ui_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_EXT_HOST_UI_H */
