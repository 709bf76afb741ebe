/* A plugin instance: what a factory creates for a host. */
#ifndef TESSERA_PLUGIN_H
#define TESSERA_PLUGIN_H

#include <stdbool.h>

#include "macros.h"
#include "version.h"

TESSERA_EXTERN_C_BEGIN

/* Describes one plugin a library provides. Plugin-owned, static: lives until
 * the library's entry deinit(). Must match the plugin.json manifest. */
typedef struct tessera_plugin_descriptor {
    tessera_version_t sdk_version; /* SDK the plugin was built against */
    const char *id;                /* stable reverse-DNS id, e.g. "com.example.rules"; required */
    const char *name;              /* display name; required */
    const char *vendor;            /* may be NULL */
    const char *version;           /* plugin version, e.g. "1.2.0"; required */
    const char *description;       /* one line; may be NULL */
} tessera_plugin_descriptor_t;

typedef struct tessera_plugin {
    const tessera_plugin_descriptor_t *desc; /* plugin-owned, lives as long as the instance */
    void *plugin_data;                       /* plugin-owned; the host never touches it */

    /* Second-stage set-up after create_plugin(); may query host extensions.
     * Returns false on failure (the host then calls destroy and refuses the
     * plugin, quoting get_last_error()). [main-thread] */
    bool(TESSERA_ABI *init)(const struct tessera_plugin *plugin);

    /* Frees the instance; nothing of it may be used afterwards. [main-thread] */
    void(TESSERA_ABI *destroy)(const struct tessera_plugin *plugin);

    /* Returns the plugin extension `id` (e.g. TESSERA_EXT_QA_RULES) or NULL.
     * The result is plugin-owned and lives as long as the instance. [thread-safe] */
    const void *(TESSERA_ABI *get_extension)(const struct tessera_plugin *plugin, const char *id);

    /* Explains the last failure of a call on this instance from the calling
     * thread; valid until the next call on the instance from that thread.
     * Never NULL ("" when there is nothing to say). [thread-safe] */
    const char *(TESSERA_ABI *get_last_error)(const struct tessera_plugin *plugin);
} tessera_plugin_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_PLUGIN_H */
