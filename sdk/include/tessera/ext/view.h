/* tessera.view/0-draft (declared; finished with the studio): a plugin shows
 * and edits one modality (image, audio, point cloud) inside a host. A draft
 * id, because a released struct never changes: the studio will release this
 * extension as "tessera.view/1", which a plugin built against the draft does
 * not answer, so no host mistakes a draft struct for the released one. */
#ifndef TESSERA_EXT_VIEW_H
#define TESSERA_EXT_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "../bytes.h"
#include "../macros.h"
#include "../plugin.h"
#include "../status.h"

TESSERA_EXTERN_C_BEGIN

static const char TESSERA_EXT_VIEW[] = "tessera.view/0-draft";

/* Draft: members may still change until the studio ships; hosts of SDK 1.0
 * list views but do not open them. */
typedef struct tessera_plugin_view {
    const char *name;        /* display name, e.g. "Image"; plugin-owned, static */
    const char *media_kinds; /* comma-separated tessera.v1.MediaKind names it shows, e.g.
                                "Image"; plugin-owned, static */

    /* Shows `item` (tessera.v1.Item) with `annotations` (tessera.v1.AnnotationSet),
     * both borrowed for the call. [main-thread] */
    tessera_status_t(TESSERA_ABI *open_item)(const tessera_plugin_t *plugin, tessera_bytes_t item,
                                             tessera_bytes_t annotations);

    /* Draws one frame through tessera.host.ui/1 and handles its input. [main-thread] */
    void(TESSERA_ABI *frame)(const tessera_plugin_t *plugin);
} tessera_plugin_view_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_EXT_VIEW_H */
