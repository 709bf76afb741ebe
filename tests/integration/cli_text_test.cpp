// Text is never altered, driving the real CLI: an import keeps astral text
// byte for byte and refuses a NUL byte; `tessera validate` and `tessera qa`
// report text damaged before it reached the project (U+FFFD, text not in NFC)
// or written behind the store's back (a NUL byte), naming item, annotation and
// field.

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <string>

#include "core/file_io.hpp"
#include "store/integrity.hpp"
#include "store/project.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

using tessera::test::run_cli;
using tessera::test::RunResult;
using tessera::test::TempDir;
namespace store = tessera::store;
namespace v1 = tessera::v1;
using Catch::Matchers::Contains;

namespace {

const std::string kSample = std::string(TESSERA_SOURCE_DIR) + "/samples/projects/street";
// Pollard Miao, above U+FFFF, as UTF-8.
const std::string kMiao = "\xF0\x96\xBC\x80\xF0\x96\xBC\x81\xF0\x96\xBC\x82 A-Hmao";

void require_ok(const RunResult& r) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
}

/// A COCO file putting one box of each category name (JSON string contents) on crossing-001.png.
std::string coco_with_names(const std::vector<std::string>& names) {
    std::string categories, annotations;
    for (std::size_t i = 1; i <= names.size(); ++i) {
        categories += (i > 1 ? "," : "") + std::string(R"({"id":)") + std::to_string(i) +
                      R"(,"name":")" + names[i - 1] + "\"}";
        annotations += (i > 1 ? "," : "") + std::string(R"({"id":)") + std::to_string(i) +
                       R"(,"image_id":1,"category_id":)" + std::to_string(i) +
                       R"(,"bbox":[10,10,20,20]})";
    }
    return R"({"images":[{"id":1,"file_name":"crossing-001.png","width":320,"height":240}],)"
           R"("categories":[)" +
           categories + R"(],"annotations":[)" + annotations + "]}";
}

/// The labels of item 1, in annotation order.
std::vector<std::string> labels(const std::filesystem::path& dir) {
    const store::Project project = store::Project::open(dir);
    const store::Bytes bytes = project.annotations(1);
    v1::AnnotationSetT set;
    flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data())->UnPackTo(&set);
    std::vector<std::string> out;
    for (const auto& a : set.annotations) out.push_back(a->label);
    return out;
}

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++n;
    return n;
}

}  // namespace

TEST_CASE("validate and qa report damaged text, naming item, annotation and field", "[cli][text]") {
    TempDir tmp;
    const auto dir = tmp / "p";
    require_ok(run_cli({"init", dir.string()}));
    require_ok(run_cli({"add", dir.string(), kSample + "/images"}));
    const auto coco = tmp / "speakers.json";
    // Pollard Miao; what a UI with 16-bit wide characters makes of it; "é" in NFD.
    tessera::write_file_atomic(
        coco, coco_with_names({kMiao, R"(\uFFFD\uFFFD\uFFFD A-Hmao)", R"(cafe\u0301)"}));
    require_ok(run_cli({"import", dir.string(), "--format", "coco", coco.string()}));
    const std::vector<std::string> stored = labels(dir);
    REQUIRE(stored.size() == 3);
    CHECK(stored[0] == kMiao);  // byte for byte

    const RunResult validate = run_cli({"validate", dir.string()});
    INFO("validate: " << validate.out << validate.err);
    CHECK(validate.exit_code == 1);
    CHECK_THAT(validate.out, Contains("crossing-001.png: annotation 2, label: text has 3 U+FFFD "
                                      "replacement characters, the first at byte 1\n"));
    CHECK_THAT(validate.out,
               Contains("crossing-001.png: annotation 3, label: text is not in Unicode NFC\n"));
    CHECK(count(validate.out, ": text ") == 2);

    const RunResult qa = run_cli({"qa", dir.string()});
    INFO("qa: " << qa.out << qa.err);
    CHECK(qa.exit_code == 1);
    CHECK_THAT(qa.out,
               Contains("crossing-001.png: annotation 2: error: builtin.text-damaged: label "
                        "has 3 U+FFFD replacement characters, the first at byte 1\n"));
    CHECK_THAT(qa.out,
               Contains("crossing-001.png: annotation 3: warning: builtin.text-nfc: label is "
                        "not in Unicode NFC\n"));
    CHECK(count(qa.out, "builtin.text-") == 2);

    // A NUL byte, which the store refuses, written behind its back.
    {
        const store::Project project = store::Project::open(dir);
        const store::Bytes bytes = project.annotations(1);
        v1::AnnotationSetT set;
        flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data())->UnPackTo(&set);
        set.annotations[0]->label = kMiao + std::string("!\0\0", 3);
        flatbuffers::FlatBufferBuilder builder;
        v1::FinishAnnotationSetBuffer(builder, v1::AnnotationSet::Pack(builder, &set));
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open((dir / "project.db").c_str(), &db) == SQLITE_OK);
        sqlite3_stmt* stmt = nullptr;
        // With its checksum: damaged text, not damaged pages, is what is tested.
        REQUIRE(sqlite3_prepare_v2(
                    db, "UPDATE annotation_sets SET data = ?1, checksum = ?2 WHERE item = 1", -1,
                    &stmt, nullptr) == SQLITE_OK);
        sqlite3_bind_blob(stmt, 1, builder.GetBufferPointer(), static_cast<int>(builder.GetSize()),
                          SQLITE_TRANSIENT);
        sqlite3_bind_int64(stmt, 2,
                           static_cast<sqlite3_int64>(tessera::store::stored_checksum(
                               {builder.GetBufferPointer(), builder.GetSize()})));
        CHECK(sqlite3_step(stmt) == SQLITE_DONE);
        sqlite3_finalize(stmt);
        sqlite3_close(db);
    }
    CHECK_THAT(run_cli({"validate", dir.string()}).out,
               Contains("crossing-001.png: annotation 1, label: text has 2 NUL bytes, the first at "
                        "byte 21\n"));
    CHECK_THAT(run_cli({"qa", dir.string()}).out,
               Contains("crossing-001.png: annotation 1: error: builtin.text-damaged: label has 2 "
                        "NUL bytes, the first at byte 21\n"));
}

TEST_CASE("an import with a NUL byte in a label is refused and changes nothing", "[cli][text]") {
    TempDir tmp;
    const auto dir = tmp / "p";
    require_ok(run_cli({"init", dir.string()}));
    require_ok(run_cli({"add", dir.string(), kSample + "/images"}));
    const auto before = run_cli({"info", dir.string(), "--json"});
    const auto coco = tmp / "nul.json";
    tessera::write_file_atomic(coco, coco_with_names({"car", R"(A-Hmao!\u0000)"}));
    const RunResult r = run_cli({"import", dir.string(), "--format", "coco", coco.string()});
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("annotation 2, label: text has a NUL byte at byte 8"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(run_cli({"info", dir.string(), "--json"}).out == before.out);
}
