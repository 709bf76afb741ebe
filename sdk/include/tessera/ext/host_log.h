/* tessera.host.log/1: plugins write to the host's log. */
#ifndef TESSERA_EXT_HOST_LOG_H
#define TESSERA_EXT_HOST_LOG_H

#include "../host.h"
#include "../macros.h"
#include "../plugin.h"

TESSERA_EXTERN_C_BEGIN

static const char TESSERA_EXT_HOST_LOG[] = "tessera.host.log/1";

typedef enum tessera_log_level {
    TESSERA_LOG_DEBUG = 0,
    TESSERA_LOG_INFO = 1,
    TESSERA_LOG_WARNING = 2,
    TESSERA_LOG_ERROR = 3
} tessera_log_level_t;

typedef struct tessera_host_log {
    /* Logs one UTF-8 line (borrowed for the call), attributed to `plugin`
     * (may be NULL before an instance exists). [thread-safe] */
    void(TESSERA_ABI *log)(const tessera_host_t *host, const tessera_plugin_t *plugin,
                           tessera_log_level_t level, const char *message);
} tessera_host_log_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_EXT_HOST_LOG_H */
