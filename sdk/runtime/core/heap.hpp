#pragma once
// Process-wide allocator settings for batch programs (the CLI, benchmarks).

namespace tessera {

/// Makes glibc's malloc grow (and keep) its heaps in steps of 64 MiB instead
/// of 128 KiB. An import allocates its whole dataset on worker threads, whose
/// heaps otherwise grow by one mprotect() call per 128 KiB: thousands of calls
/// that took a tenth of a 1M-annotation COCO import. Costs only address
/// space. Does nothing with other C libraries. Call once, before threads start.
void grow_heap_in_large_steps();

}  // namespace tessera
