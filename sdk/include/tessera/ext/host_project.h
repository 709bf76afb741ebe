/* tessera.host.project/1: read the open project and submit edits. */
#ifndef TESSERA_EXT_HOST_PROJECT_H
#define TESSERA_EXT_HOST_PROJECT_H

#include <stdint.h>

#include "../bytes.h"
#include "../host.h"
#include "../macros.h"
#include "../status.h"

TESSERA_EXTERN_C_BEGIN

static const char TESSERA_EXT_HOST_PROJECT[] = "tessera.host.project/1";

/* Offered only while a project is open. Every buffer handed out passed the
 * host's Verifier; plugins may trust it. [main-thread] for every member. */
typedef struct tessera_host_project {
    /* Number of items in the project. */
    uint64_t(TESSERA_ABI *item_count)(const tessera_host_t *host);

    /* Writes up to `capacity` item ids, ascending and greater than `after`
     * (0 = from the start), into `ids`; returns how many were written.
     * Page through with `after` = the last id returned. */
    uint64_t(TESSERA_ABI *list_items)(const tessera_host_t *host, uint64_t after, uint64_t *ids,
                                      uint64_t capacity);

    /* Writes the tessera.v1.Item buffer of `item` into `out`.
     * TESSERA_NOT_FOUND when there is no such item. */
    tessera_status_t(TESSERA_ABI *read_item)(const tessera_host_t *host, uint64_t item,
                                             const tessera_bytes_sink_t *out);

    /* Writes the tessera.v1.AnnotationSet buffer of `item` into `out`. */
    tessera_status_t(TESSERA_ABI *read_annotations)(const tessera_host_t *host, uint64_t item,
                                                    const tessera_bytes_sink_t *out);

    /* Writes the project's tessera.v1.LabelSchema buffer into `out`. */
    tessera_status_t(TESSERA_ABI *read_label_schema)(const tessera_host_t *host,
                                                     const tessera_bytes_sink_t *out);

    /* Applies one tessera.v1.EditBatch buffer (borrowed; verified by the host)
     * in one transaction. On TESSERA_OK it is durable and `*journal_seq`
     * (may be NULL) receives its journal number; on failure nothing changed
     * and the host's get_last_error() says why. */
    tessera_status_t(TESSERA_ABI *submit_edits)(const tessera_host_t *host,
                                                tessera_bytes_t edit_batch, uint64_t *journal_seq);

    /* Explains the last failure of a call above; valid until the next call. Never NULL. */
    const char *(TESSERA_ABI *get_last_error)(const tessera_host_t *host);
} tessera_host_project_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_EXT_HOST_PROJECT_H */
