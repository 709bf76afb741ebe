/* tessera.host.log/1: plugins write to the host's log. */
#ifndef TESSERA_EXT_HOST_LOG_H
#define TESSERA_EXT_HOST_LOG_H

#include <stdint.h>

#include "../host.h"
#include "../macros.h"
#include "../plugin.h"

TESSERA_EXTERN_C_BEGIN

static const char TESSERA_EXT_HOST_LOG[] = "tessera.host.log/1";

/* A log level: one of TESSERA_LOG_*. A fixed-width integer, not a C enum type,
 * so that its size does not depend on the compiler. SDK 1.0.0 declared it as
 * an enum of the same values, 32 bits on every ABI Tessera supports: binary
 * compatible. */
typedef int32_t tessera_log_level_t;

enum {
    TESSERA_LOG_DEBUG = 0,
    TESSERA_LOG_INFO = 1,
    TESSERA_LOG_WARNING = 2,
    TESSERA_LOG_ERROR = 3
};

typedef struct tessera_host_log {
    /* Logs one UTF-8 line (borrowed for the call), attributed to `plugin`
     * (may be NULL before an instance exists). [thread-safe] */
    void(TESSERA_ABI *log)(const tessera_host_t *host, const tessera_plugin_t *plugin,
                           tessera_log_level_t level, const char *message);
} tessera_host_log_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_EXT_HOST_LOG_H */
