/* c_minimal: the smallest useful native Tessera plugin, in plain C99.
 *
 * One plugin, one QA rule: "com.example.c-minimal.not-empty" warns about an
 * item without annotations.
 *
 * Plain C cannot use the generated C++ FlatBuffers API, and the SDK ships no
 * C reader (flatcc is not a Debian package the SDK depends on). This rule
 * needs one number, the length of AnnotationSet.annotations, so it reads it
 * straight from the FlatBuffers wire format (read_annotation_count below,
 * ~30 lines). The host verified the buffer before the call (docs/architecture.md §3);
 * the bounds checks cost nothing and keep the sample safe to copy. A C plugin
 * that reads more than a count should generate a C reader with flatcc from
 * the .fbs files in share/tessera/schemas/v1, or be written in C++ with the
 * helpers (see ../cpp_rules).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/tessera.h>

#define RULE_NOT_EMPTY "com.example.c-minimal.not-empty"

/* ---- Reading one field of a FlatBuffers table without a generated reader ---- */

static uint32_t read_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t read_u16(const uint8_t *p) {
    return (uint16_t)(p[0] | p[1] << 8);
}

/* Number of annotations in a tessera.v1.AnnotationSet buffer ("TANN"), or -1
 * when the buffer is not one. annotations is field 2 of the table
 * (item = 0, revision = 1; see schemas/tessera/v1/annotation.fbs). */
static int64_t read_annotation_count(tessera_bytes_t set) {
    const uint8_t *b = set.data;
    const size_t size = set.size;
    const unsigned field = 2;
    size_t table, vtable, slot, vector;
    uint16_t vtable_size, field_offset;

    if (!b || size < 8 || memcmp(b + 4, "TANN", 4) != 0) return -1;
    table = read_u32(b); /* root table offset */
    if (table > size - 4) return -1;
    /* The table starts with a signed offset back to its vtable. */
    vtable = table - (size_t)(int32_t)read_u32(b + table);
    if (vtable > size - 4) return -1;
    vtable_size = read_u16(b + vtable);
    if (vtable_size > size - vtable) return -1;
    if (4 + 2 * field + 2 > vtable_size) return 0; /* field absent: no annotations */
    field_offset = read_u16(b + vtable + 4 + 2 * field);
    if (field_offset == 0) return 0; /* field absent: no annotations */
    slot = table + field_offset;
    if (slot > size - 4) return -1;
    vector = slot + read_u32(b + slot); /* the vector starts with its length */
    if (vector < slot || vector > size - 4) return -1;
    return (int64_t)read_u32(b + vector);
}

/* ---- The plugin instance ---- */

typedef struct c_minimal {
    tessera_plugin_t plugin; /* handed to the host; plugin_data points back here */
    const tessera_host_t *host;
} c_minimal_t;

static bool TESSERA_ABI plugin_init(const tessera_plugin_t *plugin) {
    (void)plugin;
    return true;
}

static void TESSERA_ABI plugin_destroy(const tessera_plugin_t *plugin) {
    free(plugin->plugin_data);
}

/* check_item() runs on several threads at once, and C99 has no thread-local
 * storage for a per-thread message. So a rule that cannot check an item says
 * so through context->rule_failed(), which takes the message with the call;
 * check_item() then still returns TESSERA_OK, and nothing this plugin does
 * leaves a message here. */
static const char *TESSERA_ABI plugin_get_last_error(const tessera_plugin_t *plugin) {
    (void)plugin;
    return "";
}

/* ---- tessera.qa-rules/1 ---- */

static uint32_t TESSERA_ABI rules_count(const tessera_plugin_t *plugin) {
    (void)plugin;
    return 1;
}

static bool TESSERA_ABI rules_get(const tessera_plugin_t *plugin, uint32_t index,
                                  tessera_qa_rule_info_t *info) {
    (void)plugin;
    if (index != 0 || !info) return false;
    info->id = RULE_NOT_EMPTY;
    info->description = "every item has at least one annotation";
    info->default_severity = TESSERA_SEVERITY_WARNING;
    return true;
}

static tessera_status_t TESSERA_ABI rules_check_item(const tessera_plugin_t *plugin,
                                                     const tessera_qa_context_t *context) {
    int64_t count;
    (void)plugin;
    if (context->is_enabled && !context->is_enabled(context, RULE_NOT_EMPTY)) return TESSERA_OK;
    count = read_annotation_count(context->annotations);
    if (count < 0) {
        /* Fails this rule on this item only: the host reports an error finding
         * about it, and a plugin with more rules would go on with the others. */
        context->rule_failed(context, RULE_NOT_EMPTY,
                             "the AnnotationSet buffer is not a tessera.v1.AnnotationSet");
        return TESSERA_OK;
    }
    if (count == 0) {
        const tessera_qa_finding_t finding = {
            .rule_id = RULE_NOT_EMPTY,
            .annotations = NULL,
            .annotation_count = 0, /* about the item as a whole */
            .message = "item has no annotations",
            .fix = "annotate the item, or remove it from the project if it shows nothing to label",
        };
        context->report(context, &finding);
    }
    return TESSERA_OK;
}

static const tessera_plugin_qa_rules_t qa_rules = {
    .count = rules_count,
    .get = rules_get,
    .check_item = rules_check_item,
};

static const void *TESSERA_ABI plugin_get_extension(const tessera_plugin_t *plugin,
                                                    const char *id) {
    (void)plugin;
    if (id && strcmp(id, TESSERA_EXT_QA_RULES) == 0) return &qa_rules;
    return NULL;
}

/* ---- The factory and the entry ---- */

static const tessera_plugin_descriptor_t descriptor = {
    .sdk_version = TESSERA_VERSION_INIT,
    .id = "com.example.c-minimal", /* must match plugin.json */
    .name = "C minimal sample",
    .vendor = "Example Inc.",
    .version = "1.0.0",
    .description = "Warns about items without annotations",
};

static uint32_t TESSERA_ABI factory_count(const tessera_plugin_factory_t *factory) {
    (void)factory;
    return 1;
}

static const tessera_plugin_descriptor_t *TESSERA_ABI
factory_descriptor(const tessera_plugin_factory_t *factory, uint32_t index) {
    (void)factory;
    return index == 0 ? &descriptor : NULL;
}

static const tessera_plugin_t *TESSERA_ABI factory_create(const tessera_plugin_factory_t *factory,
                                                          const tessera_host_t *host,
                                                          const char *plugin_id) {
    c_minimal_t *instance;
    (void)factory;
    if (!plugin_id || strcmp(plugin_id, descriptor.id) != 0) return NULL;
    instance = malloc(sizeof *instance);
    if (!instance) return NULL;
    instance->host = host;
    instance->plugin = (tessera_plugin_t){
        .desc = &descriptor,
        .plugin_data = instance,
        .init = plugin_init,
        .destroy = plugin_destroy,
        .get_extension = plugin_get_extension,
        .get_last_error = plugin_get_last_error,
    };
    return &instance->plugin;
}

static const tessera_plugin_factory_t factory = {
    .get_plugin_count = factory_count,
    .get_plugin_descriptor = factory_descriptor,
    .create_plugin = factory_create,
};

static bool TESSERA_ABI entry_init(const char *plugin_dir) {
    (void)plugin_dir;
    return true;
}

static void TESSERA_ABI entry_deinit(void) {}

static const void *TESSERA_ABI entry_get_factory(const char *factory_id) {
    if (factory_id && strcmp(factory_id, TESSERA_PLUGIN_FACTORY_ID) == 0) return &factory;
    return NULL;
}

/* The one exported symbol. */
TESSERA_EXPORT const tessera_plugin_entry_t tessera_plugin_entry = {
    .sdk_version = TESSERA_VERSION_INIT,
    .init = entry_init,
    .deinit = entry_deinit,
    .get_factory = entry_get_factory,
};
