// store_kill_child PROJECT_DIR START_SEQ
// store_kill_child PROJECT_DIR bulk
//
// The writer of the durability test: applies the deterministic batches
// START_SEQ, START_SEQ+1, ... to the project for ever, printing
// "committed <n>" (unbuffered) after each apply() returned. The test kills it
// with SIGKILL at a random moment and checks what survived.
//
// With "bulk": a first import into an empty project, in one transaction
// large enough to spill pages before its commit; prints "importing" and waits
// to be killed before committing.

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include <unistd.h>

#include "core/data_api.hpp"
#include "store/project.hpp"
#include "store_batches.hpp"

namespace {

void write_line(const std::string& line) {
    std::size_t written = 0;
    while (written < line.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, line.data() + written, line.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) std::exit(3);
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tessera;
    if (argc != 3) {
        std::fprintf(stderr, "usage: store_kill_child PROJECT_DIR START_SEQ\n");
        return 2;
    }
    try {
        if (std::string(argv[2]) == "bulk") {
            store::Project project = store::Project::open(argv[1]);
            store::Transaction transaction = project.begin();
            for (std::uint64_t i = 1; i <= 20000; ++i) {
                v1::ItemT item;
                item.media = std::make_unique<v1::MediaT>();
                item.media->kind = v1::MediaKind::Image;
                item.media->uri = "images/" + std::to_string(i) + ".jpg";
                const store::ItemId id = transaction.add_item(item);
                v1::AnnotationSetT set;
                for (std::uint64_t j = 0; j < 5; ++j) {
                    auto& a = set.annotations.emplace_back(std::make_unique<v1::AnnotationT>());
                    a->id = transaction.allocate_annotation_ids(1);
                    a->label = "car";
                    v1::BoxT box;
                    box.left = static_cast<double>(i);
                    box.top = static_cast<double>(j);
                    box.right = box.left + 10;
                    box.bottom = box.top + 10;
                    a->geometry.Set(box);
                }
                transaction.set_annotations(id, set);
            }
            write_line("importing\n");
            for (;;) ::pause();
        }
        std::uint64_t n = std::stoull(argv[2]);
        store::Project project = store::Project::open(argv[1]);
        if (project.item_count() != test::kill::kItemCount) {
            std::fprintf(stderr, "store_kill_child: expected a project of %llu items\n",
                         static_cast<unsigned long long>(test::kill::kItemCount));
            return 1;
        }
        flatbuffers::FlatBufferBuilder builder;
        for (;; ++n) {
            const store::ItemId item = test::kill::item_of(n);
            std::uint64_t to_delete = 0;
            if (test::kill::deletes(n)) {
                const store::Bytes bytes = project.annotations(item);
                const auto* set = flatbuffers::GetRoot<v1::AnnotationSet>(bytes.data());
                if (set->annotations() != nullptr && set->annotations()->size() > 0)
                    to_delete = set->annotations()->Get(0)->id();
            }
            const v1::EditBatchT batch = test::kill::make_batch(n, to_delete);
            builder.Clear();
            v1::FinishEditBatchBuffer(builder, v1::CreateEditBatch(builder, &batch));
            const std::uint64_t seq =
                project.apply({builder.GetBufferPointer(), builder.GetSize()});
            if (seq != n) {
                std::fprintf(stderr, "store_kill_child: batch %llu got journal seq %llu\n",
                             static_cast<unsigned long long>(n),
                             static_cast<unsigned long long>(seq));
                return 1;
            }
            write_line("committed " + std::to_string(n) + "\n");
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "store_kill_child: %s\n", e.what());
        return 1;
    }
}
