// The project store: what goes in comes back out, edits are all-or-nothing,
// and broken or foreign projects give errors a user can act on.

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "core/data_api.hpp"
#include "core/error.hpp"
#include "store/project.hpp"
#include "store/project_file.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tessera;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using store::Bytes;
using store::Project;
using store::Transaction;

v1::ItemT make_item(std::string uri, std::uint32_t width = 640, std::uint32_t height = 480) {
    v1::ItemT item;
    item.media = std::make_unique<v1::MediaT>();
    item.media->kind = v1::MediaKind::Image;
    item.media->uri = std::move(uri);
    item.media->width = width;
    item.media->height = height;
    return item;
}

std::unique_ptr<v1::AnnotationT> make_box(std::uint64_t id, std::string label, double left,
                                          double top, double right, double bottom) {
    auto annotation = std::make_unique<v1::AnnotationT>();
    annotation->id = id;
    annotation->label = std::move(label);
    v1::BoxT box;
    box.left = left;
    box.top = top;
    box.right = right;
    box.bottom = bottom;
    annotation->geometry.Set(std::move(box));
    return annotation;
}

const v1::BoxT& box_of(const v1::AnnotationT& annotation) {
    REQUIRE(annotation.geometry.AsBox() != nullptr);
    return *annotation.geometry.AsBox();
}

/// Builds EditBatch buffers one op at a time.
struct Batch {
    v1::EditBatchT batch;

    explicit Batch(std::string comment = "test") {
        batch.author = "tester";
        batch.time = 1'700'000'000'000;
        batch.comment = std::move(comment);
    }
    template <class Op>
    Batch& op(Op&& edit) {
        batch.ops.emplace_back(std::make_unique<v1::EditOpT>())->edit.Set(std::forward<Op>(edit));
        return *this;
    }
    Batch& add(std::uint64_t item, std::unique_ptr<v1::AnnotationT> annotation) {
        v1::AddAnnotationT add;
        add.item = item;
        add.annotation = std::move(annotation);
        return op(std::move(add));
    }
    Batch& update(std::uint64_t item, std::unique_ptr<v1::AnnotationT> annotation) {
        v1::UpdateAnnotationT update;
        update.item = item;
        update.annotation = std::move(annotation);
        return op(std::move(update));
    }
    Batch& remove(std::uint64_t item, std::uint64_t annotation) {
        v1::DeleteAnnotationT remove;
        remove.item = item;
        remove.annotation = annotation;
        return op(std::move(remove));
    }
    Batch& state(std::uint64_t item, v1::ItemState state) {
        v1::SetItemStateT set;
        set.item = item;
        set.state = state;
        return op(std::move(set));
    }
    [[nodiscard]] Bytes bytes() const {
        flatbuffers::FlatBufferBuilder builder;
        v1::FinishEditBatchBuffer(builder, v1::CreateEditBatch(builder, &batch));
        return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
    }
};

v1::AnnotationSetT annotations_of(const Project& project, store::ItemId item) {
    const Bytes bytes = project.annotations(item);
    v1::AnnotationSetT set;
    flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data())->UnPackTo(&set);
    return set;
}

v1::EditBatchT journal_of(const Project& project, std::uint64_t seq) {
    const Bytes bytes = project.journal_entry(seq);
    v1::EditBatchT batch;
    flatbuffers::GetRoot<v1::EditBatch>(bytes.data())->UnPackTo(&batch);
    return batch;
}

std::vector<std::uint64_t> ids_of(const v1::AnnotationSetT& set) {
    std::vector<std::uint64_t> ids;
    for (const auto& a : set.annotations) ids.push_back(a->id);
    return ids;
}

/// Runs SQL on the project database behind the store's back.
void raw_sql(const std::filesystem::path& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    const std::string error = message != nullptr ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    INFO(error);
    REQUIRE(rc == SQLITE_OK);
}

/// A project with two images, 1 ("a.jpg") and 2 ("b.jpg"), and no annotations.
Project two_item_project(const std::filesystem::path& dir) {
    Project project = Project::create(dir, "two items");
    Transaction transaction = project.begin();
    REQUIRE(transaction.add_item(make_item("a.jpg")) == 1);
    REQUIRE(transaction.add_item(make_item("b.jpg")) == 2);
    transaction.commit();
    return project;
}

void require_error(const std::function<void()>& action, const std::string& expected_part) {
    try {
        action();
        FAIL("no error; expected one containing: " << expected_part);
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Contains(expected_part));
    }
}

}  // namespace

TEST_CASE("store: a created project reopens with its items, annotations and label schema",
          "[store]") {
    test::TempDir temp;
    const auto dir = temp / "traffic";
    {
        Project project = Project::create(dir, "traffic-2026-q4");
        Transaction transaction = project.begin();
        v1::ItemT item = make_item("images/中文 0001.jpg", 1920, 1080);
        for (const char* key : {"camera", "capture"}) {
            auto kv = std::make_unique<v1::KeyValueT>();
            kv->key = key;
            kv->value = std::string(key) + "-value";
            item.metadata.insert(item.metadata.begin(), std::move(kv));  // unsorted on purpose
        }
        const store::ItemId id = transaction.add_item(item);
        const store::AnnotationId first = transaction.allocate_annotation_ids(2);
        v1::AnnotationSetT set;
        set.annotations.push_back(make_box(first, "car", 10.5, 20, 110.25, 80));
        set.annotations.push_back(make_box(first + 1, "行人", 300, 40, 340, 160));
        transaction.set_annotations(id, set);
        v1::LabelSchemaT schema;
        schema.id = "tessera.driving";
        schema.version = "1.2.0";
        transaction.set_label_schema(schema);
        transaction.commit();
    }

    const Project project = Project::open(dir);
    CHECK(project.settings().name == "traffic-2026-q4");
    CHECK(project.settings().synchronous == "FULL");
    REQUIRE(project.item_count() == 1);
    const auto items = project.items();
    REQUIRE(items.size() == 1);
    CHECK(items[0].id == 1);
    CHECK(items[0].uri == "images/中文 0001.jpg");
    CHECK(items[0].kind == v1::MediaKind::Image);
    CHECK(items[0].state == v1::ItemState::New);
    CHECK(project.find_item("images/中文 0001.jpg") == std::optional<store::ItemId>(1));
    CHECK_FALSE(project.find_item("images/missing.jpg").has_value());

    const Bytes item_bytes = project.item(1);
    v1::ItemT item;
    flatbuffers::GetRoot<v1::Item>(item_bytes.data())->UnPackTo(&item);
    CHECK(item.id == 1);
    CHECK(item.media->width == 1920);
    CHECK(item.media->height == 1080);
    REQUIRE(item.metadata.size() == 2);
    CHECK(item.metadata[0]->key == "camera");  // the store sorts metadata by key
    CHECK(item.metadata[1]->value == "capture-value");

    const v1::AnnotationSetT set = annotations_of(project, 1);
    CHECK(set.item == 1);
    CHECK(set.revision == 1);
    REQUIRE(set.annotations.size() == 2);
    CHECK(set.annotations[0]->label == "car");
    CHECK(box_of(*set.annotations[0]).left == 10.5);
    CHECK(box_of(*set.annotations[0]).right == 110.25);
    CHECK(set.annotations[1]->label == "行人");
    CHECK(box_of(*set.annotations[1]).bottom == 160);

    const Bytes schema_bytes = project.label_schema();
    const auto* schema = flatbuffers::GetRoot<v1::LabelSchema>(schema_bytes.data());
    CHECK(schema->id()->str() == "tessera.driving");
    CHECK(schema->version()->str() == "1.2.0");

    // The project file is the documented, human-readable one.
    const store::ProjectFile file = store::read_project_file(dir / store::kProjectFileName);
    CHECK(file.settings.name == "traffic-2026-q4");
    CHECK(file.database == "project.db");

    require_error([&] { (void)Project::create(dir, "again"); }, "already holds a Tessera project");
}

TEST_CASE("store: an item without annotations or a project without schema reads as empty",
          "[store]") {
    test::TempDir temp;
    const Project project = two_item_project(temp / "p");
    const v1::AnnotationSetT set = annotations_of(project, 2);
    CHECK(set.item == 2);
    CHECK(set.revision == 0);
    CHECK(set.annotations.empty());
    const Bytes schema = project.label_schema();
    CHECK(flatbuffers::GetRoot<v1::LabelSchema>(schema.data())->classes() == nullptr);
    CHECK(project.journal_size() == 0);
    require_error([&] { (void)project.item(3); }, "item 3 does not exist");
    require_error([&] { (void)project.annotations(3); }, "item 3 does not exist");
}

TEST_CASE("store: adding a second item with the same media URI is refused", "[store]") {
    test::TempDir temp;
    Project project = two_item_project(temp / "p");
    Transaction transaction = project.begin();
    require_error([&] { (void)transaction.add_item(make_item("a.jpg")); },
                  "an item with media URI \"a.jpg\" already exists");
}

TEST_CASE("store: a set packed ahead (on any thread) is stored like an unpacked one", "[store]") {
    test::TempDir temp;
    Project project = two_item_project(temp / "p");
    v1::AnnotationSetT set;
    {
        Transaction transaction = project.begin();
        const store::AnnotationId first = transaction.allocate_annotation_ids(2);
        set.annotations.push_back(make_box(first, "car", 10.5, 20, 110.25, 80));
        set.annotations.push_back(make_box(first + 1, "行人", 300, 40, 340, 160));
        REQUIRE(transaction.annotations_revision(1) == 0);
        store::PackedAnnotations packed;
        std::thread([&] { packed = store::pack_annotations(1, 1, set); }).join();
        transaction.set_annotations(packed);
        // Packed for a revision the item is no longer at, or with ids missing.
        require_error(
            [&] { transaction.set_annotations(store::pack_annotations(1, 1, set)); },
            "item 1: annotations packed as revision 1, but the stored set is at revision 1");
        v1::AnnotationSetT unnumbered;
        unnumbered.annotations.push_back(make_box(0, "bus", 1, 1, 2, 2));
        require_error(
            [&] { transaction.set_annotations(store::pack_annotations(2, 1, unnumbered)); },
            "item 2: annotation \"bus\" has no id (allocate ids first)");
        require_error([&] { transaction.set_annotations(store::pack_annotations(9, 1, set)); },
                      "item 9 does not exist");
        transaction.commit();
    }
    const Bytes bytes = project.annotations(1);
    v1::AnnotationSetT stored;
    flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data())->UnPackTo(&stored);
    CHECK(stored.item == 1);
    CHECK(stored.revision == 1);
    REQUIRE(stored.annotations.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) CHECK(*stored.annotations[i] == *set.annotations[i]);
}

TEST_CASE("store: a dropped transaction leaves the project as it was", "[store]") {
    test::TempDir temp;
    Project project = two_item_project(temp / "p");
    {
        Transaction transaction = project.begin();
        (void)transaction.add_item(make_item("c.jpg"));
        transaction.set_state(1, v1::ItemState::Submitted);
    }
    CHECK(project.item_count() == 2);
    CHECK(project.items()[0].state == v1::ItemState::New);
    Transaction transaction = project.begin();
    CHECK(transaction.add_item(make_item("c.jpg")) == 3);
    transaction.commit();
}

TEST_CASE("store: a snapshot begun inside another is part of it", "[store]") {
    test::TempDir temp;
    Project project = Project::create(temp / "p", "snapshots");
    const Project reader = Project::open(temp / "p");
    {
        const store::ReadSnapshot outer(reader);
        {
            const store::ReadSnapshot inner(reader);  // as qa::run and validate take their own
            Transaction transaction = project.begin();
            (void)transaction.add_item(make_item("a.jpg"));
            transaction.commit();
            CHECK(reader.item_count() == 0);
        }
        CHECK(reader.item_count() == 0);  // still the outer snapshot's state
    }
    CHECK(reader.item_count() == 1);
}

TEST_CASE("store: apply adds, updates and deletes annotations and sets item states", "[store]") {
    test::TempDir temp;
    Project project = two_item_project(temp / "p");

    const std::uint64_t seq1 = project.apply(Batch("draw")
                                                 .add(1, make_box(0, "car", 0, 0, 10, 10))
                                                 .add(1, make_box(0, "bus", 5, 5, 50, 40))
                                                 .add(2, make_box(0, "car", 1, 2, 3, 4))
                                                 .state(1, v1::ItemState::InProgress)
                                                 .bytes());
    CHECK(seq1 == 1);
    v1::AnnotationSetT set1 = annotations_of(project, 1);
    CHECK(ids_of(set1) == std::vector<std::uint64_t>{1, 2});
    CHECK(set1.revision == 1);
    CHECK(ids_of(annotations_of(project, 2)) == std::vector<std::uint64_t>{3});

    const std::uint64_t seq2 = project.apply(Batch("fix")
                                                 .update(1, make_box(2, "truck", 6, 6, 60, 45))
                                                 .remove(1, 1)
                                                 .state(1, v1::ItemState::Submitted)
                                                 .bytes());
    CHECK(seq2 == 2);
    set1 = annotations_of(project, 1);
    REQUIRE(ids_of(set1) == std::vector<std::uint64_t>{2});
    CHECK(set1.annotations[0]->label == "truck");
    CHECK(box_of(*set1.annotations[0]).right == 60);
    CHECK(set1.revision == 2);
    CHECK(annotations_of(project, 2).revision == 1);  // untouched by the second batch

    CHECK(project.items()[0].state == v1::ItemState::Submitted);
    const auto counts = project.state_counts();
    CHECK(counts.at(v1::ItemState::Submitted) == 1);
    CHECK(counts.at(v1::ItemState::New) == 1);

    // The journal holds both batches in order, with the ids the store assigned.
    REQUIRE(project.journal_size() == 2);
    const v1::EditBatchT first = journal_of(project, 1);
    CHECK(first.comment == "draw");
    CHECK(first.author == "tester");
    REQUIRE(first.ops.size() == 4);
    CHECK(first.ops[0]->edit.AsAddAnnotation()->annotation->id == 1);
    CHECK(first.ops[2]->edit.AsAddAnnotation()->annotation->id == 3);
    CHECK(journal_of(project, 2).comment == "fix");
    require_error([&] { (void)project.journal_entry(3); }, "the journal has no entry 3");
}

TEST_CASE("store: an invalid edit batch changes nothing", "[store]") {
    test::TempDir temp;
    Project project = two_item_project(temp / "p");
    (void)project.apply(Batch().add(1, make_box(0, "car", 0, 0, 10, 10)).bytes());

    struct Case {
        const char* name;
        Batch batch;
        const char* error;
    };
    std::vector<Case> cases;
    cases.push_back({"unknown item", Batch(), "item 9 does not exist"});
    cases.back()
        .batch.add(1, make_box(0, "bus", 1, 1, 2, 2))
        .add(9, make_box(0, "bus", 1, 1, 2, 2));
    cases.push_back({"deleting an unknown annotation", Batch(), "item 1 has no annotation 42"});
    cases.back().batch.add(1, make_box(0, "bus", 1, 1, 2, 2)).remove(1, 42);
    cases.push_back({"updating an unknown annotation", Batch(), "item 2 has no annotation 1"});
    cases.back().batch.state(2, v1::ItemState::Accepted).update(2, make_box(1, "x", 0, 0, 1, 1));
    cases.push_back({"a duplicate id", Batch(), "item 1 already has an annotation 1"});
    cases.back().batch.add(1, make_box(1, "car", 0, 0, 10, 10));
    cases.push_back({"an id the store never assigned", Batch(), "was never assigned"});
    cases.back().batch.add(2, make_box(77, "car", 0, 0, 10, 10));
    cases.push_back({"a state on an unknown item", Batch(), "item 5 does not exist"});
    cases.back().batch.state(1, v1::ItemState::Submitted).state(5, v1::ItemState::Submitted);

    for (const Case& c : cases) {
        SECTION(c.name) {
            require_error([&] { (void)project.apply(c.batch.bytes()); }, c.error);
            CHECK(project.journal_size() == 1);
            CHECK(ids_of(annotations_of(project, 1)) == std::vector<std::uint64_t>{1});
            CHECK(annotations_of(project, 1).revision == 1);
            CHECK(annotations_of(project, 2).annotations.empty());
            CHECK(project.state_counts().at(v1::ItemState::New) == 2);
            // The ids the failed batch took are handed out again: nothing used them.
            CHECK(project.apply(Batch().add(2, make_box(0, "car", 0, 0, 1, 1)).bytes()) == 2);
            CHECK(ids_of(annotations_of(project, 2)) == std::vector<std::uint64_t>{2});
        }
    }
}

TEST_CASE("store: a buffer that is not an edit batch is refused", "[store]") {
    test::TempDir temp;
    Project project = two_item_project(temp / "p");
    Bytes bytes = Batch().add(1, make_box(0, "car", 0, 0, 1, 1)).bytes();
    bytes.resize(bytes.size() / 2);
    require_error([&] { (void)project.apply(bytes); }, "edit batch");
    CHECK(project.journal_size() == 0);
}

TEST_CASE("store: annotation ids are never reused, even after deletes and reopening", "[store]") {
    test::TempDir temp;
    const auto dir = temp / "p";
    std::vector<std::uint64_t> seen;
    {
        Project project = two_item_project(dir);
        (void)project.apply(Batch()
                                .add(1, make_box(0, "a", 0, 0, 1, 1))
                                .add(1, make_box(0, "b", 0, 0, 1, 1))
                                .add(1, make_box(0, "c", 0, 0, 1, 1))
                                .bytes());
        seen = ids_of(annotations_of(project, 1));
        (void)project.apply(Batch().remove(1, 3).bytes());
        Transaction transaction = project.begin();
        const store::AnnotationId reserved = transaction.allocate_annotation_ids(5);
        CHECK(reserved == 4);
        transaction.commit();
    }
    Project project = Project::open(dir);
    (void)project.apply(Batch().add(2, make_box(0, "d", 0, 0, 1, 1)).bytes());
    CHECK(ids_of(annotations_of(project, 2)) == std::vector<std::uint64_t>{9});
    CHECK(seen == std::vector<std::uint64_t>{1, 2, 3});
    // Re-adding a deleted annotation under its own id (undo) is allowed.
    (void)project.apply(Batch().add(1, make_box(3, "c", 0, 0, 1, 1)).bytes());
    CHECK(ids_of(annotations_of(project, 1)) == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE("store: journal entries keep the order of the batches", "[store]") {
    test::TempDir temp;
    Project project = two_item_project(temp / "p");
    for (int i = 1; i <= 20; ++i)
        CHECK(project.apply(Batch("batch " + std::to_string(i))
                                .add(1 + i % 2, make_box(0, "car", i, i, i + 1, i + 1))
                                .bytes()) == static_cast<std::uint64_t>(i));
    REQUIRE(project.journal_size() == 20);
    for (int i = 1; i <= 20; ++i)
        CHECK(journal_of(project, static_cast<std::uint64_t>(i)).comment ==
              "batch " + std::to_string(i));
}

TEST_CASE("store: a review sets the item state and is kept", "[store]") {
    test::TempDir temp;
    Project project = two_item_project(temp / "p");
    auto review = [](std::uint64_t item, v1::Verdict verdict, const char* reason) {
        v1::ReviewRecordT record;
        record.item = item;
        record.reviewer = "inspector";
        record.verdict = verdict;
        record.reason = reason;
        record.time = 42;
        flatbuffers::FlatBufferBuilder builder;
        v1::FinishReviewRecordBuffer(builder, v1::CreateReviewRecord(builder, &record));
        return Bytes(builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize());
    };
    project.add_review(review(1, v1::Verdict::Reject, "missing-object"));
    CHECK(project.items()[0].state == v1::ItemState::Rejected);
    project.add_review(review(1, v1::Verdict::Accept, ""));
    CHECK(project.items()[0].state == v1::ItemState::Accepted);
    const auto records = project.reviews(1);
    REQUIRE(records.size() == 2);
    CHECK(flatbuffers::GetRoot<v1::ReviewRecord>(records[0].data())->reason()->str() ==
          "missing-object");
    CHECK(project.reviews(2).empty());
    require_error([&] { project.add_review(review(7, v1::Verdict::Accept, "")); },
                  "item 7 does not exist");
}

TEST_CASE("store: a database newer than the program is refused with a clear error", "[store]") {
    test::TempDir temp;
    const auto dir = temp / "p";
    (void)two_item_project(dir);
    raw_sql(dir / "project.db", "UPDATE meta SET value = 7 WHERE key = 'database_version'");
    require_error([&] { (void)Project::open(dir); },
                  (dir / "project.db").generic_string() +
                      ": database version 7 is newer than this program supports (" +
                      std::to_string(store::kDatabaseVersion) + "); use a newer tessera");
}

TEST_CASE("store: opening a folder that is not a project says so", "[store]") {
    test::TempDir temp;
    require_error([&] { (void)Project::open(temp / "missing"); }, "no such project folder");
    std::filesystem::create_directories(temp / "empty");
    require_error([&] { (void)Project::open(temp / "empty"); },
                  "not a Tessera project (it has no tessera-project.json");

    const auto dir = temp / "p";
    (void)two_item_project(dir);
    std::filesystem::remove(dir / "project.db");
    require_error([&] { (void)Project::open(dir); },
                  "project.db: the project's database is missing");

    // A database that is some other program's.
    const auto foreign = temp / "foreign";
    (void)two_item_project(foreign);
    std::filesystem::remove(foreign / "project.db");
    raw_sql(foreign / "project.db", "CREATE TABLE photos(id INTEGER)");
    require_error([&] { (void)Project::open(foreign); }, "not a Tessera database");
}

TEST_CASE("store: a bad project file gives its position and what was expected", "[store]") {
    test::TempDir temp;
    const auto dir = temp / "p";
    (void)two_item_project(dir);
    const auto file = dir / "tessera-project.json";
    auto write = [&](const std::string& text) { std::ofstream(file, std::ios::binary) << text; };

    write("{\n  \"tessera_project\": 1,\n  \"name\": \"x\",\n  \"synchronous\": \"OFF\"\n}\n");
    require_error([&] { (void)Project::open(dir); },
                  file.generic_string() + ":4:18: \"synchronous\" is \"OFF\", expected \"FULL\"");
    write("{\"name\": \"x\"}");
    require_error([&] { (void)Project::open(dir); }, "expected \"tessera_project\": 1");
    write("{\"tessera_project\": 3, \"name\": \"x\"}");
    require_error([&] { (void)Project::open(dir); }, ":1:21: project file version 3 is newer");
    write("{\"tessera_project\": 1, \"name\": \"x\", \"database\": \"../elsewhere.db\"}");
    require_error([&] { (void)Project::open(dir); },
                  "expected a file name inside the project folder");
    write("{\"tessera_project\": 1, \"name\": 5}");
    require_error([&] { (void)Project::open(dir); }, ":1:32: name: expected a string");

    // Unknown keys are ignored; NORMAL is honoured.
    write(
        "{\"tessera_project\": 1, \"name\": \"x\", \"future\": {\"a\": [1]}, \"synchronous\": "
        "\"NORMAL\"}");
    CHECK(Project::open(dir).settings().synchronous == "NORMAL");
}

TEST_CASE("store: a corrupt annotation set is rejected with an error naming the item", "[store]") {
    test::TempDir temp;
    const auto dir = temp / "p";
    {
        Project project = two_item_project(dir);
        (void)project.apply(Batch().add(2, make_box(0, "car", 0, 0, 10, 10)).bytes());
    }
    raw_sql(dir / "project.db",
            "UPDATE annotation_sets SET data = substr(data, 1, length(data) / 2) WHERE item = 2;"
            "UPDATE items SET item = x'0badf00d' WHERE id = 1");
    Project project = Project::open(dir);
    // The cut set no longer matches its checksum.
    require_error([&] { (void)project.annotations(2); },
                  "project.db: the annotations of item 2 are damaged");
    require_error([&] { (void)project.apply(Batch().remove(2, 1).bytes()); },
                  "the annotations of item 2 are damaged");
    require_error([&] { (void)project.item(1); }, "project.db: item 1:");
}

TEST_CASE("store: another connection reads the committed data while a write is open", "[store]") {
    test::TempDir temp;
    const auto dir = temp / "p";
    Project writer = two_item_project(dir);
    (void)writer.apply(Batch().add(1, make_box(0, "car", 0, 0, 10, 10)).bytes());

    Transaction transaction = writer.begin();
    (void)transaction.add_item(make_item("c.jpg"));
    transaction.set_state(1, v1::ItemState::Submitted);

    const Project reader = Project::open(dir);
    CHECK(reader.item_count() == 2);
    CHECK(reader.items()[0].state == v1::ItemState::New);
    CHECK(ids_of(annotations_of(reader, 1)) == std::vector<std::uint64_t>{1});

    transaction.commit();
    CHECK(reader.item_count() == 3);
    CHECK(reader.items()[0].state == v1::ItemState::Submitted);
}

TEST_CASE("store: every field of an annotation survives storage, shared or not", "[store]") {
    // The store packs annotations itself (sharing strings and provenance), so
    // this sets every field of v1::AnnotationT to a non-default value.
    const auto full = [](std::uint64_t id, std::string author) {
        auto a = std::make_unique<v1::AnnotationT>();
        a->id = id;
        a->label = "traffic_light";
        v1::PolygonT polygon;
        polygon.points = {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {2, 2}, {4, 2}, {3, 4}};
        polygon.ring_ends = {4, 7};
        a->geometry.Set(std::move(polygon));
        for (const auto type : {v1::AttributeType::Bool, v1::AttributeType::MultiEnum}) {
            auto attr = std::make_unique<v1::AttributeT>();
            attr->key = type == v1::AttributeType::Bool ? "occluded" : "lamps";
            attr->type = type;
            attr->bool_value = true;
            attr->int_value = -7;
            attr->float_value = 15.5;
            attr->string_value = "red";
            attr->strings = {"red", "amber"};
            a->attributes.push_back(std::move(attr));
        }
        a->text = "ꆈꌠ 彝文";
        a->parent = id + 100;
        a->group = 3;
        auto relation = std::make_unique<v1::RelationT>();
        relation->kind = "attached-to";
        relation->target = id + 200;
        a->relations.push_back(std::move(relation));
        a->provenance = std::make_unique<v1::ProvenanceT>();
        a->provenance->author = std::move(author);
        a->provenance->created = 1764000000000;
        a->provenance->modified = 1764000000500;
        a->provenance->source = v1::Source::Model;
        a->provenance->model = "yolo-v9";
        a->provenance->confidence = 0.75f;
        a->frame = 42;
        a->track = 9;
        a->tier = "yi-transcription";
        auto kv = std::make_unique<v1::KeyValueT>();
        kv->key = "coco:area";
        kv->value = "100";
        a->metadata.push_back(std::move(kv));
        return a;
    };
    test::TempDir temp;
    Project project = Project::create(temp / "p", "p");
    v1::AnnotationSetT expected;
    {
        Transaction transaction = project.begin();
        const store::ItemId item = transaction.add_item(make_item("a.png"));
        const store::AnnotationId first = transaction.allocate_annotation_ids(3);
        expected.annotations.push_back(full(first, "li"));
        expected.annotations.push_back(full(first + 1, "li"));    // same provenance as before
        expected.annotations.push_back(full(first + 2, "wang"));  // a different one
        transaction.set_annotations(item, expected);
        transaction.commit();
    }
    const v1::AnnotationSetT stored = annotations_of(project, 1);
    REQUIRE(stored.annotations.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        INFO("annotation " << i);
        CHECK(*stored.annotations[i] == *expected.annotations[i]);
    }
}

TEST_CASE("store: the project file's \"lua\" limits are read, checked and written back",
          "[store]") {
    const std::filesystem::path file = "p/tessera-project.json";
    const store::ProjectFile parsed = store::parse_project_file(
        file, R"({"tessera_project": 1, "name": "x", "lua": {"time_ms": 500, "host_mib": 256}})");
    CHECK(parsed.lua.time_ms == 500u);
    CHECK(parsed.lua.host_mib == 256u);
    CHECK(!parsed.lua.instructions);
    CHECK(!parsed.lua.memory_mib);
    for (const auto& [text, error] : std::vector<std::pair<std::string, std::string>>{
             {R"({"tessera_project": 1, "name": "x", "lua": {"seconds": 5}})",
              "lua: unknown setting \"seconds\""},
             {R"({"tessera_project": 1, "name": "x", "lua": {"time_ms": 0}})",
              "lua.time_ms: expected an integer from 1 to 600000"},
             {R"({"tessera_project": 1, "name": "x", "lua": {"memory_mib": 1e9}})",
              "lua.memory_mib: expected an integer from 1 to 16384"},
             {R"({"tessera_project": 1, "name": "x", "lua": {"instructions": -3}})",
              "lua.instructions: expected an integer from 1 to"},
         }) {
        INFO(text);
        require_error([&] { (void)store::parse_project_file(file, text); }, error);
    }
    test::TempDir temp;
    store::write_project_file(temp / "tessera-project.json", parsed);
    const store::ProjectFile again = store::read_project_file(temp / "tessera-project.json");
    CHECK(again.lua.time_ms == 500u);
    CHECK(again.lua.host_mib == 256u);
    CHECK(!again.lua.instructions);
}
