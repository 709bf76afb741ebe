// The QA engine: runs every enabled rule over every item of a project, turns a
// failing rule into a finding about it, applies the project's rule settings,
// and gives the same report whatever the number of threads. Also the "qa"
// section of tessera-project.json.

#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <stdexcept>
#include <stop_token>

#include "builtin_rules.hpp"
#include "core/error.hpp"
#include "core/verify.hpp"
#include "qa/engine.hpp"
#include "store/project.hpp"
#include "store/project_file.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tessera;
using Catch::Matchers::Contains;

/// A provider whose one rule runs `body` on every item.
class FakeProvider final : public qa::RuleProvider {
public:
    using Body = std::function<void(const qa::ItemInput&, qa::FindingSink&)>;
    FakeProvider(std::string plugin, std::string rule, Body body, bool fail_to_start = false)
        : plugin_(std::move(plugin)), body_(std::move(body)), fail_to_start_(fail_to_start) {
        infos_.push_back({std::move(rule), "a test rule", qa::Severity::Warning});
    }
    std::string_view plugin_id() const override { return plugin_; }
    std::span<const qa::RuleInfo> rules() const override { return infos_; }
    std::unique_ptr<qa::ItemChecker> make_checker(const qa::RunConfig&) const override {
        if (fail_to_start_) throw Error("out of Lua states");
        struct Checker final : qa::ItemChecker {
            const Body& body;
            explicit Checker(const Body& b) : body(b) {}
            void check(const qa::ItemInput& input, qa::FindingSink& sink) override {
                body(input, sink);
            }
        };
        return std::make_unique<Checker>(body_);
    }

private:
    std::string plugin_;
    std::vector<qa::RuleInfo> infos_;
    Body body_;
    bool fail_to_start_;
};

std::unique_ptr<v1::AnnotationT> box(std::uint64_t id, std::string label, double left,
                                     double right) {
    auto a = std::make_unique<v1::AnnotationT>();
    a->id = id;
    a->label = std::move(label);
    v1::BoxT b;
    b.left = left, b.top = 10, b.right = right, b.bottom = 60;
    a->geometry.Set(std::move(b));
    return a;
}

/// A project of `items` images: item i has a valid car box, every 3rd item a
/// zero-width box, every 5th item a box sticking out of the image.
store::Project make_project(const std::filesystem::path& dir, int items) {
    store::Project project = store::Project::create(dir, "qa");
    store::Transaction transaction = project.begin();
    v1::LabelSchemaT schema;
    auto car = std::make_unique<v1::LabelClassT>();
    car->key = "car";
    schema.classes.push_back(std::move(car));
    transaction.set_label_schema(schema);
    for (int i = 1; i <= items; ++i) {
        v1::ItemT item;
        item.media = std::make_unique<v1::MediaT>();
        item.media->kind = v1::MediaKind::Image;
        item.media->uri = "img/" + std::to_string(i) + ".jpg";
        item.media->width = 640, item.media->height = 480;
        const store::ItemId id = transaction.add_item(item);
        v1::AnnotationSetT set;
        set.item = id;
        store::AnnotationId next = transaction.allocate_annotation_ids(3);
        set.annotations.push_back(box(next++, "car", 10, 100));
        if (i % 3 == 0) set.annotations.push_back(box(next++, "car", 200, 200));
        if (i % 5 == 0) set.annotations.push_back(box(next++, "car", 600, 700));
        transaction.set_annotations(id, set);
    }
    transaction.commit();
    return project;
}

qa::Report run(const store::Project& project, std::vector<const qa::RuleProvider*> providers,
               const qa::RuleSettings& settings = {}, qa::RunOptions options = {}) {
    if (!options.threads) options.threads = 2;
    qa::Report report = qa::run(project, providers, settings, options);
    // The report is a valid QaReport buffer.
    (void)verified_root<v1::QaReport>(report.buffer, v1::QaReportIdentifier(), "report");
    return report;
}

std::vector<const v1::Finding*> findings_of(const qa::Report& report, std::string_view rule) {
    std::vector<const v1::Finding*> out;
    if (const auto* all = report.root().findings())
        for (const v1::Finding* f : *all)
            if (f->rule()->string_view() == rule) out.push_back(f);
    return out;
}

std::vector<std::string> rules_of(const qa::Report& report) {
    std::vector<std::string> out;
    for (const auto* id : *report.root().rules()) out.push_back(id->str());
    return out;
}

}  // namespace

TEST_CASE("qa engine: every item is inspected and findings come ordered", "[qa][engine]") {
    test::TempDir temp;
    const store::Project project = make_project(temp / "p", 30);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
    qa::RunOptions options;
    options.progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.emplace_back(done, total);
    };
    const qa::Report report = run(project, {&rules::builtin_rules()}, {}, options);
    const v1::QaReport& root = report.root();
    CHECK(root.items_checked() == 30);
    CHECK(root.annotations_checked() == 30 + 10 + 6);
    CHECK(root.time() > 1'700'000'000'000);
    CHECK(rules_of(report).size() == rules::builtin_rules().rules().size());
    const auto degenerate = findings_of(report, "builtin.degenerate-geometry");
    const auto outside = findings_of(report, "builtin.outside-image");
    CHECK(degenerate.size() == 10);
    CHECK(outside.size() == 6);
    CHECK(report.errors == 16);
    // Ordered by item, then rule.
    const auto* all = root.findings();
    for (flatbuffers::uoffset_t i = 1; i < all->size(); ++i) {
        const auto* a = all->Get(i - 1);
        const auto* b = all->Get(i);
        CHECK((a->item() < b->item() ||
               (a->item() == b->item() && a->rule()->str() <= b->rule()->str())));
    }
    REQUIRE(!progress.empty());
    CHECK(progress.back() == std::pair<std::uint64_t, std::uint64_t>{30, 30});
    CHECK(report.uris.at(15) == "img/15.jpg");
}

TEST_CASE("qa engine: a stop request ends the run early", "[qa][engine]") {
    test::TempDir temp;
    const store::Project project = make_project(temp / "p", 700);  // several batches
    // The project's items, asking the run to stop once the 300th is read.
    struct Source final : qa::ItemSource {
        const store::Project& project;
        std::vector<store::ItemSummary> items;
        std::stop_source stop;
        std::size_t next_index = 0;
        explicit Source(const store::Project& p) : project(p), items(p.items()) {}
        std::uint64_t count() const override { return items.size(); }
        bool next(qa::ItemBuffers& out) override {
            if (next_index == items.size()) return false;
            const store::ItemId id = items[next_index++].id;
            if (next_index == 300) stop.request_stop();
            out.owned_item = project.item(id);
            out.owned_annotations = project.annotations(id);
            out.item = out.owned_item;
            out.annotations = out.owned_annotations;
            return true;
        }
    } source(project);
    qa::RunOptions options;
    options.threads = 2;
    options.stop = source.stop.get_token();
    const store::Bytes schema = project.label_schema();
    const std::vector<const qa::RuleProvider*> providers{&rules::builtin_rules()};
    const qa::Report stopped = qa::run(source, schema, providers, {}, options);
    // The batch being read when the stop came is checked; no later one is read.
    CHECK(stopped.root().items_checked() == 512);
    CHECK(source.next_index == 512);
    // Stopped before it starts: nothing is read or checked.
    source.next_index = 0;
    CHECK(qa::run(source, schema, providers, {}, options).root().items_checked() == 0);
    CHECK(source.next_index == 0);
}

TEST_CASE("qa engine: 1 and 2 threads give the same report", "[qa][engine]") {
    test::TempDir temp;
    const store::Project project = make_project(temp / "p", 700);  // several batches
    const FakeProvider counter("test.counter", "test.every-7th",
                               [](const qa::ItemInput& input, qa::FindingSink& sink) {
                                   if (input.item.id() % 7 == 0)
                                       sink.report("test.every-7th", {}, "seventh item");
                                   if (input.item.id() % 50 == 0)
                                       throw std::runtime_error("fiftieth item");
                               });
    qa::RunOptions one, two;
    one.threads = 1, two.threads = 2;
    one.default_plugins = two.default_plugins = {"test.counter"};
    v1::QaReportT a, b;
    run(project, {&rules::builtin_rules(), &counter}, {}, one).root().UnPackTo(&a);
    run(project, {&rules::builtin_rules(), &counter}, {}, two).root().UnPackTo(&b);
    CHECK(a.items_checked == 700);
    CHECK(a.findings.size() == 233 + 140 + 100 + 14);
    a.time = b.time = 0;
    CHECK(a == b);
}

TEST_CASE("qa engine: a failing rule becomes a finding about it; others still run",
          "[qa][engine]") {
    test::TempDir temp;
    const store::Project project = make_project(temp / "p", 6);
    const FakeProvider thrower("test.thrower", "test.throws",
                               [](const qa::ItemInput& input, qa::FindingSink&) {
                                   if (input.item.id() == 2)
                                       throw std::runtime_error("index out of range");
                               });
    const FakeProvider failer("test.failer", "test.fails",
                              [](const qa::ItemInput& input, qa::FindingSink& sink) {
                                  if (input.item.id() == 4)
                                      sink.rule_failed("test.fails", "instruction budget exceeded");
                              });
    const FakeProvider broken("test.broken", "test.never", {}, /*fail_to_start=*/true);
    qa::RunOptions options;
    options.default_plugins = {"test.thrower", "test.failer", "test.broken"};
    const qa::Report report =
        run(project, {&rules::builtin_rules(), &thrower, &failer, &broken}, {}, options);

    const auto thrown = findings_of(report, "test.throws");
    REQUIRE(thrown.size() == 1);
    CHECK(thrown[0]->item() == 2);
    CHECK(thrown[0]->severity() == v1::Severity::Error);  // not the rule's Warning
    CHECK(thrown[0]->message()->str() == "rule test.throws failed on item 2: index out of range");

    const auto failed = findings_of(report, "test.fails");
    REQUIRE(failed.size() == 1);
    CHECK(failed[0]->item() == 4);
    CHECK(failed[0]->message()->str() ==
          "rule test.fails failed on item 4: instruction budget exceeded");

    const auto never = findings_of(report, "test.never");
    REQUIRE(never.size() == 1);
    CHECK(never[0]->item() == 0);
    CHECK(never[0]->message()->str() == "rule test.never failed to start: out of Lua states");
    const auto ran = rules_of(report);
    CHECK(std::find(ran.begin(), ran.end(), "test.never") == ran.end());
    CHECK(std::find(ran.begin(), ran.end(), "test.throws") != ran.end());

    // The built-in rules still ran over every item.
    CHECK(report.root().items_checked() == 6);
    CHECK(findings_of(report, "builtin.degenerate-geometry").size() == 2);
}

TEST_CASE("qa engine: project settings change severity, disable and enable rules", "[qa][engine]") {
    test::TempDir temp;
    const store::Project project = make_project(temp / "p", 10);
    const FakeProvider extra("test.extra", "test.always",
                             [](const qa::ItemInput&, qa::FindingSink& sink) {
                                 sink.report("test.always", {}, "always");
                             });
    const std::vector<const qa::RuleProvider*> providers{&rules::builtin_rules(), &extra};

    SECTION("by default the built-in rules run, a plugin's rules do not") {
        const qa::Report report = run(project, providers);
        CHECK(findings_of(report, "test.always").empty());
        CHECK(findings_of(report, "builtin.degenerate-geometry").size() == 3);
    }
    SECTION("settings override severity and enablement") {
        qa::RuleSettings settings;
        settings["builtin.degenerate-geometry"].severity = qa::Severity::Info;
        settings["builtin.outside-image"].enabled = false;
        settings["test.always"].enabled = true;
        const qa::Report report = run(project, providers, settings);
        const auto degenerate = findings_of(report, "builtin.degenerate-geometry");
        REQUIRE(degenerate.size() == 3);
        CHECK(degenerate[0]->severity() == v1::Severity::Info);
        CHECK(findings_of(report, "builtin.outside-image").empty());
        CHECK(findings_of(report, "test.always").size() == 10);
        CHECK(findings_of(report, "test.always")[0]->severity() == v1::Severity::Warning);
        const auto ran = rules_of(report);
        CHECK(std::find(ran.begin(), ran.end(), "builtin.outside-image") == ran.end());
        CHECK(report.infos == 3);
    }
    SECTION("only_rules runs exactly the rules named, a plugin id naming all its rules") {
        qa::RunOptions options;
        options.only_rules = {"test.extra", "builtin.outside-image"};
        const qa::Report report = run(project, providers, {}, options);
        CHECK(rules_of(report) == std::vector<std::string>{"builtin.outside-image", "test.always"});
        CHECK(findings_of(report, "builtin.degenerate-geometry").empty());
        CHECK(findings_of(report, "builtin.outside-image").size() == 2);
        CHECK(findings_of(report, "test.always").size() == 10);
    }
    SECTION("an unknown rule id is an error listing the known ones") {
        qa::RunOptions options;
        options.only_rules = {"builtin.no-such-rule"};
        CHECK_THROWS_WITH(run(project, providers, {}, options),
                          Contains("rule \"builtin.no-such-rule\" is not a known QA rule") &&
                              Contains("builtin.near-duplicate, ") && Contains("test.always"));
        qa::RuleSettings settings;
        settings["driving.light-state"].enabled = false;
        CHECK_THROWS_WITH(run(project, providers, settings),
                          Contains("qa.rules \"driving.light-state\" is not a known QA rule"));
    }
    SECTION("a parameter that is not a number fails the rules, not the run") {
        qa::RuleSettings settings;
        settings["builtin.near-duplicate"].params["iou"] = "high";
        const qa::Report report = run(project, providers, settings);
        const auto failed = findings_of(report, "builtin.near-duplicate");
        REQUIRE(!failed.empty());
        CHECK_THAT(failed[0]->message()->str(),
                   Contains("rule builtin.near-duplicate: parameter \"iou\" is \"high\", "
                            "expected a number"));
    }
}

TEST_CASE("qa engine: the JSON report names rule, severity, item, uri and fix", "[qa][engine]") {
    test::TempDir temp;
    const store::Project project = make_project(temp / "p", 5);
    const std::string json = qa::report_json(run(project, {&rules::builtin_rules()}));
    CHECK_THAT(json, Contains("\"items_checked\": 5,\n  \"annotations_checked\": 7,\n  "
                              "\"errors\": 2,"));
    CHECK_THAT(json, Contains("{\"rule\": \"builtin.outside-image\", \"severity\": \"error\", "
                              "\"item\": 5, \"uri\": \"img/5.jpg\", \"annotations\": [14], "
                              "\"message\": \"box (600, 10, 700, 60) extends outside the 640 x "
                              "480 image\", \"fix\": \"clamp the box to (600, 10, 640, 60)\"}"));
}

TEST_CASE("project file: the qa section and the schema are read and written back", "[qa][store]") {
    test::TempDir temp;
    const auto file = temp / "tessera-project.json";
    std::ofstream(file) << R"({
  "tessera_project": 1,
  "name": "speech",
  "schema": "tessera.speech",
  "qa": {
    "rules": {
      "builtin.near-duplicate": { "severity": "warning", "params": { "iou": 0.9, "mode": "strict" } },
      "driving.light-state": { "enabled": false }
    },
    "later": 1
  }
})";
    const store::ProjectFile read = store::read_project_file(file);
    CHECK(read.schema == "tessera.speech");
    REQUIRE(read.qa_rules.size() == 2);
    const qa::RuleSetting& duplicate = read.qa_rules.at("builtin.near-duplicate");
    CHECK(duplicate.severity == qa::Severity::Warning);
    CHECK(!duplicate.enabled);
    CHECK(duplicate.params.at("iou") == "0.9");
    CHECK(duplicate.params.at("mode") == "strict");
    CHECK(read.qa_rules.at("driving.light-state").enabled == false);

    store::write_project_file(file, read);
    const store::ProjectFile again = store::read_project_file(file);
    CHECK(again.schema == "tessera.speech");
    CHECK(again.qa_rules.at("builtin.near-duplicate").params == duplicate.params);
    CHECK(again.qa_rules.at("builtin.near-duplicate").severity == qa::Severity::Warning);
    CHECK(again.qa_rules.at("driving.light-state").enabled == false);
}

TEST_CASE("project file: a bad qa section is refused with its position", "[qa][store]") {
    test::TempDir temp;
    const auto file = temp / "tessera-project.json";
    const auto refused = [&](const std::string& qa) {
        std::ofstream(file) << "{\n  \"tessera_project\": 1,\n  \"name\": \"x\",\n  \"qa\": " << qa
                            << "\n}\n";
        try {
            (void)store::read_project_file(file);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK_THAT(refused(R"({ "rules": { "builtin.near-duplicate": { "severity": "fatal" } } })"),
               Contains("tessera-project.json:4:62: qa.rules.builtin.near-duplicate.severity: "
                        "expected error, warning or info"));
    CHECK_THAT(refused(R"({ "rules": { "a.b": { "enabled": "yes" } } })"),
               Contains("tessera-project.json:4:42: qa.rules.a.b.enabled: expected true or false"));
    CHECK_THAT(refused(R"({ "rules": { "a.b": { "severty": "info" } } })"),
               Contains("qa.rules.a.b.severty: unknown key, expected enabled, severity or params"));
    CHECK_THAT(refused(R"({ "rules": { "a.b": { "params": { "iou": [1] } } } })"),
               Contains("qa.rules.a.b.params.iou: expected a number, a string or a boolean"));
    CHECK_THAT(refused(R"({ "rules": [] })"), Contains("qa.rules: expected an object"));
}
