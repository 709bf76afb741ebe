/* tessera.view/1: a plugin shows and edits one modality (image, audio, point
 * cloud) inside a host's canvas.
 *
 * The host owns the project, the selection, the active tool and label, and
 * the undo stack; the view owns what is on the canvas (pan, zoom, the shape
 * being drawn). It draws and reads input through tessera.host.ui/1 and
 * changes annotations only by submitting edit batches through
 * tessera.host.project/1, which the host applies, makes durable and pushes on
 * its undo stack before calling set_annotations() with the new set.
 * [main-thread] for every member. */
#ifndef TESSERA_EXT_VIEW_H
#define TESSERA_EXT_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "../bytes.h"
#include "../macros.h"
#include "../plugin.h"
#include "../status.h"
#include "host_ui.h"

TESSERA_EXTERN_C_BEGIN

static const char TESSERA_EXT_VIEW[] = "tessera.view/1";

/* A tool the view offers; the host lists them in its toolbar and hands the
 * active one back in tessera_view_state_t. */
typedef struct tessera_view_tool {
    const char *id;   /* stable, e.g. "box"; profiles and scripts name tools by it */
    const char *name; /* English display name; hosts translate "tool.<id>" when they can */
    int key;          /* hotkey (TESSERA_KEY_* or upper-case ASCII), 0 for none */
} tessera_view_tool_t;

/* What the host tells the view at every frame. Host-owned, borrowed for the call. */
typedef struct tessera_view_state {
    const char *tool;   /* id of the active tool (one of the view's tools) */
    const char *label;  /* label key new shapes get; "" when none is chosen */
    uint64_t selected;  /* selected annotation id, 0 for none */
    const char *author; /* who is editing, for provenance; UTF-8 */
} tessera_view_state_t;

typedef struct tessera_plugin_view {
    const char *name;                 /* display name, e.g. "Image"; plugin-owned, static */
    const char *media_kinds;          /* comma-separated tessera.v1.MediaKind names it shows, e.g.
                                         "Image"; plugin-owned, static */
    const tessera_view_tool_t *tools; /* `tool_count` tools, the first the default;
                                         plugin-owned, static */
    uint32_t tool_count;              /* number of entries in `tools`; at least 1 */

    /* Shows `item` (tessera.v1.Item) with `annotations` (tessera.v1.AnnotationSet),
     * both borrowed for the call and verified by the host. `media_path` is the
     * absolute UTF-8 path of the item's media (borrowed). Slow work (decoding)
     * belongs on the view's own threads; frame() shows progress meanwhile. */
    tessera_status_t(TESSERA_ABI *open_item)(const tessera_plugin_t *plugin, tessera_bytes_t item,
                                             tessera_bytes_t annotations, const char *media_path);

    /* Replaces the open item's annotations (after an edit, undo or redo),
     * keeping pan and zoom. Borrowed for the call, verified. */
    tessera_status_t(TESSERA_ABI *set_annotations)(const tessera_plugin_t *plugin,
                                                   tessera_bytes_t annotations);

    /* Draws the canvas and handles its input for one frame, through `ui_api`
     * with the frame context `ui`. */
    void(TESSERA_ABI *frame)(const tessera_plugin_t *plugin, const tessera_host_ui_t *ui_api,
                             tessera_ui_t *ui, const tessera_view_state_t *state);

    /* Draws the view's own settings with the widget functions of `ui_api`, in
     * a host panel. May be NULL. */
    void(TESSERA_ABI *options)(const tessera_plugin_t *plugin, const tessera_host_ui_t *ui_api,
                               tessera_ui_t *ui);
} tessera_plugin_view_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_EXT_VIEW_H */
