/* tessera.label-schema/1: a plugin provides label schemas. */
#ifndef TESSERA_EXT_LABEL_SCHEMA_H
#define TESSERA_EXT_LABEL_SCHEMA_H

#include <stdint.h>

#include "../bytes.h"
#include "../macros.h"
#include "../plugin.h"
#include "../status.h"

TESSERA_EXTERN_C_BEGIN

static const char TESSERA_EXT_LABEL_SCHEMA[] = "tessera.label-schema/1";

typedef struct tessera_plugin_label_schema {
    /* Number of schemas the plugin provides. [main-thread] */
    uint32_t(TESSERA_ABI *count)(const tessera_plugin_t *plugin);

    /* Sets `*schema` to schema `index` (0-based) as a tessera.v1.LabelSchema
     * buffer ("TSCH"). Plugin-owned; valid until the instance is destroyed.
     * The host verifies it and refuses the plugin if it fails. [main-thread] */
    tessera_status_t(TESSERA_ABI *get)(const tessera_plugin_t *plugin, uint32_t index,
                                       tessera_bytes_t *schema);
} tessera_plugin_label_schema_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_EXT_LABEL_SCHEMA_H */
