/* How data crosses the ABI: borrowed byte ranges and output streams. */
#ifndef TESSERA_BYTES_H
#define TESSERA_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macros.h"

TESSERA_EXTERN_C_BEGIN

/* A byte range, usually one FlatBuffers buffer of the tessera.v1 data API.
 * Borrowed: valid only for the duration of the call that hands it over,
 * unless the function documents a longer lifetime. */
typedef struct tessera_bytes {
    const uint8_t *data; /* first byte; may be NULL when size is 0 */
    size_t size;         /* number of bytes */
} tessera_bytes_t;

/* An output stream the callee writes into. The caller owns it and keeps it
 * valid for the duration of the call it is passed to. */
typedef struct tessera_bytes_sink {
    void *ctx; /* caller's state; opaque to the callee */
    /* Appends `size` bytes (copied before returning). Returns false when the
     * caller wants the callee to stop; the callee then returns TESSERA_ABORTED.
     * [same thread as the call the sink was passed to] */
    bool(TESSERA_ABI *write)(const struct tessera_bytes_sink *sink, const uint8_t *data,
                             size_t size);
} tessera_bytes_sink_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_BYTES_H */
