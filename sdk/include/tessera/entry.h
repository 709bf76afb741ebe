/* The one symbol a native plugin library exports. */
#ifndef TESSERA_ENTRY_H
#define TESSERA_ENTRY_H

#include <stdbool.h>

#include "macros.h"
#include "version.h"

TESSERA_EXTERN_C_BEGIN

/* Name of the exported symbol, for dlsym(). */
#define TESSERA_PLUGIN_ENTRY_SYMBOL "tessera_plugin_entry"

/* A library defines exactly one `const tessera_plugin_entry_t tessera_plugin_entry`
 * and exports it with TESSERA_EXPORT; the host reads it before anything else. */
typedef struct tessera_plugin_entry {
    tessera_version_t sdk_version; /* TESSERA_VERSION_INIT at build time */

    /* Called once after loading, before any other call. `plugin_dir` is the
     * folder holding plugin.json (UTF-8, borrowed for the call). Returns false
     * on failure; the host then refuses every plugin of the library.
     * [main-thread] */
    bool(TESSERA_ABI *init)(const char *plugin_dir);

    /* Called once before unloading, after every instance is destroyed. [main-thread] */
    void(TESSERA_ABI *deinit)(void);

    /* Returns the factory `factory_id` (TESSERA_PLUGIN_FACTORY_ID) or NULL.
     * Plugin-owned; lives until deinit(). [thread-safe] */
    const void *(TESSERA_ABI *get_factory)(const char *factory_id);
} tessera_plugin_entry_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_ENTRY_H */
