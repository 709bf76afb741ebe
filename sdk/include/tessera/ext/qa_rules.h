/* tessera.qa-rules/1: a plugin provides QA rules run over every item. */
#ifndef TESSERA_EXT_QA_RULES_H
#define TESSERA_EXT_QA_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bytes.h"
#include "../macros.h"
#include "../plugin.h"
#include "../status.h"

TESSERA_EXTERN_C_BEGIN

static const char TESSERA_EXT_QA_RULES[] = "tessera.qa-rules/1";

/* A finding's severity: one of TESSERA_SEVERITY_*, the values of
 * tessera.v1.Severity. A fixed-width integer, not a C enum type. SDK 1.0.0
 * declared it as an enum of the same values, 32 bits on every ABI Tessera
 * supports: tessera_qa_rule_info_t's layout is unchanged. */
typedef int32_t tessera_severity_t;

enum { TESSERA_SEVERITY_INFO = 0, TESSERA_SEVERITY_WARNING = 1, TESSERA_SEVERITY_ERROR = 2 };

/* One rule the plugin offers. Strings are plugin-owned and live as long as the instance. */
typedef struct tessera_qa_rule_info {
    const char *id;                      /* unique across all plugins, e.g. "com.example.min-box" */
    const char *description;             /* one line shown by `tessera qa --list`; may be NULL */
    tessera_severity_t default_severity; /* used unless the project configures another */
} tessera_qa_rule_info_t;

/* One problem found. Everything is borrowed for the report() call. */
typedef struct tessera_qa_finding {
    const char *rule_id;         /* id of the rule that found it; must be one of the plugin's */
    const uint64_t *annotations; /* ids of the annotations involved; may be NULL when count is 0 */
    size_t annotation_count;     /* 0 = about the item as a whole */
    const char *message;         /* UTF-8 explanation; required */
    const char *fix;             /* suggested fix in words; may be NULL */
} tessera_qa_finding_t;

/* What one check_item() call inspects. Host-owned; valid for the call only;
 * its members may be called from the thread running check_item(). */
typedef struct tessera_qa_context {
    void *ctx;                    /* host's state; opaque to the plugin */
    tessera_bytes_t label_schema; /* the project's tessera.v1.LabelSchema, verified */
    tessera_bytes_t item;         /* tessera.v1.Item, verified */
    tessera_bytes_t annotations;  /* tessera.v1.AnnotationSet of the item, verified */

    /* True when rule `rule_id` is enabled for this run. */
    bool(TESSERA_ABI *is_enabled)(const struct tessera_qa_context *context, const char *rule_id);

    /* The project's parameter `key` of rule `rule_id` as text ("0.95",
     * "mm"), or NULL when not configured. Host-owned; valid for the call. */
    const char *(TESSERA_ABI *get_param)(const struct tessera_qa_context *context,
                                         const char *rule_id, const char *key);

    /* Reports one finding; the host copies it and applies the configured severity. */
    void(TESSERA_ABI *report)(const struct tessera_qa_context *context,
                              const tessera_qa_finding_t *finding);

    /* Rule `rule_id` could not check this item: the host reports an error
     * finding about that rule only, quoting `message` (UTF-8, required); the
     * plugin goes on with its other rules. This is how a plugin of several
     * rules fails one of them without thread-local storage: check_item()
     * still returns TESSERA_OK. Both strings are borrowed for the call; an id
     * that is not one of the plugin's rules is ignored. Called from the thread
     * running check_item(). */
    void(TESSERA_ABI *rule_failed)(const struct tessera_qa_context *context, const char *rule_id,
                                   const char *message);
} tessera_qa_context_t;

typedef struct tessera_plugin_qa_rules {
    /* Number of rules. [main-thread] */
    uint32_t(TESSERA_ABI *count)(const tessera_plugin_t *plugin);

    /* Fills `*info` with rule `index` (0-based); false when out of range. [main-thread] */
    bool(TESSERA_ABI *get)(const tessera_plugin_t *plugin, uint32_t index,
                           tessera_qa_rule_info_t *info);

    /* Runs every enabled rule of the plugin over one item. Called concurrently
     * from several worker threads, each with its own context, so it must not
     * keep unsynchronized state. A rule that fails goes through
     * context->rule_failed(); a status other than TESSERA_OK means the whole
     * call failed and becomes a finding about every enabled rule of the plugin
     * quoting get_last_error(). [thread-safe] */
    tessera_status_t(TESSERA_ABI *check_item)(const tessera_plugin_t *plugin,
                                              const tessera_qa_context_t *context);
} tessera_plugin_qa_rules_t;

TESSERA_EXTERN_C_END

#endif /* TESSERA_EXT_QA_RULES_H */
