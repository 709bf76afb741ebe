// hold_lock PROJECT_DIR ITEM_ID MARKER_FILE
//
// Another writer for the GUI test other_writer.lua: takes the project's write
// lock, creates MARKER_FILE (so the script knows the lock is held), keeps the
// lock for one second, then adds five "car" boxes to ITEM_ID and commits, as
// an `import --merge` or a second studio would while the studio's edit waits.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "core/data_api.hpp"
#include "core/error.hpp"
#include "store/project.hpp"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: hold_lock PROJECT_DIR ITEM_ID MARKER_FILE\n");
        return 2;
    }
    try {
        namespace v1 = tessera::v1;
        tessera::store::Project project = tessera::store::Project::open(argv[1]);
        const std::uint64_t item = std::strtoull(argv[2], nullptr, 10);
        tessera::store::Transaction transaction = project.begin();
        std::ofstream(argv[3]) << "locked\n";
        std::this_thread::sleep_for(std::chrono::seconds(1));
        v1::EditBatchT batch;
        batch.author = "other-writer";
        for (int i = 0; i < 5; ++i) {
            auto annotation = std::make_unique<v1::AnnotationT>();
            annotation->label = "car";
            v1::BoxT box;
            box.left = 10 + 20 * i, box.top = 150, box.right = 25 + 20 * i, box.bottom = 170;
            annotation->geometry.Set(std::move(box));
            v1::AddAnnotationT add;
            add.item = item;
            add.annotation = std::move(annotation);
            batch.ops.push_back(std::make_unique<v1::EditOpT>());
            batch.ops.back()->edit.Set(std::move(add));
        }
        flatbuffers::FlatBufferBuilder builder;
        v1::FinishEditBatchBuffer(builder, v1::CreateEditBatch(builder, &batch));
        transaction.apply({builder.GetBufferPointer(), builder.GetSize()});
        transaction.commit();
    } catch (const tessera::Error& e) {
        std::fprintf(stderr, "hold_lock: %s\n", e.what());
        return 1;
    }
    return 0;
}
