// The small-block cache of batch programs (core/block_cache.cpp), linked into
// the unit tests except in sanitizer builds.

#include <algorithm>
#include <array>
#include <memory>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "core/heap.hpp"

#if TESSERA_BLOCK_CACHE

namespace {

/// Runs `work` on a thread of its own, whose cache starts empty.
template <typename Work>
void on_new_thread(Work work) {
    std::thread(work).join();
}

}  // namespace

TEST_CASE("block cache: freed blocks are handed out again, last freed first") {
    using Block = std::array<char, 200>;
    std::size_t empty = 1, kept = 0, after = 1;
    std::vector<Block*> freed, reused;
    freed.reserve(100);  // no vector grows on the thread: that would free blocks too
    reused.reserve(100);
    on_new_thread([&] {
        empty = tessera::cached_blocks();
        std::vector<std::unique_ptr<Block>> blocks;
        blocks.reserve(100);  // 800 bytes: not a small block
        for (int i = 0; i < 100; ++i) {
            blocks.push_back(std::make_unique<Block>());
            blocks.back()->fill(static_cast<char>(i));
        }
        for (auto& block : blocks) freed.push_back(block.get());
        blocks.clear();  // frees them in order
        kept = tessera::cached_blocks();
        for (int i = 0; i < 100; ++i) blocks.push_back(std::make_unique<Block>());
        for (auto& block : blocks) reused.push_back(block.get());
        after = tessera::cached_blocks();
    });
    CHECK(empty == 0);
    CHECK(kept == 100);
    CHECK(after == 0);
    std::reverse(freed.begin(), freed.end());
    CHECK(reused == freed);
}

TEST_CASE("block cache: blocks of one size class serve every size of it") {
    std::size_t kept = 0;
    bool same = false;
    on_new_thread([&] {
        auto* small = new std::array<char, 33>;  // 48 bytes, as 33 to 48 are
        void* const address = small;
        delete small;
        kept = tessera::cached_blocks();
        auto* larger = new std::array<char, 48>;
        same = static_cast<void*>(larger) == address;
        larger->fill('x');  // the whole 48 bytes are there
        delete larger;
    });
    CHECK(kept == 1);
    CHECK(same);
}

TEST_CASE("block cache: large blocks and blocks past the depth go back to malloc") {
    std::size_t large = 1, deep = 0;
    on_new_thread([&] {
        delete new std::array<char, 1000>;
        large = tessera::cached_blocks();
        std::vector<std::unique_ptr<std::array<char, 64>>> blocks(1100);
        for (auto& block : blocks) block = std::make_unique<std::array<char, 64>>();
        blocks.clear();
        deep = tessera::cached_blocks();
    });
    CHECK(large == 0);
    CHECK(deep == 1024);
}

TEST_CASE("block cache: blocks freed on another thread stay there") {
    auto block = std::make_unique<std::array<char, 100>>();
    std::size_t there = 0;
    on_new_thread([&] {
        block.reset();
        there = tessera::cached_blocks();
    });
    CHECK(there == 1);
}

#endif
