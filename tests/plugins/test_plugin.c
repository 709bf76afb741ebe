/* One C plugin, built several times with different knobs, to prove what the
 * loader accepts and refuses (tests/unit/plugins_loader_test.cpp):
 *
 *   TP_ID                  plugin id (string literal), required
 *   TP_SDK_MINOR           minor SDK version of the entry and descriptor
 *   TP_SCHEMA              provide tessera.label-schema/1 (schema "test.schema")
 *   TP_FORMAT              provide tessera.format/1 (format "testfmt")
 *   TP_TRUNCATED_SCHEMA    hand out half of the schema buffer
 *   TP_ENTRY_INIT_FAILS    entry init() returns false
 *   TP_PLUGIN_INIT_FAILS   plugin init() returns false
 *   TP_NO_CHECK_ITEM       tessera.qa-rules/1 without check_item
 *   TP_RULE_FAILS          check_item() returns TESSERA_ERROR: the whole call
 *                          fails (one rule alone would use context->rule_failed)
 *   TP_MARKER              a constructor, run by dlopen() before any check of
 *                          the host, writes "constructor ran" to the file
 *                          $TESSERA_TEST_PLUGIN_MARKER: proof that the
 *                          library's code ran at all
 *
 * Every variant provides tessera.qa-rules/1 with one rule, TP_ID ".check".
 *
 * testfmt files: the line "testfmt", then one line naming the item. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/tessera.h>

#include "test_buffers.h"

#ifndef TP_SDK_MINOR
#define TP_SDK_MINOR TESSERA_VERSION_MINOR
#endif
#ifndef TP_SDK_REVISION
#define TP_SDK_REVISION 0
#endif
#define TP_VERSION \
    { TESSERA_VERSION_MAJOR, TP_SDK_MINOR, TP_SDK_REVISION }
#define TP_RULE TP_ID ".check"
#define TP_UNUSED __attribute__((unused))

#ifdef TP_MARKER
__attribute__((constructor)) static void write_marker(void) {
    const char* path = getenv("TESSERA_TEST_PLUGIN_MARKER");
    if (path == NULL) return;
    FILE* marker = fopen(path, "w");
    if (marker == NULL) return;
    fputs("constructor ran\n", marker);
    fclose(marker);
}
#endif

#ifdef TP_NO_ENTRY /* exports the entry under another name: dlsym finds nothing */
#define tessera_plugin_entry not_the_tessera_plugin_entry
#endif

/* The last error of each thread (check_item runs on several). */
static __thread const char* last_error = "";
static TP_UNUSED char error_text[512];
static TP_UNUSED __thread char thread_error_text[512];
static const tessera_host_t* the_host;

static TP_UNUSED void host_log(tessera_log_level_t level, const char* message) {
    const tessera_host_log_t* log =
        (const tessera_host_log_t*)the_host->get_extension(the_host, TESSERA_EXT_HOST_LOG);
    if (log != NULL) log->log(the_host, NULL, level, message);
}

/* --- tessera.qa-rules/1 ------------------------------------------------ */

static uint32_t rules_count(const tessera_plugin_t* plugin) {
    (void)plugin;
    return 1;
}

static bool rules_get(const tessera_plugin_t* plugin, uint32_t index,
                      tessera_qa_rule_info_t* info) {
    (void)plugin;
    if (index != 0) return false;
    info->id = TP_RULE;
    info->description = "Reports annotations 1 and 2 of every item";
    info->default_severity = TESSERA_SEVERITY_WARNING;
    return true;
}

static TP_UNUSED tessera_status_t check_item(const tessera_plugin_t* plugin,
                                             const tessera_qa_context_t* context) {
    (void)plugin;
#ifdef TP_RULE_FAILS
    (void)context;
    last_error = "the rule's lookup table is missing";
    return TESSERA_ERROR;
#else
    if (!context->is_enabled(context, TP_RULE)) return TESSERA_OK;
    const uint64_t ids[2] = {1, 2};
    const char* message = context->get_param(context, TP_RULE, "message");
    snprintf(thread_error_text, sizeof thread_error_text, "%s (item of %u bytes)",
             message != NULL ? message : "checked", (unsigned)context->item.size);
    tessera_qa_finding_t finding = {
        .rule_id = TP_RULE,
        .annotations = ids,
        .annotation_count = 2,
        .message = thread_error_text,
        .fix = "relabel them",
    };
    context->report(context, &finding);
    if (context->get_param(context, TP_RULE, "foreign") != NULL) {
        finding.rule_id = "someone.else.rule";
        context->report(context, &finding);
    }
    return TESSERA_OK;
#endif
}

static const tessera_plugin_qa_rules_t qa_rules = {
    .count = rules_count,
    .get = rules_get,
#ifdef TP_NO_CHECK_ITEM
    .check_item = NULL,
#else
    .check_item = check_item,
#endif
};

/* --- tessera.label-schema/1 -------------------------------------------- */
#if defined(TP_SCHEMA) || defined(TP_TRUNCATED_SCHEMA)

static uint32_t schema_count(const tessera_plugin_t* plugin) {
    (void)plugin;
    return 1;
}

static tessera_status_t schema_get(const tessera_plugin_t* plugin, uint32_t index,
                                   tessera_bytes_t* schema) {
    (void)plugin;
    if (index != 0) return TESSERA_NOT_FOUND;
    schema->data = test_schema;
#ifdef TP_TRUNCATED_SCHEMA
    schema->size = sizeof test_schema / 2;
#else
    schema->size = sizeof test_schema;
#endif
    return TESSERA_OK;
}

static const tessera_plugin_label_schema_t label_schema = {.count = schema_count,
                                                           .get = schema_get};
#endif

/* --- tessera.format/1 -------------------------------------------------- */
#ifdef TP_FORMAT

static tessera_status_t format_read(const tessera_plugin_t* plugin, const char* input,
                                    const tessera_format_reader_sink_t* sink) {
    (void)plugin;
    char line[256];
    char name[256];
    FILE* file = fopen(input, "r");
    if (file == NULL) {
        snprintf(error_text, sizeof error_text, "%s: cannot open the file", input);
        last_error = error_text;
        return TESSERA_ERROR;
    }
    const bool header = fgets(line, sizeof line, file) != NULL && strcmp(line, "testfmt\n") == 0;
    const bool named = header && fgets(name, sizeof name, file) != NULL;
    fclose(file);
    if (!named) {
        snprintf(error_text, sizeof error_text, "%s:%d:1: expected %s", input, header ? 2 : 1,
                 header ? "the name of an item" : "\"testfmt\" on the first line");
        last_error = error_text;
        return TESSERA_ERROR;
    }
    name[strcspn(name, "\n")] = '\0';
    const tessera_bytes_t schema = {test_schema, sizeof test_schema};
    const tessera_bytes_t item = {test_item, sizeof test_item};
    const tessera_bytes_t annotations = {test_annotations, sizeof test_annotations};
    if (!sink->schema(sink, schema)) return TESSERA_ABORTED;
    if (sink->progress != NULL) sink->progress(sink, 1, 2);
    if (!sink->item(sink, name, NULL, item, annotations)) return TESSERA_ABORTED;
    return TESSERA_OK;
}

static tessera_status_t format_write(const tessera_plugin_t* plugin,
                                     const tessera_format_writer_source_t* source,
                                     const char* out) {
    (void)plugin;
    FILE* file = fopen(out, "w");
    if (file == NULL) {
        snprintf(error_text, sizeof error_text, "%s: cannot create the file", out);
        last_error = error_text;
        return TESSERA_ERROR;
    }
    tessera_bytes_t item;
    tessera_bytes_t annotations;
    unsigned count = 0;
    fprintf(file, "testfmt\n");
    while (source->next(source, &item, &annotations)) ++count;
    fprintf(file, "items: %u of %u\n", count, (unsigned)source->item_count);
    fclose(file);
    return TESSERA_OK;
}

static const tessera_plugin_format_t format = {
    .name = "testfmt",
    .description = "The test plugins' format: \"testfmt\", then one item name",
    .read = format_read,
    .write = format_write,
};
#endif

/* --- The plugin -------------------------------------------------------- */

static const tessera_plugin_descriptor_t descriptor = {
    .sdk_version = TP_VERSION,
    .id = TP_ID,
    .name = "Test plugin " TP_ID,
    .vendor = "Tessera tests",
    .version = "0.3.1",
    .description = "Built from tests/plugins/test_plugin.c",
};

static bool plugin_init(const tessera_plugin_t* plugin) {
    (void)plugin;
#ifdef TP_PLUGIN_INIT_FAILS
    last_error = "the licence file is missing";
    return false;
#else
    host_log(TESSERA_LOG_INFO, "hello from " TP_ID);
    return true;
#endif
}

static void plugin_destroy(const tessera_plugin_t* plugin) {
    (void)plugin;
}

static const void* plugin_get_extension(const tessera_plugin_t* plugin, const char* id) {
    (void)plugin;
    if (strcmp(id, TESSERA_EXT_QA_RULES) == 0) return &qa_rules;
#if defined(TP_SCHEMA) || defined(TP_TRUNCATED_SCHEMA)
    if (strcmp(id, TESSERA_EXT_LABEL_SCHEMA) == 0) return &label_schema;
#endif
#ifdef TP_FORMAT
    if (strcmp(id, TESSERA_EXT_FORMAT) == 0) return &format;
#endif
    return NULL;
}

static const char* plugin_get_last_error(const tessera_plugin_t* plugin) {
    (void)plugin;
    return last_error;
}

static const tessera_plugin_t instance = {
    .desc = &descriptor,
    .plugin_data = NULL,
    .init = plugin_init,
    .destroy = plugin_destroy,
    .get_extension = plugin_get_extension,
    .get_last_error = plugin_get_last_error,
};

/* --- Factory and entry ------------------------------------------------- */

static uint32_t factory_count(const tessera_plugin_factory_t* factory) {
    (void)factory;
    return 1;
}

static const tessera_plugin_descriptor_t* factory_descriptor(
    const tessera_plugin_factory_t* factory, uint32_t index) {
    (void)factory;
    return index == 0 ? &descriptor : NULL;
}

static const tessera_plugin_t* factory_create(const tessera_plugin_factory_t* factory,
                                              const tessera_host_t* host, const char* plugin_id) {
    (void)factory;
    if (strcmp(plugin_id, TP_ID) != 0) return NULL;
    the_host = host;
    return &instance;
}

static const tessera_plugin_factory_t factory = {
    .get_plugin_count = factory_count,
    .get_plugin_descriptor = factory_descriptor,
    .create_plugin = factory_create,
};

static bool entry_init(const char* plugin_dir) {
    (void)plugin_dir;
#ifdef TP_ENTRY_INIT_FAILS
    return false;
#else
    return true;
#endif
}

static void entry_deinit(void) {}

static const void* entry_get_factory(const char* factory_id) {
    return strcmp(factory_id, TESSERA_PLUGIN_FACTORY_ID) == 0 ? &factory : NULL;
}

TESSERA_EXPORT const tessera_plugin_entry_t tessera_plugin_entry = {
    .sdk_version = TP_VERSION,
    .init = entry_init,
    .deinit = entry_deinit,
    .get_factory = entry_get_factory,
};
