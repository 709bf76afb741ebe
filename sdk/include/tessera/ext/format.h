/* tessera.format/1: a plugin reads and writes an annotation file format. */
#ifndef TESSERA_EXT_FORMAT_H
#define TESSERA_EXT_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "../bytes.h"
#include "../macros.h"
#include "../plugin.h"
#include "../status.h"

TESSERA_EXTERN_C_BEGIN

static const char TESSERA_EXT_FORMAT[] = "tessera.format/1";

/* Where a reader delivers what it read. Host-owned; valid for the read() call;
 * members are called from the thread running read(). */
typedef struct tessera_format_reader_sink {
    void *ctx; /* host's state; opaque to the plugin */

    /* Declares the classes the file names, as a tessera.v1.LabelSchema buffer
     * (keys = label names as in the file). Call at most once, before items.
     * Returns false when the host rejects it (read() then returns TESSERA_ABORTED). */
    bool(TESSERA_ABI *schema)(const struct tessera_format_reader_sink *sink,
                              tessera_bytes_t label_schema);

    /* Delivers one item: `name` is the media reference as the file writes it
     * (used to match project items), `media_path` the file on disk or NULL,
     * `item` a tessera.v1.Item buffer (kind, size, metadata; its media URI is
     * ignored), `annotations` a tessera.v1.AnnotationSet whose annotation ids
     * are local to this read (1, 2, ...; parents and relations refer to them).
     * All borrowed for the call. Returns false to stop. */
    bool(TESSERA_ABI *item)(const struct tessera_format_reader_sink *sink, const char *name,
                            const char *media_path, tessera_bytes_t item,
                            tessera_bytes_t annotations);

    /* Reports progress: `done` of `total` units (bytes or files). May be NULL. */
    void(TESSERA_ABI *progress)(const struct tessera_format_reader_sink *sink, uint64_t done,
                                uint64_t total);
} tessera_format_reader_sink_t;

/* What a writer exports. Host-owned; valid for the write() call. */
typedef struct tessera_format_writer_source {
    void *ctx;                    /* host's state */
    tessera_bytes_t label_schema; /* the project's tessera.v1.LabelSchema, verified */
    uint64_t item_count;          /* number of items next() will deliver */

    /* Delivers the next item and its annotations (verified, borrowed until the
     * next call); false when there are no more. [same thread as write()] */
    bool(TESSERA_ABI *next)(const struct tessera_format_writer_source *source,
                            tessera_bytes_t *item, tessera_bytes_t *annotations);
} tessera_format_writer_source_t;

typedef struct tessera_plugin_format {
    const char *name;        /* command-line name, e.g. "kitti"; plugin-owned, static */
    const char *description; /* one line for `tessera formats`; plugin-owned, static */

    /* Reads `input` (a file or folder, UTF-8 path) into `sink`. On bad input
     * returns TESSERA_ERROR with get_last_error() as "file:line:col: what was
     * expected". NULL when the format cannot be read. [main-thread] */
    tessera_status_t(TESSERA_ABI *read)(const tessera_plugin_t *plugin, const char *input,
                                        const tessera_format_reader_sink_t *sink);

    /* Writes everything `source` delivers under `out` (file or folder). NULL
     * when the format cannot be written. [main-thread] */
    tessera_status_t(TESSERA_ABI *write)(const tessera_plugin_t *plugin,
                                         const tessera_format_writer_source_t *source,
                                         const char *out);
} tessera_plugin_format_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_EXT_FORMAT_H */
