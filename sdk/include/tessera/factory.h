/* The plugin factory: lists the plugins of a library and creates instances. */
#ifndef TESSERA_FACTORY_H
#define TESSERA_FACTORY_H

#include <stdint.h>

#include "host.h"
#include "macros.h"
#include "plugin.h"

TESSERA_EXTERN_C_BEGIN

/* Pass to tessera_plugin_entry.get_factory(). */
static const char TESSERA_PLUGIN_FACTORY_ID[] = "tessera.plugin-factory/1";

typedef struct tessera_plugin_factory {
    /* Number of plugins in the library. [main-thread] */
    uint32_t(TESSERA_ABI *get_plugin_count)(const struct tessera_plugin_factory *factory);

    /* Descriptor of plugin `index` (0-based), or NULL when out of range.
     * Plugin-owned, static. [main-thread] */
    const tessera_plugin_descriptor_t *(TESSERA_ABI *get_plugin_descriptor)(
        const struct tessera_plugin_factory *factory, uint32_t index);

    /* Creates an instance of plugin `plugin_id` for `host` (host-owned; it
     * outlives the instance). Returns NULL on failure. The host calls the
     * instance's init() next and destroy() at the end. [main-thread] */
    const tessera_plugin_t *(TESSERA_ABI *create_plugin)(
        const struct tessera_plugin_factory *factory, const tessera_host_t *host,
        const char *plugin_id);
} tessera_plugin_factory_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_FACTORY_H */
