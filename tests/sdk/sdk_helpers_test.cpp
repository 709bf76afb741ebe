// The sample plugins and the C++ helpers, driven through the C ABI exactly as
// a host drives them: dlopen, tessera_plugin_entry, factory, instance,
// extensions. A fake host records log lines and findings.

#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <flatbuffers/flatbuffers.h>
#include <tessera/tessera.h>
#include <tessera/v1/annotation_generated.h>
#include <tessera/v1/item_generated.h>
#include <tessera/v1/label_schema_generated.h>
#include <catch2/catch.hpp>
#include <tessera/cpp/plugin.hpp>

namespace v1 = tessera::v1;

namespace {

// A host offering tessera.host.log/1 and recording every line.
struct FakeHost {
    explicit FakeHost(const char* name = "sdk-test") {
        host = tessera_host_t{
            .sdk_version = TESSERA_VERSION_INIT,
            .host_data = this,
            .name = name,
            .version = "0.0.0",
            .get_extension = &get_extension,
        };
    }
    static const void* TESSERA_ABI get_extension(const tessera_host_t*, const char* id) {
        static const tessera_host_log_t log_extension = {.log = &log};
        return std::strcmp(id, TESSERA_EXT_HOST_LOG) == 0 ? &log_extension : nullptr;
    }
    static void TESSERA_ABI log(const tessera_host_t* host, const tessera_plugin_t*,
                                tessera_log_level_t level, const char* message) {
        auto* self = static_cast<FakeHost*>(host->host_data);
        std::lock_guard lock(self->mutex);
        self->lines.emplace_back(level, message);
    }
    [[nodiscard]] bool logged(tessera_log_level_t level, const std::string& part) {
        std::lock_guard lock(mutex);
        for (const auto& [l, line] : lines) {
            if (l == level && line.find(part) != std::string::npos) return true;
        }
        return false;
    }

    tessera_host_t host{};
    std::mutex mutex;
    std::vector<std::pair<tessera_log_level_t, std::string>> lines;
};

// One loaded plugin library and one instance of its first plugin.
struct Loaded {
    explicit Loaded(const std::string& name, FakeHost& host) {
        const std::string dir = std::string(SDK_TEST_PLUGINS) + "/" + name;
        handle = dlopen((dir + "/" + name + ".so").c_str(), RTLD_NOW | RTLD_LOCAL);
        REQUIRE(handle != nullptr);
        entry =
            static_cast<const tessera_plugin_entry_t*>(dlsym(handle, TESSERA_PLUGIN_ENTRY_SYMBOL));
        REQUIRE(entry != nullptr);
        REQUIRE(entry->init(dir.c_str()));
        factory = static_cast<const tessera_plugin_factory_t*>(
            entry->get_factory(TESSERA_PLUGIN_FACTORY_ID));
        REQUIRE(factory != nullptr);
        REQUIRE(factory->get_plugin_count(factory) == 1);
        descriptor = factory->get_plugin_descriptor(factory, 0);
        REQUIRE(descriptor != nullptr);
        plugin = factory->create_plugin(factory, &host.host, descriptor->id);
        REQUIRE(plugin != nullptr);
    }
    ~Loaded() {
        if (plugin) plugin->destroy(plugin);
        if (entry) entry->deinit();
        if (handle) dlclose(handle);
    }
    Loaded(const Loaded&) = delete;
    Loaded& operator=(const Loaded&) = delete;

    [[nodiscard]] const tessera_plugin_qa_rules_t* rules() const {
        return static_cast<const tessera_plugin_qa_rules_t*>(
            plugin->get_extension(plugin, TESSERA_EXT_QA_RULES));
    }

    void* handle = nullptr;
    const tessera_plugin_entry_t* entry = nullptr;
    const tessera_plugin_factory_t* factory = nullptr;
    const tessera_plugin_descriptor_t* descriptor = nullptr;
    const tessera_plugin_t* plugin = nullptr;
};

struct Finding {
    std::string rule;
    std::vector<std::uint64_t> annotations;
    std::string message;
    std::string fix;
};

// One check_item() call's context: configured parameters and disabled rules in,
// findings out.
struct QaRun {
    QaRun(const flatbuffers::DetachedBuffer& schema, const flatbuffers::DetachedBuffer& item,
          const flatbuffers::DetachedBuffer& annotations) {
        context = tessera_qa_context_t{
            .ctx = this,
            .label_schema = {schema.data(), schema.size()},
            .item = {item.data(), item.size()},
            .annotations = {annotations.data(), annotations.size()},
            .is_enabled = &is_enabled,
            .get_param = &get_param,
            .report = &report,
            .rule_failed = &rule_failed,
        };
    }
    static bool TESSERA_ABI is_enabled(const tessera_qa_context_t* c, const char* rule) {
        return static_cast<QaRun*>(c->ctx)->disabled.count(rule) == 0;
    }
    static const char* TESSERA_ABI get_param(const tessera_qa_context_t* c, const char* rule,
                                             const char* key) {
        auto& params = static_cast<QaRun*>(c->ctx)->params;
        auto found = params.find(std::string(rule) + "/" + key);
        return found == params.end() ? nullptr : found->second.c_str();
    }
    static void TESSERA_ABI report(const tessera_qa_context_t* c, const tessera_qa_finding_t* f) {
        static_cast<QaRun*>(c->ctx)->findings.push_back(Finding{
            f->rule_id,
            std::vector<std::uint64_t>(f->annotations, f->annotations + f->annotation_count),
            f->message, f->fix ? f->fix : ""});
    }
    static void TESSERA_ABI rule_failed(const tessera_qa_context_t* c, const char* rule,
                                        const char* message) {
        static_cast<QaRun*>(c->ctx)->failures.emplace_back(rule, message);
    }
    [[nodiscard]] std::vector<Finding> of(const std::string& rule) const {
        std::vector<Finding> out;
        for (const Finding& f : findings) {
            if (f.rule == rule) out.push_back(f);
        }
        return out;
    }

    tessera_qa_context_t context{};
    std::map<std::string, std::string> params;  // "rule/key" -> value
    std::set<std::string> disabled;
    std::vector<Finding> findings;
    std::vector<std::pair<std::string, std::string>> failures;  // rule_failed(): rule, message
};

flatbuffers::DetachedBuffer empty_schema() {
    v1::LabelSchemaT schema;
    schema.id = "test.schema";
    schema.version = "1.0.0";
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishLabelSchemaBuffer(builder, v1::LabelSchema::Pack(builder, &schema));
    return builder.Release();
}

flatbuffers::DetachedBuffer image_item() {
    v1::ItemT item;
    item.id = 7;
    item.media = std::make_unique<v1::MediaT>();
    item.media->kind = v1::MediaKind::Image;
    item.media->width = 640;
    item.media->height = 480;
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishItemBuffer(builder, v1::Item::Pack(builder, &item));
    return builder.Release();
}

// An annotation `id` of `label` with a box of `width` x `height` at (10, 10),
// and attribute `attribute` = "red" when given.
std::unique_ptr<v1::AnnotationT> box(std::uint64_t id, const char* label, double width,
                                     double height, const char* attribute = nullptr) {
    auto annotation = std::make_unique<v1::AnnotationT>();
    annotation->id = id;
    annotation->label = label;
    v1::BoxT geometry;
    geometry.left = 10;
    geometry.top = 10;
    geometry.right = 10 + width;
    geometry.bottom = 10 + height;
    annotation->geometry.Set(std::move(geometry));
    if (attribute) {
        auto value = std::make_unique<v1::AttributeT>();
        value->key = attribute;
        value->type = v1::AttributeType::Enum;
        value->string_value = "red";
        annotation->attributes.push_back(std::move(value));
    }
    return annotation;
}

flatbuffers::DetachedBuffer annotation_set(std::vector<std::unique_ptr<v1::AnnotationT>> list) {
    v1::AnnotationSetT set;
    set.item = 7;
    set.annotations = std::move(list);
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishAnnotationSetBuffer(builder, v1::AnnotationSet::Pack(builder, &set));
    return builder.Release();
}

// The sample scene: a 4 px car (1), a 20 px car (2), a traffic light without
// state (3) and one with it (4).
flatbuffers::DetachedBuffer traffic_scene() {
    std::vector<std::unique_ptr<v1::AnnotationT>> list;
    list.push_back(box(1, "car", 4, 4));
    list.push_back(box(2, "car", 20, 20));
    list.push_back(box(3, "traffic_light", 10, 20));
    list.push_back(box(4, "traffic_light", 10, 20, "state"));
    return annotation_set(std::move(list));
}

constexpr const char* kMinBox = "com.example.cpp-rules.min-box";
constexpr const char* kRequired = "com.example.cpp-rules.required-attribute";

}  // namespace

TEST_CASE("cpp_rules sample: entry, descriptor and label schema through the C ABI") {
    FakeHost host;
    Loaded lib("cpp_rules", host);
    CHECK(lib.entry->sdk_version.major == TESSERA_VERSION_MAJOR);
    CHECK(std::string(lib.descriptor->id) == "com.example.cpp-rules");
    CHECK(lib.factory->create_plugin(lib.factory, &host.host, "no.such.plugin") == nullptr);
    REQUIRE(lib.plugin->init(lib.plugin));
    CHECK(std::string(lib.plugin->get_last_error(lib.plugin)).empty());

    auto* schemas = static_cast<const tessera_plugin_label_schema_t*>(
        lib.plugin->get_extension(lib.plugin, TESSERA_EXT_LABEL_SCHEMA));
    REQUIRE(schemas != nullptr);
    REQUIRE(schemas->count(lib.plugin) == 1);
    tessera_bytes_t bytes{};
    REQUIRE(schemas->get(lib.plugin, 0, &bytes) == TESSERA_OK);
    CHECK(schemas->get(lib.plugin, 1, &bytes) == TESSERA_NOT_FOUND);
    REQUIRE(schemas->get(lib.plugin, 0, &bytes) == TESSERA_OK);
    flatbuffers::Verifier verifier(bytes.data, bytes.size);
    REQUIRE(v1::VerifyLabelSchemaBuffer(verifier));
    const v1::LabelSchema* schema = v1::GetLabelSchema(bytes.data);
    CHECK(schema->id()->str() == "com.example.traffic");
    REQUIRE(schema->classes()->size() == 3);
    const v1::LabelClass* light = schema->classes()->Get(2);
    CHECK(light->key()->str() == "traffic_light");
    REQUIRE(light->attributes()->size() == 1);
    const v1::AttributeSpec* state = light->attributes()->Get(0);
    CHECK(state->key()->str() == "state");
    CHECK(state->required());
    CHECK(state->type() == v1::AttributeType::Enum);
    CHECK(state->values()->size() == 3);

    const tessera_plugin_qa_rules_t* rules = lib.rules();
    REQUIRE(rules != nullptr);
    REQUIRE(rules->count(lib.plugin) == 2);
    tessera_qa_rule_info_t info{};
    REQUIRE(rules->get(lib.plugin, 0, &info));
    CHECK(std::string(info.id) == kMinBox);
    CHECK(info.default_severity == TESSERA_SEVERITY_WARNING);
    CHECK_FALSE(rules->get(lib.plugin, 2, &info));
}

TEST_CASE("cpp_rules sample: both rules fire on the annotations they are about") {
    FakeHost host;
    Loaded lib("cpp_rules", host);
    REQUIRE(lib.plugin->init(lib.plugin));
    const auto schema = empty_schema();
    const auto item = image_item();
    const auto scene = traffic_scene();
    QaRun run(schema, item, scene);

    SECTION("defaults: 8 px minimum, traffic_light needs state") {
        REQUIRE(lib.rules()->check_item(lib.plugin, &run.context) == TESSERA_OK);
        auto small = run.of(kMinBox);
        REQUIRE(small.size() == 1);
        CHECK(small[0].annotations == std::vector<std::uint64_t>{1});
        CHECK(small[0].message == "box is 4 px x 4 px, smaller than 8 px");
        CHECK_FALSE(small[0].fix.empty());
        auto missing = run.of(kRequired);
        REQUIRE(missing.size() == 1);
        CHECK(missing[0].annotations == std::vector<std::uint64_t>{3});
        CHECK(missing[0].message == "traffic_light has no state");
    }
    SECTION("parameters change what fires") {
        run.params[std::string(kMinBox) + "/min_size"] = "30";
        run.params[std::string(kRequired) + "/label"] = "car";
        run.params[std::string(kRequired) + "/attribute"] = "occluded";
        REQUIRE(lib.rules()->check_item(lib.plugin, &run.context) == TESSERA_OK);
        CHECK(run.of(kMinBox).size() == 4);
        auto missing = run.of(kRequired);
        REQUIRE(missing.size() == 2);
        CHECK(missing[0].annotations == std::vector<std::uint64_t>{1});
        CHECK(missing[1].annotations == std::vector<std::uint64_t>{2});
    }
    SECTION("a disabled rule reports nothing") {
        run.disabled.insert(kMinBox);
        REQUIRE(lib.rules()->check_item(lib.plugin, &run.context) == TESSERA_OK);
        CHECK(run.of(kMinBox).empty());
        CHECK(run.of(kRequired).size() == 1);
    }
    SECTION(
        "a parameter that is not a number fails that rule only, names it, and the other rule "
        "runs") {
        run.params[std::string(kMinBox) + "/min_size"] = "eight";
        CHECK(lib.rules()->check_item(lib.plugin, &run.context) == TESSERA_OK);
        REQUIRE(run.failures.size() == 1);
        CHECK(run.failures[0].first == kMinBox);
        CHECK_THAT(run.failures[0].second, Catch::Contains(kMinBox) &&
                                               Catch::Contains("min_size") &&
                                               Catch::Contains("\"eight\" is not a number"));
        CHECK(run.of(kMinBox).empty());
        CHECK(run.of(kRequired).size() == 1);
    }
    SECTION("a buffer of the wrong type is refused with a clear status") {
        QaRun swapped(schema, item, item);  // an Item where the AnnotationSet belongs
        CHECK(lib.rules()->check_item(lib.plugin, &swapped.context) == TESSERA_INVALID_ARGUMENT);
        CHECK_THAT(std::string(lib.plugin->get_last_error(lib.plugin)),
                   Catch::Contains("not a tessera.v1 AnnotationSet buffer"));
        CHECK(swapped.findings.empty());
    }
}

TEST_CASE("C++ helpers: a rule that throws fails only itself, the plugin's other rules report") {
    FakeHost host;
    Loaded lib("sdk_throwing", host);
    REQUIRE(lib.plugin->init(lib.plugin));
    CHECK(host.logged(TESSERA_LOG_DEBUG, "throwing plugin ready"));  // the host log reaches init()
    const auto schema = empty_schema();
    const auto item = image_item();
    std::vector<std::unique_ptr<v1::AnnotationT>> list;
    list.push_back(box(1, "car", 4, 4));
    list.push_back(box(2, "car", 4, 4));
    const auto set = annotation_set(std::move(list));
    QaRun run(schema, item, set);
    run.params["test.bad-param/limit"] = "12abc";

    CHECK(lib.rules()->check_item(lib.plugin, &run.context) == TESSERA_OK);
    CHECK(run.failures ==
          std::vector<std::pair<std::string, std::string>>{
              {"test.throws-std", "the std exception's message"},
              {"test.throws-int", "unknown exception"},
              {"test.bad-param",
               "rule test.bad-param: parameter limit = \"12abc\" is not a number"}});
    REQUIRE(run.of("test.counts").size() == 1);
    CHECK(run.of("test.counts")[0].message == "2 annotations");
    CHECK(std::string(lib.plugin->get_last_error(lib.plugin)).empty());

    SECTION("a disabled rule that would throw does not fail") {
        QaRun quiet(schema, item, set);
        quiet.disabled = {"test.throws-std", "test.throws-int", "test.bad-param"};
        CHECK(lib.rules()->check_item(lib.plugin, &quiet.context) == TESSERA_OK);
        CHECK(quiet.failures.empty());
        CHECK(quiet.of("test.counts").size() == 1);
    }
}

TEST_CASE(
    "C++ helpers: without rule_failed in the context, exceptions become a status, a per-thread "
    "message and a log line") {
    FakeHost host;
    Loaded lib("sdk_throwing", host);
    REQUIRE(lib.plugin->init(lib.plugin));
    const auto schema = empty_schema();
    const auto item = image_item();
    std::vector<std::unique_ptr<v1::AnnotationT>> list;
    list.push_back(box(1, "car", 4, 4));
    list.push_back(box(2, "car", 4, 4));
    const auto set = annotation_set(std::move(list));
    QaRun run(schema, item, set);
    run.params["test.bad-param/limit"] = "12abc";
    // A context without rule_failed leaves the helpers only the status to fail with.
    run.context.rule_failed = nullptr;

    CHECK(lib.rules()->check_item(lib.plugin, &run.context) == TESSERA_ERROR);
    const std::string error = lib.plugin->get_last_error(lib.plugin);
    CHECK_THAT(error, Catch::StartsWith("test.sdk.throwing: check_item: "));
    CHECK_THAT(error, Catch::Contains("rule test.throws-std: the std exception's message"));
    CHECK_THAT(error, Catch::Contains("rule test.throws-int: unknown exception"));
    CHECK_THAT(error, Catch::Contains("parameter limit = \"12abc\" is not a number"));
    CHECK(host.logged(TESSERA_LOG_ERROR, "the std exception's message"));
    // The well-behaved rule of the same plugin still reported.
    REQUIRE(run.of("test.counts").size() == 1);
    CHECK(run.of("test.counts")[0].message == "2 annotations");

    // The message belongs to the thread whose call failed.
    std::string other_thread_error = "unset";
    std::thread([&] { other_thread_error = lib.plugin->get_last_error(lib.plugin); }).join();
    CHECK(other_thread_error.empty());
    CHECK(std::string(lib.plugin->get_last_error(lib.plugin)) == error);
}

TEST_CASE("C++ helpers: an exception in init() refuses the instance with its message") {
    FakeHost host("refuse-me");
    Loaded lib("sdk_throwing", host);
    CHECK_FALSE(lib.plugin->init(lib.plugin));
    CHECK(std::string(lib.plugin->get_last_error(lib.plugin)) ==
          "test.sdk.throwing: init: this host is refused");
    CHECK(host.logged(TESSERA_LOG_ERROR, "this host is refused"));
}

TEST_CASE("C++ helpers: a view given to set_view() is tessera.view/1, each callback guarded") {
    FakeHost host;
    Loaded lib("sdk_view", host);
    CHECK(lib.plugin->get_extension(lib.plugin, TESSERA_EXT_VIEW) == nullptr);  // before init()
    REQUIRE(lib.plugin->init(lib.plugin));
    const auto* view = static_cast<const tessera_plugin_view_t*>(
        lib.plugin->get_extension(lib.plugin, TESSERA_EXT_VIEW));
    REQUIRE(view != nullptr);
    CHECK(std::string(view->name) == "Line");
    CHECK(std::string(view->media_kinds) == "Image,Video");
    REQUIRE(view->tool_count == 2);
    CHECK(std::string(view->tools[1].id) == "break");
    CHECK(view->tools[1].key == 'B');

    flatbuffers::FlatBufferBuilder builder;
    v1::ItemT item;
    item.id = 1;
    item.media = std::make_unique<v1::MediaT>();
    item.media->width = 640;
    v1::FinishItemBuffer(builder, v1::Item::Pack(builder, &item));
    const tessera_bytes_t item_bytes{builder.GetBufferPointer(), builder.GetSize()};
    const std::uint8_t set_byte = 0;
    CHECK(view->open_item(lib.plugin, item_bytes, {&set_byte, 1}, "/media/a.png") == TESSERA_OK);

    // A frame draws through the host's UI table.
    struct Ui {
        std::vector<float> lines;
    } recorded;
    tessera_host_ui_t ui_api{};
    ui_api.line = [](tessera_ui_t* ui, tessera_ui_vec2_t, tessera_ui_vec2_t b, tessera_ui_color_t,
                     float) { reinterpret_cast<Ui*>(ui)->lines.push_back(b.x); };
    auto* ui = reinterpret_cast<tessera_ui_t*>(&recorded);
    tessera_view_state_t state{.tool = "draw", .label = "", .selected = 0, .author = "ann"};
    view->frame(lib.plugin, &ui_api, ui, &state);
    CHECK(recorded.lines == std::vector<float>{640});

    // Exceptions become a status, the last error and a log line.
    CHECK(view->open_item(lib.plugin, item_bytes, {&set_byte, 1}, "throw") == TESSERA_ERROR);
    CHECK(std::string(lib.plugin->get_last_error(lib.plugin)) ==
          "test.sdk.view: open_item: cannot open throw");
    CHECK(view->set_annotations(lib.plugin, {nullptr, 0}) == TESSERA_INVALID_ARGUMENT);
    CHECK(host.logged(TESSERA_LOG_ERROR, "test.sdk.view: set_annotations: no annotations"));
    CHECK(view->options != nullptr);
    view->options(lib.plugin, &ui_api, ui);  // the default draws nothing

    // A failing frame is logged once per message, not at every frame.
    const auto frame_errors = [&] {
        std::lock_guard lock(host.mutex);
        return std::count_if(host.lines.begin(), host.lines.end(), [](const auto& line) {
            return line.second.find(": frame: ") != std::string::npos;
        });
    };
    state.tool = "break";
    for (int i = 0; i < 5; ++i) view->frame(lib.plugin, &ui_api, ui, &state);
    CHECK(frame_errors() == 1);
    state.tool = "other";
    view->frame(lib.plugin, &ui_api, ui, &state);
    CHECK(frame_errors() == 2);
    state.tool = "draw";
    view->frame(lib.plugin, &ui_api, ui, &state);
    state.tool = "break";
    view->frame(lib.plugin, &ui_api, ui,
                &state);  // after a good frame, the same failure is news again
    CHECK(frame_errors() == 3);
}

TEST_CASE("C++ helpers: set_view() refuses a view without tools, whose first tool is the default") {
    struct Blank final : tessera::cpp::View {
        void open_item(std::span<const std::uint8_t>, std::span<const std::uint8_t>,
                       std::string_view) override {}
        void set_annotations(std::span<const std::uint8_t>) override {}
        void frame(const tessera_host_ui_t&, tessera_ui_t*, const tessera_view_state_t&) override {}
    };
    struct Toolless final : tessera::cpp::PluginBase {
        void init() override {
            set_view({.name = "Blank", .media_kinds = "Image"}, std::make_unique<Blank>());
        }
    };
    Toolless plugin;
    CHECK_THROWS_WITH(plugin.init(), Catch::Contains("set_view(): the view has no tools"));
    CHECK(plugin.view() == nullptr);
}

namespace {

// A host whose tessera.host.project/1 hands out `schema` in chunks of
// `chunk` bytes, or refuses with `status`.
struct SchemaHost {
    SchemaHost() {
        host = tessera_host_t{
            .sdk_version = TESSERA_VERSION_INIT,
            .host_data = this,
            .name = "schema-test",
            .version = "0.0.0",
            .get_extension = &get_extension,
        };
    }
    static const void* TESSERA_ABI get_extension(const tessera_host_t* host, const char* id) {
        static const tessera_host_project_t project = [] {
            tessera_host_project_t offered{};
            offered.read_label_schema = &read_label_schema;
            return offered;
        }();
        const bool offered = static_cast<const SchemaHost*>(host->host_data)->offers_project;
        return offered && std::strcmp(id, TESSERA_EXT_HOST_PROJECT) == 0 ? &project : nullptr;
    }
    static tessera_status_t TESSERA_ABI read_label_schema(const tessera_host_t* host,
                                                          const tessera_bytes_sink_t* out) {
        const auto& self = *static_cast<const SchemaHost*>(host->host_data);
        for (std::size_t at = 0; at < self.schema.size(); at += self.chunk) {
            const std::size_t size = std::min(self.chunk, self.schema.size() - at);
            if (!out->write(out, self.schema.data() + at, size)) return TESSERA_ABORTED;
        }
        return self.status;
    }

    tessera_host_t host{};
    bool offers_project = true;
    std::vector<std::uint8_t> schema;
    std::size_t chunk = 7;
    tessera_status_t status = TESSERA_OK;
};

}  // namespace

TEST_CASE(
    "C++ helpers: Host::read_label_schema() returns the project's schema verified, or nothing") {
    const auto packed = empty_schema();
    SchemaHost fake;
    fake.schema.assign(packed.data(), packed.data() + packed.size());
    const tessera::cpp::Host host(&fake.host);

    const std::vector<std::uint8_t> schema = host.read_label_schema();
    CHECK(schema == fake.schema);  // put together from its chunks
    REQUIRE(!schema.empty());
    CHECK(v1::GetLabelSchema(schema.data())->id()->str() == "test.schema");

    fake.status = TESSERA_ERROR;
    CHECK(host.read_label_schema().empty());
    fake.status = TESSERA_OK;
    fake.schema.assign(fake.schema.size(), 0x5A);  // not a LabelSchema
    CHECK(host.read_label_schema().empty());
    fake.offers_project = false;
    CHECK(host.read_label_schema().empty());
    CHECK(tessera::cpp::Host().read_label_schema().empty());
}

TEST_CASE("c_minimal sample: warns about an item without annotations, only then") {
    FakeHost host;
    Loaded lib("c_minimal", host);
    REQUIRE(lib.plugin->init(lib.plugin));
    CHECK(lib.plugin->get_extension(lib.plugin, TESSERA_EXT_LABEL_SCHEMA) == nullptr);
    const tessera_plugin_qa_rules_t* rules = lib.rules();
    REQUIRE(rules != nullptr);
    REQUIRE(rules->count(lib.plugin) == 1);
    const auto schema = empty_schema();
    const auto item = image_item();

    const auto empty = annotation_set({});
    QaRun empty_run(schema, item, empty);
    REQUIRE(rules->check_item(lib.plugin, &empty_run.context) == TESSERA_OK);
    REQUIRE(empty_run.findings.size() == 1);
    CHECK(empty_run.findings[0].rule == "com.example.c-minimal.not-empty");
    CHECK(empty_run.findings[0].annotations.empty());
    CHECK(empty_run.findings[0].message == "item has no annotations");

    const auto scene = traffic_scene();
    QaRun full_run(schema, item, scene);
    REQUIRE(rules->check_item(lib.plugin, &full_run.context) == TESSERA_OK);
    CHECK(full_run.findings.empty());

    // An AnnotationSet with the annotations field absent altogether.
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishAnnotationSetBuffer(builder, v1::CreateAnnotationSet(builder, 7));
    const auto bare = builder.Release();
    QaRun bare_run(schema, item, bare);
    REQUIRE(rules->check_item(lib.plugin, &bare_run.context) == TESSERA_OK);
    CHECK(bare_run.findings.size() == 1);

    // A buffer that is not an AnnotationSet fails the rule, not the call.
    QaRun swapped(schema, item, item);
    CHECK(rules->check_item(lib.plugin, &swapped.context) == TESSERA_OK);
    CHECK(swapped.findings.empty());
    CHECK(swapped.failures == std::vector<std::pair<std::string, std::string>>{
                                  {"com.example.c-minimal.not-empty",
                                   "the AnnotationSet buffer is not a tessera.v1.AnnotationSet"}});
}
