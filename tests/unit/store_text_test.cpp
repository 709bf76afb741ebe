// Text is never altered: what an annotator or an import writes comes back byte
// for byte, text that cannot be text (a NUL byte, invalid UTF-8) is refused
// before anything is written, and text damaged before it reached the store
// (U+FFFD, not NFC) or written behind its back is found by validate.

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/data_api.hpp"
#include "core/error.hpp"
#include "store/integrity.hpp"
#include "store/project.hpp"
#include "store/validate.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tessera;
using namespace std::string_literals;
using Catch::Matchers::Contains;
using store::Bytes;
using store::Project;
using store::Transaction;

// Pollard Miao, above U+FFFF: what a UI with 16-bit wide characters turns into U+FFFD.
const std::string kMiao = "\xF0\x96\xBC\x80\xF0\x96\xBC\x81\xF0\x96\xBC\x82 A-Hmao";
// What such a UI stored for it, with the NUL bytes its buffer kept.
const std::string kDamaged = "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD A-Hmao!\0\0\0"s;
// "é" as e + COMBINING ACUTE ACCENT (NFD) and precomposed (NFC).
const std::string kNfd = "cafe\xCC\x81";
const std::string kNfc = "caf\xC3\xA9";

v1::ItemT make_item(std::string uri) {
    v1::ItemT item;
    item.media = std::make_unique<v1::MediaT>();
    item.media->kind = v1::MediaKind::Text;
    item.media->uri = std::move(uri);
    return item;
}

std::unique_ptr<v1::AttributeT> string_attribute(std::string key, std::string value) {
    auto a = std::make_unique<v1::AttributeT>();
    a->key = std::move(key);
    a->type = v1::AttributeType::String;
    a->string_value = std::move(value);
    return a;
}

std::unique_ptr<v1::AnnotationT> speaker(std::uint64_t id, std::string name) {
    auto a = std::make_unique<v1::AnnotationT>();
    a->id = id;
    a->label = "speaker";
    a->attributes.push_back(string_attribute("name", std::move(name)));
    return a;
}

Bytes batch_bytes(v1::EditBatchT& batch) {
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishEditBatchBuffer(builder, v1::CreateEditBatch(builder, &batch));
    return {builder.GetBufferPointer(), builder.GetBufferPointer() + builder.GetSize()};
}

/// A batch of one AddAnnotation (or UpdateAnnotation) of `annotation` to `item`.
Bytes one_op(std::uint64_t item, std::unique_ptr<v1::AnnotationT> annotation, bool update = false) {
    v1::EditBatchT batch;
    batch.author = "tester";
    auto& op = batch.ops.emplace_back(std::make_unique<v1::EditOpT>());
    if (update) {
        v1::UpdateAnnotationT edit;
        edit.item = item, edit.annotation = std::move(annotation);
        op->edit.Set(std::move(edit));
    } else {
        v1::AddAnnotationT edit;
        edit.item = item, edit.annotation = std::move(annotation);
        op->edit.Set(std::move(edit));
    }
    return batch_bytes(batch);
}

v1::AnnotationSetT annotations_of(const Project& project, store::ItemId item) {
    const Bytes bytes = project.annotations(item);
    v1::AnnotationSetT set;
    flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data())->UnPackTo(&set);
    return set;
}

/// A project with item 1 ("a.txt") holding annotation 1, a speaker named kMiao.
Project speaker_project(const std::filesystem::path& dir) {
    Project project = Project::create(dir, "speakers");
    {
        Transaction transaction = project.begin();
        REQUIRE(transaction.add_item(make_item("a.txt")) == 1);
        transaction.commit();
    }
    REQUIRE(project.apply(one_op(1, speaker(0, kMiao))) == 1);
    return project;
}

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("no error");
    return {};
}

/// Replaces item `item`'s stored set behind the store's back, as an older
/// program or a hand-edited database might have left it.
void store_raw_set(const std::filesystem::path& db_path, const v1::AnnotationSetT& set) {
    flatbuffers::FlatBufferBuilder builder;
    v1::FinishAnnotationSetBuffer(builder, v1::AnnotationSet::Pack(builder, &set));
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    // With its checksum: damaged text, not damaged pages, is what is tested.
    REQUIRE(sqlite3_prepare_v2(
                db, "UPDATE annotation_sets SET data = ?1, checksum = ?3 WHERE item = ?2", -1,
                &stmt, nullptr) == SQLITE_OK);
    sqlite3_bind_blob(stmt, 1, builder.GetBufferPointer(), static_cast<int>(builder.GetSize()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, static_cast<sqlite3_int64>(set.item));
    sqlite3_bind_int64(stmt, 3,
                       static_cast<sqlite3_int64>(store::stored_checksum(
                           {builder.GetBufferPointer(), builder.GetSize()})));
    const int rc = sqlite3_step(stmt);
    const int changes = sqlite3_changes(db);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_DONE);
    REQUIRE(changes == 1);
}

std::vector<std::string> text_problems(const Project& project) {
    std::vector<std::string> found;
    for (const store::Problem& problem : store::validate(project))
        if (problem.message.find(": text ") != std::string::npos) found.push_back(problem.message);
    return found;
}

}  // namespace

TEST_CASE("store: astral text round-trips byte for byte through apply", "[store][text]") {
    test::TempDir temp;
    Project project = speaker_project(temp / "p");
    auto annotation = speaker(1, kMiao + "!");
    annotation->text = kMiao;
    annotation->attributes.front()->strings = {kMiao, kNfd};
    REQUIRE(project.apply(one_op(1, std::move(annotation), true)) == 2);

    const v1::AnnotationSetT set = annotations_of(project, 1);
    REQUIRE(set.annotations.size() == 1);
    const v1::AnnotationT& stored = *set.annotations[0];
    CHECK(stored.text == kMiao);
    CHECK(stored.attributes[0]->string_value == kMiao + "!");
    // NFD is text too: the store keeps it as written, it does not normalize.
    CHECK(stored.attributes[0]->strings == std::vector<std::string>{kMiao, kNfd});
}

TEST_CASE(
    "store: a batch with a NUL byte or invalid UTF-8 in any string is refused, nothing applied",
    "[store][text]") {
    test::TempDir temp;
    Project project = speaker_project(temp / "p");

    struct Case {
        const char* name;
        std::function<Bytes()> batch;
        const char* error;
    };
    const std::vector<Case> cases = {
        {"an attribute value with NUL bytes (the studio's damaged text)",
         [] { return one_op(1, speaker(1, kDamaged), true); },
         "edit batch, op 1 (UpdateAnnotation): item 1, annotation 1, attribute \"name\": text has "
         "a NUL byte at byte 18; nothing of the batch was applied"},
        {"a label that is not UTF-8",
         [] {
             auto a = speaker(0, kMiao);
             a->label = "caf\xE9";  // Latin-1
             return one_op(1, std::move(a));
         },
         "edit batch, op 1 (AddAnnotation): item 1, new annotation, label: text is not valid UTF-8 "
         "at byte 4"},
        {"a MultiEnum value",
         [] {
             auto a = speaker(1, kMiao);
             a->attributes.front()->strings = {"ok", "b\0"s};
             return one_op(1, std::move(a), true);
         },
         "attribute \"name\", value 2: text has a NUL byte at byte 2"},
        {"an attribute key",
         [] {
             auto a = speaker(1, kMiao);
             a->attributes.push_back(string_attribute("n\xC0\xAE", "x"));  // overlong '.'
             return one_op(1, std::move(a), true);
         },
         "annotation 1, key of attribute 2: text is not valid UTF-8 at byte 2"},
        {"a relation kind",
         [] {
             auto a = speaker(1, kMiao);
             a->relations.push_back(std::make_unique<v1::RelationT>());
             a->relations.back()->kind = "\0"s;
             return one_op(1, std::move(a), true);
         },
         "annotation 1, relation 1 kind: text has a NUL byte at byte 1"},
        {"a provenance author",
         [] {
             auto a = speaker(1, kMiao);
             a->provenance = std::make_unique<v1::ProvenanceT>();
             a->provenance->author = "li\xED\xA0\x80";  // a UTF-16 surrogate
             return one_op(1, std::move(a), true);
         },
         "annotation 1, provenance author: text is not valid UTF-8 at byte 3"},
        {"a metadata value",
         [] {
             auto a = speaker(1, kMiao);
             a->metadata.push_back(std::make_unique<v1::KeyValueT>());
             a->metadata.back()->key = "source";
             a->metadata.back()->value = "tape 4\0"s;
             return one_op(1, std::move(a), true);
         },
         "annotation 1, metadata \"source\": text has a NUL byte at byte 7"},
        {"the batch's comment",
         [] {
             v1::EditBatchT batch;
             batch.comment = "fix\0"s;
             return batch_bytes(batch);
         },
         "edit batch, comment: text has a NUL byte at byte 4"},
    };
    for (const Case& c : cases) {
        SECTION(c.name) {
            const Bytes bytes = c.batch();
            CHECK_THAT(error_of([&] { (void)project.apply(bytes); }), Contains(c.error));
            // Within a transaction the refused batch is rolled back alone.
            {
                Transaction transaction = project.begin();
                CHECK_THAT(error_of([&] { (void)transaction.apply(bytes); }), Contains(c.error));
                transaction.commit();
            }
            CHECK(project.journal_size() == 1);
            const v1::AnnotationSetT set = annotations_of(project, 1);
            CHECK(set.revision == 1);
            REQUIRE(set.annotations.size() == 1);
            CHECK(set.annotations[0]->attributes[0]->string_value == kMiao);
            CHECK(set.annotations[0]->attributes[0]->strings.empty());
            // No annotation id was taken by the refused batch.
            CHECK(project.apply(one_op(1, speaker(0, "Ma"))) == 2);
            CHECK(annotations_of(project, 1).annotations.back()->id == 2);
        }
    }
}

TEST_CASE(
    "store: an import with a NUL byte in a string is refused, naming item, annotation and field",
    "[store][text]") {
    test::TempDir temp;
    Project project = speaker_project(temp / "p");
    v1::AnnotationSetT set;
    set.annotations.push_back(speaker(1, "Ma"));
    set.annotations.push_back(speaker(2, kDamaged));
    const std::string expected =
        "item 1, annotation 2, attribute \"name\": text has a NUL byte at byte 18";
    {
        Transaction transaction = project.begin();
        CHECK_THAT(error_of([&] { transaction.set_annotations(1, set); }), Contains(expected));
        const store::PackedAnnotations packed = store::pack_annotations(1, 2, set);
        CHECK_THAT(error_of([&] { transaction.set_annotations(packed); }), Contains(expected));
        // The provenance an import gives annotations without one ("imported by AUTHOR").
        set.annotations.pop_back();
        v1::ProvenanceT imported;
        imported.author = "li\xC3";
        const store::PackedAnnotations by_author = store::pack_annotations(1, 2, set, &imported);
        CHECK_THAT(error_of([&] { transaction.set_annotations(by_author); }),
                   Contains("item 1: the provenance given to its annotations: author is not valid "
                            "UTF-8 at byte 3"));
        transaction.commit();
    }
    CHECK(annotations_of(project, 1).revision == 1);
    CHECK(annotations_of(project, 1).annotations.size() == 1);
}

TEST_CASE("validate: U+FFFD, NUL bytes, invalid UTF-8 and text not in NFC are reported by field",
          "[store][text][validate]") {
    test::TempDir temp;
    const auto dir = temp / "p";
    {
        Project project = speaker_project(dir);
        CHECK(text_problems(project).empty());  // Pollard Miao is fine text
        // U+FFFD and NFD are text: the store takes them, validate reports them.
        auto a = speaker(1, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD A-Hmao!");
        a->text = kNfd;
        a->label = kNfc;
        (void)project.apply(one_op(1, std::move(a), true));
        CHECK(text_problems(project) ==
              std::vector<std::string>{
                  "a.txt: annotation 1, text: text is not in Unicode NFC",
                  "a.txt: annotation 1, attribute \"name\": text has 3 U+FFFD replacement "
                  "characters, the first at byte 1",
              });
    }
    // What the store refuses, written behind its back.
    v1::AnnotationSetT set;
    set.item = 1;
    set.revision = 3;
    set.annotations.push_back(speaker(1, kDamaged));
    set.annotations.push_back(speaker(2, kMiao));
    set.annotations.back()->attributes.push_back(string_attribute("bad\0key"s, "x"));
    set.annotations.back()->tier = "\xFF";
    store_raw_set(dir / "project.db", set);
    const Project project = Project::open(dir);
    CHECK(text_problems(project) ==
          std::vector<std::string>{
              "a.txt: annotation 1, attribute \"name\": text has 3 NUL bytes, the first at byte 18",
              "a.txt: annotation 1, attribute \"name\": text has 3 U+FFFD replacement characters, "
              "the first at byte 1",
              "a.txt: annotation 2, tier: text is not valid UTF-8 at byte 1",
              "a.txt: annotation 2, key of attribute 2: text has a NUL byte at byte 4",
          });
}

TEST_CASE("store: non-finite numbers and references outside the item are refused, nothing applied",
          "[store]") {
    // A Lua view could submit these (issue 17): a COCO export then wrote null,
    // which our own import refuses, and validate failed on the parent.
    test::TempDir temp;
    Project project = speaker_project(temp / "p");
    {
        Transaction transaction = project.begin();
        REQUIRE(transaction.add_item(make_item("b.txt")) == 2);
        transaction.commit();
    }
    REQUIRE(project.apply(one_op(2, speaker(0, "on b"))) == 2);  // annotation 2, of item 2
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    struct Case {
        const char* name;
        std::function<std::unique_ptr<v1::AnnotationT>()> annotation;
        const char* error;
    };
    const std::vector<Case> cases = {
        {"a box with a NaN edge",
         [&] {
             auto a = speaker(0, "x");
             v1::BoxT box;
             box.left = 1, box.top = nan, box.right = 5, box.bottom = 6;
             a->geometry.Set(std::move(box));
             return a;
         },
         "edit batch, op 1 (AddAnnotation): item 1, new annotation, geometry Box.top is nan"},
        {"a polygon with an infinite point",
         [&] {
             auto a = speaker(0, "x");
             v1::PolygonT polygon;
             polygon.points = {{0, 0}, {inf, 0}, {0, 5}};
             a->geometry.Set(std::move(polygon));
             return a;
         },
         "geometry Polygon.points[2] is (inf, 0)"},
        {"a float attribute of -inf",
         [&] {
             auto a = speaker(0, "x");
             auto attribute = std::make_unique<v1::AttributeT>();
             attribute->key = "height", attribute->type = v1::AttributeType::Float;
             attribute->float_value = -inf;
             a->attributes.push_back(std::move(attribute));
             return a;
         },
         "attribute \"height\" is -inf"},
        {"a parent in another item",
         [&] {
             auto a = speaker(0, "x");
             a->parent = 2;
             return a;
         },
         "edit batch, op 1 (AddAnnotation): item 1, annotation 3: parent 2 is not an annotation "
         "of this item; nothing of the batch was applied"},
        {"a relation to an annotation that does not exist",
         [&] {
             auto a = speaker(0, "x");
             a->relations.push_back(std::make_unique<v1::RelationT>());
             a->relations.back()->kind = "translation-of", a->relations.back()->target = 99;
             return a;
         },
         "relation target 99 is not an annotation of this item"},
    };
    for (const Case& c : cases) {
        SECTION(c.name) {
            const Bytes bytes = one_op(1, c.annotation());
            CHECK_THAT(error_of([&] { (void)project.apply(bytes); }), Contains(c.error));
            CHECK(project.journal_size() == 2);
            CHECK(annotations_of(project, 1).annotations.size() == 1);
        }
    }
    // A parent in the same item, added in the same batch or before, is fine.
    auto child = speaker(0, "child");
    child->parent = 1;
    CHECK(project.apply(one_op(1, std::move(child))) == 3);
}
