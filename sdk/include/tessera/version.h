/* The SDK version a plugin was built against and the host's compatibility rule. */
#ifndef TESSERA_VERSION_H
#define TESSERA_VERSION_H

#include <stdbool.h>
#include <stdint.h>

#include "macros.h"

TESSERA_EXTERN_C_BEGIN

#define TESSERA_VERSION_MAJOR 1
#define TESSERA_VERSION_MINOR 0
#define TESSERA_VERSION_REVISION 1

typedef struct tessera_version {
    uint32_t major;    /* incompatible ABI changes */
    uint32_t minor;    /* additions; a host accepts plugins whose minor is not newer than its own */
    uint32_t revision; /* fixes only; ignored by the compatibility rule */
} tessera_version_t;

#define TESSERA_VERSION_INIT \
    { TESSERA_VERSION_MAJOR, TESSERA_VERSION_MINOR, TESSERA_VERSION_REVISION }

/* True when a host at `host` may load a plugin built against `plugin`:
 * same major, and the plugin's minor is not newer than the host's. */
static inline bool tessera_version_is_compatible(tessera_version_t host, tessera_version_t plugin) {
    return host.major == plugin.major && plugin.minor <= host.minor;
}

TESSERA_EXTERN_C_END

#endif /* TESSERA_VERSION_H */
