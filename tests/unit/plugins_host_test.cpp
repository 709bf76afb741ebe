// What a host does with plugins once loaded: built-in plugins listed and used
// by name, a native plugin's QA rules run through the engine's interfaces
// (findings, dropped foreign findings, a failing rule), and the host's
// tessera.host.project/1 reading items and applying edit batches.

#include <catch2/catch.hpp>

#include <mutex>
#include <string>
#include <vector>

#include "builtin_formats.hpp"
#include "core/data_api.hpp"
#include "core/error.hpp"
#include "loader/loader.hpp"
#include "store/project.hpp"
#include "support/plugin_log.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tessera;
using Catch::Matchers::Contains;
using plugins::PluginHost;
using plugins::State;

const std::filesystem::path kPlugins = TESSERA_TEST_PLUGIN_DIR;

template <class T, class Finish>
std::vector<std::uint8_t> pack(const T& table, Finish finish) {
    flatbuffers::FlatBufferBuilder builder;
    finish(builder, T::TableType::Pack(builder, &table));
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

class Config final : public qa::RunConfig {
public:
    std::map<std::string, std::string, std::less<>> params;
    bool enabled(std::string_view) const override { return true; }
    std::optional<std::string_view> param(std::string_view, std::string_view key) const override {
        const auto it = params.find(key);
        if (it == params.end()) return std::nullopt;
        return it->second;
    }
};

struct Finding {
    std::string rule;
    std::vector<std::uint64_t> annotations;
    std::string message;
    std::string fix;
    bool failed = false;
};

class Sink final : public qa::FindingSink {
public:
    std::vector<Finding> findings;
    void report(std::string_view rule, std::span<const std::uint64_t> annotations,
                std::string_view message, std::string_view fix) override {
        findings.push_back({std::string(rule),
                            {annotations.begin(), annotations.end()},
                            std::string(message),
                            std::string(fix),
                            false});
    }
    void rule_failed(std::string_view rule, std::string_view message) override {
        findings.push_back({std::string(rule), {}, std::string(message), {}, true});
    }
};

/// An item with one box and the buffers a checker receives.
struct Input {
    std::vector<std::uint8_t> schema =
        pack(v1::LabelSchemaT{}, [](auto& b, auto r) { v1::FinishLabelSchemaBuffer(b, r); });
    std::vector<std::uint8_t> item;
    std::vector<std::uint8_t> annotations =
        pack(v1::AnnotationSetT{}, [](auto& b, auto r) { v1::FinishAnnotationSetBuffer(b, r); });
    Input() {
        v1::ItemT t;
        t.id = 7;
        item = pack(t, [](auto& b, auto r) { v1::FinishItemBuffer(b, r); });
    }
    qa::ItemInput view() const {
        return {schema,
                item,
                annotations,
                *flatbuffers::GetRoot<v1::LabelSchema>(schema.data()),
                *flatbuffers::GetRoot<v1::Item>(item.data()),
                *flatbuffers::GetRoot<v1::AnnotationSet>(annotations.data())};
    }
};

using Log = tessera::test::PluginLog;

/// A rule provider standing in for the built-in rules (plugins/rules).
class StaticRules final : public qa::RuleProvider {
public:
    std::string_view plugin_id() const override { return "tessera.builtin"; }
    std::span<const qa::RuleInfo> rules() const override { return rules_; }
    std::unique_ptr<qa::ItemChecker> make_checker(const qa::RunConfig&) const override {
        return nullptr;
    }

private:
    std::vector<qa::RuleInfo> rules_{
        {"builtin.label-unknown", "label not in schema", qa::Severity::Error},
        {"test.good.check", "clashes with the test plugin", qa::Severity::Info}};
};

struct Collect {
    tessera_bytes_sink_t sink{
        this, [](const tessera_bytes_sink_t* s, const std::uint8_t* data, std::size_t size) {
            auto& self = *static_cast<Collect*>(s->ctx);
            self.bytes.insert(self.bytes.end(), data, data + size);
            return true;
        }};
    std::vector<std::uint8_t> bytes;
};

}  // namespace

TEST_CASE("plugins: a native plugin's rule reports findings through the engine's sink",
          "[plugins]") {
    Log log;
    PluginHost host;
    host.set_log(log.fn());
    REQUIRE(host.load_folder(kPlugins / "good").state == State::Loaded);
    const qa::RuleProvider& rules = *host.rule_providers().at(0);
    Config config;
    config.params = {{"message", "two boxes overlap"}, {"foreign", "1"}};
    const auto checker = rules.make_checker(config);
    const Input input;
    Sink sink;
    checker->check(input.view(), sink);
    // The finding naming another plugin's rule was dropped with a warning.
    REQUIRE(sink.findings.size() == 1);
    CHECK(sink.findings[0].rule == "test.good.check");
    CHECK(sink.findings[0].annotations == std::vector<std::uint64_t>{1, 2});
    CHECK(sink.findings[0].message ==
          "two boxes overlap (item of " + std::to_string(input.item.size()) + " bytes)");
    CHECK(sink.findings[0].fix == "relabel them");
    CHECK_FALSE(sink.findings[0].failed);
    const std::lock_guard lock(log.mutex);
    CHECK(std::count(log.lines.begin(), log.lines.end(),
                     "[test.good] finding of rule \"someone.else.rule\" dropped: it is not a rule "
                     "of this plugin") == 1);
}

TEST_CASE("plugins: a rule returning an error status becomes a finding about the rule",
          "[plugins]") {
    PluginHost host;
    host.set_log([](auto, auto, auto) {});
    REQUIRE(host.load_folder(kPlugins / "rule-fails").state == State::Loaded);
    const Config config;
    const auto checker = host.rule_providers().at(0)->make_checker(config);
    Sink sink;
    checker->check(Input().view(), sink);
    REQUIRE(sink.findings.size() == 1);
    CHECK(sink.findings[0].failed);
    CHECK(sink.findings[0].rule == "test.rule-fails.check");
    CHECK(sink.findings[0].message ==
          "plugin test.rule-fails: check_item() returned status 1: the rule's lookup table is "
          "missing");
}

TEST_CASE("plugins: a C++ rule that throws fails only itself, the plugin's other rule reports",
          "[plugins]") {
    Log log;
    PluginHost host;
    host.set_log(log.fn());
    // tests/sdk/throwing: rules test.throws-std, test.throws-int, test.bad-param (reads
    // parameter "limit" as a number) and test.counts (reports the number of annotations).
    const std::filesystem::path folder =
        std::filesystem::path(TESSERA_SDK_TEST_PLUGIN_DIR) / "sdk_throwing";
    REQUIRE(host.load_folder(folder).state == State::Loaded);
    Config config;
    config.params = {{"limit", "12abc"}};
    const auto checker = host.rule_providers().at(0)->make_checker(config);
    Sink sink;
    checker->check(Input().view(), sink);
    REQUIRE(sink.findings.size() == 4);
    CHECK(sink.findings[0].rule == "test.throws-std");
    CHECK(sink.findings[0].failed);
    CHECK(sink.findings[0].message == "plugin test.sdk.throwing: the std exception's message");
    CHECK(sink.findings[1].rule == "test.throws-int");
    CHECK(sink.findings[1].failed);
    CHECK(sink.findings[1].message == "plugin test.sdk.throwing: unknown exception");
    CHECK(sink.findings[2].rule == "test.bad-param");
    CHECK(sink.findings[2].failed);
    CHECK_THAT(sink.findings[2].message, Contains("parameter limit = \"12abc\" is not a number"));
    CHECK(sink.findings[3].rule == "test.counts");
    CHECK_FALSE(sink.findings[3].failed);
    CHECK(sink.findings[3].message == "0 annotations");
}

TEST_CASE("plugins: built-in formats and rules are listed as built-in plugins and used by name",
          "[plugins]") {
    Log log;
    PluginHost host;
    host.set_log(log.fn());
    for (const formats::Format* format : {&formats::coco_format(), &formats::yolo_format(),
                                          &formats::voc_format(), &formats::labelme_format()})
        host.add_builtin({.id = "tessera.format." + std::string(format->name),
                          .name = std::string(format->name),
                          .version = "0.1.0",
                          .formats = {*format}});
    const StaticRules builtin_rules;
    host.add_builtin({.id = "tessera.builtin", .name = "Built-in rules", .rules = &builtin_rules});

    REQUIRE(host.plugins().size() == 5);
    for (const plugins::PluginRecord& record : host.plugins()) {
        CHECK(record.kind == plugins::Kind::Builtin);
        CHECK(record.state == State::Loaded);
        CHECK(record.folder.empty());
    }
    CHECK(host.plugins()[0].id == "tessera.format.coco");
    CHECK(host.plugins()[0].extensions == std::vector<std::string>{"tessera.format/1"});
    CHECK(host.plugins()[4].extensions == std::vector<std::string>{"tessera.qa-rules/1"});
    REQUIRE(host.formats().all().size() == 4);
    CHECK(host.formats().find("voc") != nullptr);
    CHECK(host.formats().find("voc")->description == formats::voc_format().description);
    CHECK(host.rule_providers() == std::vector<const qa::RuleProvider*>{&builtin_rules});

    // A plugin cannot take a built-in's id, and the first owner of a rule id keeps it.
    const plugins::PluginRecord& clash = host.add_builtin({.id = "tessera.format.coco"});
    CHECK(clash.state == State::Refused);
    CHECK_THAT(clash.reason,
               Contains("duplicate id tessera.format.coco, already loaded built into the host"));
    const plugins::PluginRecord& rule_clash = host.load_folder(kPlugins / "good");
    CHECK(rule_clash.state == State::Refused);
    CHECK_THAT(rule_clash.reason,
               Contains("QA rule \"test.good.check\" is already provided by tessera.builtin"));
}

TEST_CASE("plugins: tessera.host.project/1 reads the open project and applies edit batches",
          "[plugins]") {
    const test::TempDir dir;
    store::Project project = store::Project::create(dir / "p", "hosted");
    {
        store::Transaction transaction = project.begin();
        v1::ItemT item;
        item.media = std::make_unique<v1::MediaT>();
        item.media->kind = v1::MediaKind::Image;
        item.media->uri = "a.jpg";
        (void)transaction.add_item(item);
        item.media->uri = "b.jpg";
        (void)transaction.add_item(item);
        transaction.commit();
    }
    Log log;
    plugins::HostExtensions extensions;
    extensions.set_log(log.fn());
    const tessera_host_t* host = extensions.host_for("com.example.hosted");
    CHECK(host->get_extension(host, TESSERA_EXT_HOST_PROJECT) == nullptr);  // no project yet

    const auto* logger =
        static_cast<const tessera_host_log_t*>(host->get_extension(host, TESSERA_EXT_HOST_LOG));
    REQUIRE(logger != nullptr);
    logger->log(host, nullptr, TESSERA_LOG_INFO, "counting items");
    CHECK(log.lines == std::vector<std::string>{"[com.example.hosted] counting items"});

    extensions.attach_project(&project);
    const auto* api = static_cast<const tessera_host_project_t*>(
        host->get_extension(host, TESSERA_EXT_HOST_PROJECT));
    REQUIRE(api != nullptr);
    CHECK(api->item_count(host) == 2);
    std::uint64_t ids[4] = {};
    REQUIRE(api->list_items(host, 0, ids, 4) == 2);
    CHECK(ids[0] == 1);
    CHECK(ids[1] == 2);
    CHECK(api->list_items(host, 1, ids, 4) == 1);
    CHECK(ids[0] == 2);

    Collect item;
    REQUIRE(api->read_item(host, 2, &item.sink) == TESSERA_OK);
    CHECK(flatbuffers::GetRoot<v1::Item>(item.bytes.data())->media()->uri()->str() == "b.jpg");
    Collect missing;
    CHECK(api->read_item(host, 99, &missing.sink) == TESSERA_NOT_FOUND);
    CHECK_THAT(api->get_last_error(host), Contains("item 99 does not exist"));
    Collect schema;
    CHECK(api->read_label_schema(host, &schema.sink) == TESSERA_OK);
    CHECK(flatbuffers::BufferHasIdentifier(schema.bytes.data(), v1::LabelSchemaIdentifier()));

    // One batch adding a box to item 2, as a plugin would submit it.
    v1::EditBatchT batch;
    batch.author = "com.example.hosted";
    v1::AddAnnotationT add;
    add.item = 2;
    add.annotation = std::make_unique<v1::AnnotationT>();
    add.annotation->label = "cat";
    v1::BoxT box;
    box.left = 1;
    box.top = 2;
    box.right = 30;
    box.bottom = 40;
    add.annotation->geometry.Set(std::move(box));
    batch.ops.push_back(std::make_unique<v1::EditOpT>());
    batch.ops.back()->edit.Set(std::move(add));
    const auto bytes = pack(batch, [](auto& b, auto r) { v1::FinishEditBatchBuffer(b, r); });
    std::uint64_t seq = 0;
    REQUIRE(api->submit_edits(host, {bytes.data(), bytes.size()}, &seq) == TESSERA_OK);
    CHECK(seq == 1);
    Collect annotations;
    REQUIRE(api->read_annotations(host, 2, &annotations.sink) == TESSERA_OK);
    const auto* set = flatbuffers::GetRoot<v1::AnnotationSet>(annotations.bytes.data());
    REQUIRE(set->annotations()->size() == 1);
    CHECK(set->annotations()->Get(0)->label()->str() == "cat");
    CHECK(set->annotations()->Get(0)->geometry_as_Box()->right() == 30.0);

    // A batch naming an item that does not exist changes nothing and says why.
    batch.ops.clear();
    v1::SetItemStateT state;
    state.item = 42;
    state.state = v1::ItemState::Accepted;
    batch.ops.push_back(std::make_unique<v1::EditOpT>());
    batch.ops.back()->edit.Set(std::move(state));
    const auto bad = pack(batch, [](auto& b, auto r) { v1::FinishEditBatchBuffer(b, r); });
    CHECK(api->submit_edits(host, {bad.data(), bad.size()}, nullptr) == TESSERA_ERROR);
    CHECK_THAT(api->get_last_error(host), Contains("42"));
    CHECK(project.journal_size() == 1);

    extensions.attach_project(nullptr);
    CHECK(host->get_extension(host, TESSERA_EXT_HOST_PROJECT) == nullptr);
    CHECK(api->item_count(host) == 0);
    CHECK(api->read_item(host, 1, &missing.sink) == TESSERA_ERROR);
    CHECK_THAT(api->get_last_error(host), Contains("no project is open"));
}
