// The small-block cache of batch programs (see heap.hpp): global operator new
// and delete replaced by a per-thread stack of freed blocks for each size up to
// kLargest bytes, in front of malloc. Linked into the CLI, bench_coco and the
// unit tests (tessera::block_cache), never into a library, and not into
// sanitizer builds: blocks kept here would hide a use after free from
// AddressSanitizer.

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
        for (std::size_t c = 0; c < kClasses; ++c) {
            while (void* block = stacks.top[c]) {
                stacks.top[c] = *static_cast<void**>(block);
                std::free(block);
            }
            stacks.count[c] = 0;
        }
    }
    void arm() const {}
};
thread_local Drain drain;

/// Registers this thread's Drain at its first small block. (A thread whose
/// first one comes after its Drains ran, in a pthread key's destructor, leaks
/// the blocks it frees then; a C++ program's threads allocate long before.)
void arm() {
    if (stacks.armed) return;
    stacks.armed = true;
    drain.arm();  // constructs the thread's Drain, which registers its destructor
}

/// The size class of `size` (at most kLargest).
std::size_t class_of(std::size_t size) {
    return size == 0 ? 1 : (size + kGranule - 1) / kGranule;
}

void* from_malloc(std::size_t size) {
    for (;;) {
        if (void* block = std::malloc(size)) return block;
        const std::new_handler handler = std::get_new_handler();
        if (handler == nullptr) throw std::bad_alloc();
        handler();
    }
}

void* allocate(std::size_t size) {
    if (size > kLargest) return from_malloc(size);
    const std::size_t c = class_of(size);
    if (void* block = stacks.top[c]) {
        stacks.top[c] = *static_cast<void**>(block);
        --stacks.count[c];
        return block;
    }
    arm();
    return from_malloc(c * kGranule);  // any block of the class then serves any size of it
}

void release(void* block, std::size_t size) {
    if (block == nullptr) return;
    if (size > kLargest) {
        std::free(block);
        return;
    }
    const std::size_t c = class_of(size);
    if (stacks.count[c] >= kDepth || stacks.draining) {
        std::free(block);
        return;
    }
    arm();
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
