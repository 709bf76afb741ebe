// Durability of the project store: a writer SIGKILLed at random moments loses
// nothing it reported as committed and leaves nothing half-applied.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/data_api.hpp"
#include "store/project.hpp"
#include "store_batches.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace {

using namespace tessera;
using Clock = std::chrono::steady_clock;

/// The writer child with its stdout on a pipe.
class Child {
public:
    Child(const std::string& program, const std::vector<std::string>& args) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) FAIL("pipe2 failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        std::vector<char*> argv{const_cast<char*>(program.c_str())};
        for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        const int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        out_ = fds[0];
        if (rc != 0) FAIL("cannot start " << program);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        if (pid_ > 0) kill_and_wait();
        if (out_ >= 0) ::close(out_);
    }

    /// Reads what the child printed, waiting at most until `deadline`;
    /// returns false at end of output.
    bool read_until(Clock::time_point deadline) {
        for (;;) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            pollfd p{out_, POLLIN, 0};
            const int ready =
                ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
            if (ready <= 0) return true;  // timeout (or EINTR): still running
            char buffer[4096];
            const ssize_t n = ::read(out_, buffer, sizeof buffer);
            if (n <= 0) return false;
            output_.append(buffer, static_cast<std::size_t>(n));
        }
    }

    /// SIGKILLs the child, collects the rest of its output; returns its wait status.
    int kill_and_wait() {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
        while (read_until(Clock::now() + std::chrono::seconds(5))) {
        }
        return status;
    }

    [[nodiscard]] const std::string& output() const { return output_; }

private:
    pid_t pid_ = -1;
    int out_ = -1;
    std::string output_;
};

/// What the store must hold: batches 1..n replayed in memory.
struct Model {
    std::uint64_t applied = 0;
    std::uint64_t next_id = 1;
    std::map<std::uint64_t, std::vector<v1::AnnotationT>> sets;
    std::map<std::uint64_t, std::uint64_t> revisions;

    /// Applies batch `n` and returns it as the journal must hold it (ids filled in).
    v1::EditBatchT apply_next() {
        const std::uint64_t n = ++applied;
        const std::uint64_t item = test::kill::item_of(n);
        auto& set = sets[item];
        const std::uint64_t to_delete = test::kill::deletes(n) && !set.empty() ? set.front().id : 0;
        v1::EditBatchT batch = test::kill::make_batch(n, to_delete);
        if (to_delete != 0) set.erase(set.begin());
        for (auto& op : batch.ops)
            if (auto* add = op->edit.AsAddAnnotation()) {
                add->annotation->id = next_id++;
                set.push_back(*add->annotation);
            }
        ++revisions[item];
        return batch;
    }
};

std::string integrity_check(const std::filesystem::path& db_path) {
    sqlite3* db = nullptr;
    std::string result = "cannot open";
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW)
            result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        else
            result = sqlite3_errmsg(db);
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return result;
}

/// Numbers n of the "committed n" lines, checked to count up from `first`.
std::uint64_t last_reported(const std::string& output, std::uint64_t first) {
    std::uint64_t expected = first;
    std::size_t pos = 0;
    while (pos < output.size()) {
        const std::size_t end = output.find('\n', pos);
        if (end == std::string::npos) break;  // a torn last line cannot happen with one write(2)
        const std::string line = output.substr(pos, end - pos);
        INFO("child printed: " << line);
        REQUIRE(line == "committed " + std::to_string(expected));
        ++expected;
        pos = end + 1;
    }
    return expected - 1;
}

/// A project with the items the writer child edits (ids 1..kItemCount).
void create_project_for_child(const std::filesystem::path& dir) {
    store::Project project = store::Project::create(dir, "durability");
    store::Transaction transaction = project.begin();
    for (std::uint64_t i = 1; i <= test::kill::kItemCount; ++i) {
        v1::ItemT item;
        item.media = std::make_unique<v1::MediaT>();
        item.media->kind = v1::MediaKind::Image;
        item.media->uri = "images/" + std::to_string(i) + ".jpg";
        REQUIRE(transaction.add_item(item) == i);
    }
    transaction.commit();
}

}  // namespace

TEST_CASE(
    "store durability: a writer killed at random moments leaves exactly the batches it committed, "
    "50 times",
    "[store][durability]") {
    const char* seed_env = std::getenv("TESSERA_KILL_SEED");
    const auto seed = seed_env != nullptr
                          ? static_cast<unsigned>(std::strtoul(seed_env, nullptr, 10))
                          : std::random_device{}();
    INFO("random seed " << seed << " (set TESSERA_KILL_SEED to repeat)");
    std::mt19937 random(seed);

    test::TempDir temp;
    const std::filesystem::path dir = temp / "project";
    create_project_for_child(dir);

    Model model;
    std::uint64_t total_reported = 0;
    for (int round = 1; round <= 50; ++round) {
        INFO("round " << round);
        const std::uint64_t first = model.applied + 1;
        Child child(TESSERA_KILL_CHILD, {dir.string(), std::to_string(first)});
        // Odd rounds kill at any moment, opening included; even rounds first
        // wait for a commit so that most kills land in the middle of batches.
        if (round % 2 == 0) {
            const auto limit = Clock::now() + std::chrono::seconds(10);
            while (child.output().empty() && Clock::now() < limit &&
                   child.read_until(Clock::now() + std::chrono::milliseconds(100))) {
            }
        }
        const int delay_ms = std::uniform_int_distribution<int>(1, 40)(random);
        INFO("killed after " << delay_ms << " ms");
        child.read_until(Clock::now() + std::chrono::milliseconds(delay_ms));
        const int status = child.kill_and_wait();
        INFO("child output:\n" << child.output());
        REQUIRE(WIFSIGNALED(status));
        REQUIRE(WTERMSIG(status) == SIGKILL);
        const std::uint64_t reported = last_reported(child.output(), first);
        total_reported += reported + 1 - first;

        REQUIRE(integrity_check(dir / store::kDatabaseFileName) == "ok");
        const store::Project project = store::Project::open(dir);
        const std::uint64_t committed = project.journal_size();
        // Everything reported is there; at most the batch being reported when killed is extra.
        REQUIRE(committed >= reported);
        REQUIRE(committed <= reported + 1);
        REQUIRE(committed >= model.applied);

        while (model.applied < committed) {
            const v1::EditBatchT expected = model.apply_next();
            INFO("journal entry " << model.applied);
            const store::Bytes entry = project.journal_entry(model.applied);
            v1::EditBatchT actual;
            flatbuffers::GetRoot<v1::EditBatch>(entry.data())->UnPackTo(&actual);
            REQUIRE(actual == expected);
        }
        for (std::uint64_t item = 1; item <= test::kill::kItemCount; ++item) {
            INFO("item " << item);
            const store::Bytes bytes = project.annotations(item);
            v1::AnnotationSetT set;
            flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data())->UnPackTo(&set);
            CHECK(set.revision == model.revisions[item]);
            std::vector<v1::AnnotationT> stored;
            for (const auto& annotation : set.annotations) stored.push_back(*annotation);
            REQUIRE(stored.size() == model.sets[item].size());
            REQUIRE(stored == model.sets[item]);
        }
    }
    INFO("batches reported committed over all rounds: " << total_reported);
    CHECK(total_reported >= 25);
}

TEST_CASE("store durability: another process reads the project while a writer commits",
          "[store][durability]") {
    test::TempDir temp;
    const std::filesystem::path dir = temp / "project";
    create_project_for_child(dir);
    Child writer(TESSERA_KILL_CHILD, {dir.string(), "1"});
    const auto limit = Clock::now() + std::chrono::seconds(10);
    while (writer.output().empty() && Clock::now() < limit &&
           writer.read_until(Clock::now() + std::chrono::milliseconds(50))) {
    }
    REQUIRE_FALSE(writer.output().empty());
    // The real CLI, in its own process, reads consistent snapshots while commits go on.
    std::uint64_t previous = 0;
    for (int i = 0; i < 5; ++i) {
        const auto info = test::run_cli({"info", dir.string(), "--json"});
        INFO(info.err);
        REQUIRE(info.exit_code == 0);
        const auto at = info.out.find("\"journal_entries\":");
        REQUIRE(at != std::string::npos);
        const std::uint64_t entries = std::stoull(info.out.substr(at + 18));
        CHECK(entries >= previous);
        previous = entries;
        writer.read_until(Clock::now() + std::chrono::milliseconds(20));
    }
    CHECK(previous > 0);
    const auto validate = test::run_cli({"validate", dir.string()});
    CHECK(validate.err.find("locked") == std::string::npos);
    (void)writer.kill_and_wait();
}

TEST_CASE("store durability: a first import killed midway leaves nothing of itself, journal or not",
          "[store][durability][integrity]") {
    test::TempDir temp;
    const std::filesystem::path dir = temp / "project";
    (void)store::Project::create(dir, "bulk");
    const auto kill_import = [&] {
        Child importer(TESSERA_KILL_CHILD, {dir.string(), "bulk"});
        const auto limit = Clock::now() + std::chrono::seconds(60);
        while (importer.output().empty() && Clock::now() < limit &&
               importer.read_until(Clock::now() + std::chrono::milliseconds(100))) {
        }
        REQUIRE(importer.output() == "importing\n");
        (void)importer.kill_and_wait();
    };
    const auto require_empty_and_sound = [&] {
        const auto info = test::run_cli({"info", dir.string(), "--json"});
        INFO(info.out << info.err);
        CHECK(info.exit_code == 0);
        CHECK(info.out.find("\"items\":0") != std::string::npos);
        const auto validate = test::run_cli({"validate", dir.string()});
        INFO(validate.out << validate.err);
        CHECK(validate.exit_code == 0);
    };
    // Every import goes through the WAL: the uncommitted import is never read.
    kill_import();
    require_empty_and_sound();
    // Deleting the journal files a killed import leaves changes nothing either.
    kill_import();
    for (const char* suffix : {"-journal", "-wal", "-shm"})
        std::filesystem::remove(dir.string() + "/project.db" + suffix);
    require_empty_and_sound();
}
