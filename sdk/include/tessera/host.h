/* The host as a plugin sees it: its identity and its extensions. */
#ifndef TESSERA_HOST_H
#define TESSERA_HOST_H

#include "macros.h"
#include "version.h"

TESSERA_EXTERN_C_BEGIN

typedef struct tessera_host {
    tessera_version_t sdk_version; /* SDK the host was built against */
    void *host_data;               /* host-owned; plugins must not touch it */
    /* e.g. "tessera" or "tessera-studio"; UTF-8, host-owned, lives as long as the host */
    const char *name;
    const char *version; /* host version, e.g. "0.1.0"; host-owned, lives as long as the host */

    /* Returns the host extension `id` (e.g. TESSERA_EXT_HOST_LOG) or NULL when
     * the host does not offer it now (tessera.host.project/1 needs an open
     * project). The result lives as long as the plugin instance.
     * [thread-safe] */
    const void *(TESSERA_ABI *get_extension)(const struct tessera_host *host, const char *id);
} tessera_host_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_HOST_H */
