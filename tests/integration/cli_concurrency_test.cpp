// The real CLI while other processes write: readers see one committed state and
// never fail because a writer is busy, imports that race both succeed, exports
// replace their output whole or not at all and leave nothing behind.
//
// Deterministic: the other side is this test process, acting while the command
// is known to be in the middle of its work (blocked at its progress bar on a
// stopped terminal, or waiting for the write lock this test holds).

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/syscall.h>

#include <fmt/format.h>

#include "core/data_api.hpp"
#include "core/file_io.hpp"
#include "formats/import.hpp"
#include "store/project.hpp"
#include "support/paused_cli.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
namespace v1 = tessera::v1;
using namespace tessera;
using test::run_cli;
using test::TempDir;

void require_ok(const test::RunResult& r) {
    INFO("exit " << r.exit_code << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
}

/// Writes `text` to `path`, creating its folder.
void put(const fs::path& path, std::string_view text) {
    fs::create_directories(path.parent_path());
    write_file_atomic(path, text);
}

std::string uri_of(int n, std::string_view ext = "jpg") {
    return fmt::format("images/{:04}.{}", n, ext);
}

std::unique_ptr<v1::AnnotationT> make_box(const std::string& label, double left) {
    auto annotation = std::make_unique<v1::AnnotationT>();
    annotation->label = label;
    v1::BoxT box;
    box.left = left;
    box.top = 10;
    box.right = left + 20;
    box.bottom = 40;
    annotation->geometry.Set(std::move(box));
    return annotation;
}

void add_class(v1::LabelSchemaT& schema, const std::string& key) {
    for (const auto& c : schema.classes)
        if (c->key == key) return;
    auto label_class = std::make_unique<v1::LabelClassT>();
    label_class->key = key;
    schema.classes.push_back(std::move(label_class));
}

/// `boxes` boxes labelled `label`, with fresh ids from `tx`.
v1::AnnotationSetT boxes_of(store::Transaction& tx, store::ItemId item, int boxes,
                            const std::string& label) {
    v1::AnnotationSetT set;
    set.item = item;
    const store::AnnotationId first = tx.allocate_annotation_ids(static_cast<std::uint64_t>(boxes));
    for (int b = 0; b < boxes; ++b) {
        set.annotations.push_back(make_box(label, 10.0 * b));
        set.annotations.back()->id = first + static_cast<std::uint64_t>(b);
    }
    return set;
}

/// One journal entry and the commit.
void commit(store::Transaction& tx, const std::string& comment) {
    v1::EditBatchT note;
    note.author = "test";
    note.comment = comment;
    flatbuffers::FlatBufferBuilder fbb;
    fbb.Finish(v1::EditBatch::Pack(fbb, &note), v1::EditBatchIdentifier());
    tx.append_journal({fbb.GetBufferPointer(), fbb.GetSize()});
    tx.commit();
}

/// Adds class `label` to the project's schema in `tx`.
void add_label(const store::Project& project, store::Transaction& tx, const std::string& label) {
    v1::LabelSchemaT schema;
    const store::Bytes stored = project.label_schema();
    flatbuffers::GetRoot<v1::LabelSchema>(stored.data())->UnPackTo(&schema);
    add_class(schema, label);
    tx.set_label_schema(schema);
}

/// Adds items uri_of(first) ... uri_of(first + count - 1), 640 x 480, with
/// `boxes` boxes labelled `label` each and their media files: one transaction.
void add_items(store::Project& project, int first, int count, int boxes,
               const std::string& label = "car", std::string_view ext = "jpg") {
    store::Transaction tx = project.begin();
    add_label(project, tx, label);
    for (int n = first; n < first + count; ++n) {
        v1::ItemT item;
        item.media = std::make_unique<v1::MediaT>();
        item.media->kind = v1::MediaKind::Image;
        item.media->uri = uri_of(n, ext);
        item.media->width = 640;
        item.media->height = 480;
        const store::ItemId id = tx.add_item(item);
        tx.set_annotations(id, boxes_of(tx, id, boxes, label));
        put(project.dir() / uri_of(n, ext), "jpg");
    }
    commit(tx, fmt::format("add {} items", count));
}

/// Gives every item of the project `boxes` boxes labelled `label`.
void relabel(store::Project& project, int boxes, const std::string& label) {
    store::Transaction tx = project.begin();
    add_label(project, tx, label);
    for (const store::ItemSummary& item : project.items())
        tx.set_annotations(item.id, boxes_of(tx, item.id, boxes, label));
    commit(tx, "relabel");
}

fs::path make_project(const fs::path& dir, int items, int boxes, const std::string& label = "car") {
    store::Project project = store::Project::create(dir, "race");
    add_items(project, 1, items, boxes, label);
    return dir;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size()))
        ++n;
    return n;
}

/// Every file under `dir` (relative path → contents).
std::map<std::string, std::string> files_under(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file())
            files[e.path().lexically_relative(dir).generic_string()] = read_file(e.path());
    return files;
}

/// The names in folder `dir`.
std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE(
    "info, validate, export and qa each report one committed state while another process commits",
    "[concurrency]") {
    TempDir tmp;
    const fs::path dir = make_project(tmp / "p", 40, 2);
    // While the command is in the middle of its reads: 5 items and a journal entry more.
    const auto commit_more = [&](pid_t) {
        store::Project writer = store::Project::open(dir);
        add_items(writer, 41, 5, 3);
    };
    SECTION("info") {
        const auto run = test::run_cli_paused({"info", dir.string(), "--json"}, commit_more);
        REQUIRE(run.paused);
        require_ok(run.result);
        CHECK_THAT(run.result.out,
                   Catch::Contains("\"items\":40,\"annotations\":80,\"classes\":1,"
                                   "\"journal_entries\":1,\"states\":{\"New\":40,"));
    }
    SECTION("validate") {
        const auto run = test::run_cli_paused({"validate", dir.string()}, commit_more);
        REQUIRE(run.paused);
        require_ok(run.result);
        CHECK_THAT(run.result.out, Catch::Contains("ok: 40 items"));
    }
    SECTION("export") {
        const fs::path out = tmp / "out.json";
        const auto run = test::run_cli_paused(
            {"export", dir.string(), "--format", "coco", "--out", out.string()}, commit_more);
        REQUIRE(run.paused);
        require_ok(run.result);
        CHECK_THAT(run.result.out, Catch::Contains("exported 40 items"));
        const std::string text = read_file(out);
        CHECK(count_of(text, "\"file_name\"") == 40);
        CHECK(count_of(text, "\"bbox\"") == 80);
    }
    SECTION("qa") {
        const auto run = test::run_cli_paused({"qa", dir.string()}, commit_more);
        REQUIRE(run.paused);
        require_ok(run.result);
        CHECK_THAT(run.result.out, Catch::Contains("checked 40 items, 80 annotations"));
    }
    // What was committed meanwhile is there for the next reader.
    CHECK_THAT(run_cli({"info", dir.string(), "--json"}).out, Catch::Contains("\"items\":45,"));
}

TEST_CASE("readers neither fail nor wait while the first import into an empty project writes",
          "[concurrency]") {
    TempDir tmp;
    const fs::path dir = tmp / "p";
    store::Project project = store::Project::create(dir, "first");
    // Enough to spill SQLite's page cache to the database (or its WAL) before
    // the readers run: 3000 items of 20 boxes, about 6 MB of annotation sets.
    formats::Dataset dataset;
    add_class(dataset.schema, "car");
    std::uint64_t local_id = 1;
    for (int n = 1; n <= 3000; ++n) {
        formats::ImportedItem& item = dataset.items.emplace_back();
        item.name = uri_of(n);
        item.media.kind = v1::MediaKind::Image;
        item.media.width = 640;
        item.media.height = 480;
        for (int b = 0; b < 20; ++b) {
            item.annotations.push_back(make_box("car", 10.0 * b));
            item.annotations.back()->id = local_id++;
        }
    }
    formats::ImportOptions options;
    options.author = "test";
    bool ran = false;
    test::RunResult info, qa, validate, exported;
    options.progress = [&](std::uint64_t done, std::uint64_t total) {
        if (ran || done < total / 2) return;
        ran = true;  // half the sets are stored, the transaction is open
        info = run_cli({"info", dir.string(), "--json"});
        qa = run_cli({"qa", dir.string()});
        validate = run_cli({"validate", dir.string()});
        exported = run_cli(
            {"export", dir.string(), "--format", "coco", "--out", (tmp / "out.json").string()});
    };
    const formats::ImportSummary summary =
        formats::import_dataset(project, dataset, "test", options);
    CHECK(summary.items_created == 3000);
    REQUIRE(ran);
    require_ok(info);
    CHECK_THAT(info.out, Catch::Contains("\"items\":0,\"annotations\":0,"));
    require_ok(qa);
    CHECK_THAT(qa.out, Catch::Contains("checked 0 items"));
    require_ok(validate);
    CHECK_THAT(validate.out, Catch::Contains("ok: 0 items"));
    require_ok(exported);
    CHECK_THAT(exported.out, Catch::Contains("exported 0 items"));
    CHECK_THAT(run_cli({"info", dir.string(), "--json"}).out,
               Catch::Contains("\"items\":3000,\"annotations\":60000,"));
}

TEST_CASE("two imports that create the same items at once both succeed", "[concurrency]") {
    TempDir tmp;
    const fs::path dir = tmp / "p";
    require_ok(run_cli({"init", dir.string()}));
    // 20 images no project item has, 2 boxes each; no media files on disk.
    std::string images, annotations;
    for (int n = 1; n <= 20; ++n) {
        images += fmt::format("{}{{\"id\":{},\"file_name\":\"{}\",\"width\":640,\"height\":480}}",
                              n > 1 ? "," : "", n, uri_of(n));
        for (int b = 0; b < 2; ++b)
            annotations += fmt::format(
                "{}{{\"id\":{},\"image_id\":{},\"category_id\":1,\"bbox\":[{},10,20,30]}}",
                annotations.empty() ? "" : ",", 2 * n + b, n, 10 * b);
    }
    const fs::path file = tmp / "in.json";
    write_file_atomic(
        file, fmt::format(
                  R"({{"images":[{}],"categories":[{{"id":1,"name":"car"}}],"annotations":[{}]}})",
                  images, annotations));
    test::RunResult first, second;
    {
        // Both imports start while this test holds the write lock: both have read
        // the project's (empty) item list by the time they wait for it.
        store::Project holder = store::Project::open(dir);
        std::optional<store::Transaction> lock;
        lock.emplace(holder.begin());
        test::Started a =
            test::start_cli({"import", dir.string(), "--format", "coco", file.string()});
        test::Started b =
            test::start_cli({"import", dir.string(), "--format", "coco", file.string()});
        const std::vector<long> sleeping{SYS_nanosleep, SYS_clock_nanosleep};  // SQLite's busy wait
        REQUIRE(test::wait_until_in_syscall(a.pid(), sleeping));
        REQUIRE(test::wait_until_in_syscall(b.pid(), sleeping));
        lock.reset();  // rolled back: the imports go on, one after the other
        first = a.wait();
        second = b.wait();
    }
    require_ok(first);
    require_ok(second);
    const std::string both = first.out + second.out;
    CHECK_THAT(both, Catch::Contains("20 items (0 matched, 20 new), 40 annotations"));
    CHECK_THAT(both, Catch::Contains("20 items (20 matched, 0 new), 40 annotations"));
    CHECK_THAT(
        run_cli({"info", dir.string(), "--json"}).out,
        Catch::Contains("\"items\":20,\"annotations\":40,\"classes\":1,\"journal_entries\":2,"));
}

TEST_CASE("an import that cannot get the write lock says so in one line and imports nothing",
          "[concurrency]") {
    TempDir tmp;
    const fs::path dir = make_project(tmp / "p", 3, 1);
    const fs::path file = tmp / "in.json";
    write_file_atomic(
        file, R"({"images":[{"id":1,"file_name":"images/0001.jpg","width":640,"height":480}],
"categories":[{"id":1,"name":"bus"}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[1,2,3,4]}]})");
    store::Project holder = store::Project::open(dir);
    store::Transaction lock = holder.begin();  // held for longer than a writer waits (10 s)
    const auto r = run_cli({"import", dir.string(), "--format", "coco", file.string()});
    CHECK(r.exit_code == 1);
    CHECK(r.err == dir.string() +
                       ": another process has been writing to the project for over 10 seconds "
                       "(another import?); nothing was imported: import again once it is done\n");
    CHECK(holder.journal_size() == 1);
}

// --- Exports ------------------------------------------------------------------

TEST_CASE("two exports to the same file: each writes its own, the last to finish wins whole",
          "[concurrency][export]") {
    TempDir tmp;
    const fs::path big = make_project(tmp / "big", 30, 2);
    const fs::path small = make_project(tmp / "small", 3, 1);
    const fs::path out = tmp / "out" / "instances.json";
    test::RunResult other;
    // The export of `big` is paused with its output half written; `small`'s runs meanwhile.
    const auto run = test::run_cli_paused(
        {"export", big.string(), "--format", "coco", "--out", out.string()}, [&](pid_t) {
            other = run_cli({"export", small.string(), "--format", "coco", "--out", out.string()});
            CHECK(count_of(read_file(out), "\"file_name\"") == 3);
        });
    REQUIRE(run.paused);
    require_ok(other);
    require_ok(run.result);
    const std::string text = read_file(out);
    CHECK(count_of(text, "\"file_name\"") == 30);
    CHECK(count_of(text, "\"bbox\"") == 60);
    CHECK(text.ends_with("}\n"));
    CHECK(names_in(out.parent_path()) == std::vector<std::string>{"instances.json"});
}

TEST_CASE("a killed export leaves no temporary file", "[concurrency][export]") {
    TempDir tmp;
    const fs::path dir = make_project(tmp / "p", 30, 2);
    const fs::path out = tmp / "out" / "instances.json";
    require_ok(run_cli({"export", dir.string(), "--format", "coco", "--out", out.string()}));
    const std::string before = read_file(out);
    const auto run =
        test::run_cli_paused({"export", dir.string(), "--format", "coco", "--out", out.string()},
                             [](pid_t pid) { ::kill(pid, SIGKILL); });
    REQUIRE(run.paused);
    CHECK(run.result.exit_code == 128 + SIGKILL);
    CHECK(read_file(out) == before);
    CHECK(names_in(out.parent_path()) == std::vector<std::string>{"instances.json"});
}

TEST_CASE("a folder export that fails midway leaves the old dataset as it was", "[export]") {
    for (const std::string format : {"voc", "labelme"}) {
        DYNAMIC_SECTION(format) {
            TempDir tmp;
            const fs::path dir = make_project(tmp / "p", 6, 2, "car");
            const fs::path out = tmp / "dataset";
            require_ok(
                run_cli({"export", dir.string(), "--format", format, "--out", out.string()}));
            put(out / "images" / "0001.jpg", "the user's image");
            const auto before = files_under(out);
            {
                // New labels for every item, then an item whose file is item 1's
                // (images/0001.png beside images/0001.jpg): found only after the others.
                store::Project project = store::Project::open(dir);
                relabel(project, 3, "truck");
                add_items(project, 1, 1, 1, "truck", "png");
            }
            const auto failed =
                run_cli({"export", dir.string(), "--format", format, "--out", out.string()});
            CHECK(failed.exit_code == 1);
            CHECK_THAT(failed.err, Catch::Contains("images/0001.png"));
            CHECK(std::count(failed.err.begin(), failed.err.end(), '\n') == 1);
            CHECK(files_under(out) == before);
            CHECK(names_in(tmp.path()) == std::vector<std::string>{"dataset", "p"});
        }
    }
}

TEST_CASE("an export replaces what it wrote before and keeps every other file of the folder",
          "[export]") {
    for (const std::string format : {"yolo", "voc", "labelme"}) {
        DYNAMIC_SECTION(format) {
            TempDir tmp;
            const fs::path six = make_project(tmp / "six", 6, 2, "car");
            const fs::path five = make_project(tmp / "five", 5, 1, "bus");
            const fs::path out = tmp / "dataset";
            require_ok(
                run_cli({"export", six.string(), "--format", format, "--out", out.string()}));
            const auto first = files_under(out);
            // The user's own files: images beside the labels, notes, an empty folder.
            for (int n = 1; n <= 6; ++n) put(out / uri_of(n), fmt::format("image {}", n));
            write_file_atomic(out / "notes.txt", "the user's notes");
            fs::create_directories(out / "empty");

            require_ok(
                run_cli({"export", five.string(), "--format", format, "--out", out.string()}));
            const auto second = files_under(out);
            for (int n = 1; n <= 6; ++n) CHECK(second.at(uri_of(n)) == fmt::format("image {}", n));
            CHECK(second.at("notes.txt") == "the user's notes");
            CHECK(fs::is_directory(out / "empty"));
            // Item 6's file was the first export's: it went with it.
            std::size_t gone = 0;
            for (const auto& [path, contents] : first) {
                if (second.count(path) == 0) {
                    CHECK_THAT(path, Catch::Contains("0006"));
                    ++gone;
                } else if (path.find("000") != std::string::npos) {
                    CHECK(second.at(path) != contents);  // now "bus"
                }
            }
            CHECK(gone == 1);
            CHECK(names_in(tmp.path()) == std::vector<std::string>{"dataset", "five", "six"});
        }
    }
}

TEST_CASE("a killed folder export is cleaned up by the next, and a running one is left alone",
          "[concurrency][export]") {
    TempDir tmp;
    const fs::path six = make_project(tmp / "six", 6, 2, "car");
    const fs::path five = make_project(tmp / "five", 5, 1, "bus");
    const fs::path out = tmp / "dataset";
    require_ok(run_cli({"export", six.string(), "--format", "voc", "--out", out.string()}));
    write_file_atomic(out / "notes.txt", "the user's notes");
    test::RunResult meanwhile;
    const auto run = test::run_cli_paused(
        {"export", six.string(), "--format", "voc", "--out", out.string()}, [&](pid_t pid) {
            // A second export while the first is paused mid-way: it must not take the
            // first's work for a dead export's leftovers.
            meanwhile =
                run_cli({"export", five.string(), "--format", "voc", "--out", out.string()});
            ::kill(pid, SIGKILL);
        });
    REQUIRE(run.paused);
    require_ok(meanwhile);
    CHECK(run.result.exit_code == 128 + SIGKILL);
    CHECK(files_under(out).count("images/0006.xml") == 0);  // five's export
    CHECK(read_file(out / "notes.txt") == "the user's notes");

    require_ok(run_cli({"export", six.string(), "--format", "voc", "--out", out.string()}));
    CHECK(files_under(out).count("images/0006.xml") == 1);
    CHECK(read_file(out / "notes.txt") == "the user's notes");
    CHECK(names_in(tmp.path()) == std::vector<std::string>{"dataset", "five", "six"});
}
