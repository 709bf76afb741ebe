// The small-block cache of batch programs (see heap.hpp): global operator new
// and delete replaced by a per-thread stack of freed blocks for each size up to
// kLargest bytes, in front of malloc. Linked into the CLI and the benchmarks
// only (tessera::block_cache), never into a library, and not into sanitizer
// builds: blocks kept here would hide a use after free from AddressSanitizer.

#include <cstddef>
#include <cstdlib>
#include <new>

#include "core/heap.hpp"

namespace {

constexpr std::size_t kGranule = 16;  // malloc's alignment: sizes go up in steps of 16
constexpr std::size_t kLargest = 512;
constexpr std::size_t kClasses = kLargest / kGranule + 1;  // class c holds blocks of c * 16 bytes
constexpr unsigned kDepth = 1024;                          // blocks kept per class and thread

/// Freed blocks, each holding the address of the next. Trivially destructible,
/// so that it stays usable while other thread-local objects are destroyed.
struct Stacks {
    void* top[kClasses];
    unsigned count[kClasses];
    bool draining;  // the thread ends: blocks go back to malloc
    bool armed;     // the Drain of this thread is registered
};
thread_local Stacks stacks{};

/// Gives the blocks of a thread that ends back to malloc.
struct Drain {
    ~Drain() {
        stacks.draining = true;
        for (std::size_t c = 0; c < kClasses; ++c)
            while (void* block = stacks.top[c]) {
                stacks.top[c] = *static_cast<void**>(block);
                std::free(block);
            }
    }
};
thread_local Drain drain;

std::size_t class_of(std::size_t size) {
    return (size + kGranule - 1) / kGranule;
}

void* allocate(std::size_t size) {
    const std::size_t c = size == 0 ? 1 : class_of(size);
    if (c < kClasses) {
        if (void* block = stacks.top[c]) {
            stacks.top[c] = *static_cast<void**>(block);
            --stacks.count[c];
            return block;
        }
        size = c * kGranule;  // any block of the class then serves any size of it
    }
    if (void* block = std::malloc(size)) return block;
    throw std::bad_alloc();
}

void release(void* block, std::size_t size) {
    if (block == nullptr) return;
    const std::size_t c = size == 0 ? 1 : class_of(size);
    if (c >= kClasses || stacks.count[c] >= kDepth || stacks.draining) {
        std::free(block);
        return;
    }
    if (!stacks.armed) {
        stacks.armed = true;
        static_cast<void>(&drain);  // constructs and registers it for this thread
    }
    *static_cast<void**>(block) = stacks.top[c];
    stacks.top[c] = block;
    ++stacks.count[c];
}

}  // namespace

namespace tessera {

std::size_t cached_blocks() {
    std::size_t blocks = 0;
    for (const unsigned count : stacks.count) blocks += count;
    return blocks;
}

}  // namespace tessera

// Blocks come from malloc, so a delete without a size (or of an over-aligned
// type, which has its own operators) simply frees them.
void* operator new(std::size_t size) {
    return allocate(size);
}
void* operator new[](std::size_t size) {
    return allocate(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return allocate(size);
    } catch (const std::bad_alloc&) {
        return nullptr;
    }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
    return operator new(size, tag);
}
void operator delete(void* block) noexcept {
    std::free(block);
}
void operator delete[](void* block) noexcept {
    std::free(block);
}
void operator delete(void* block, const std::nothrow_t&) noexcept {
    std::free(block);
}
void operator delete[](void* block, const std::nothrow_t&) noexcept {
    std::free(block);
}
void operator delete(void* block, std::size_t size) noexcept {
    release(block, size);
}
void operator delete[](void* block, std::size_t size) noexcept {
    release(block, size);
}
