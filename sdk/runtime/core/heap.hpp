#pragma once
// Process-wide allocator settings for batch programs (the CLI, benchmarks).

#include <cstddef>

namespace tessera {

/// Makes glibc's malloc map each heap of a worker thread read-write whole, 64
/// MiB at once, serve blocks of up to 4 MiB from its heaps, and keep no
/// fastbins.
///
/// An import allocates its whole dataset on worker threads, whose heaps
/// otherwise grow one mprotect() call at a time: 110,000 calls that took a
/// tenth of a 1M-annotation COCO import. M_TOP_PAD of 64 MiB, the size of a
/// thread's heap, leaves 26; 16 MiB still made 83,000. Setting M_TOP_PAD
/// also stops glibc from raising the mmap threshold as large blocks are
/// freed, which would leave it at 128 KiB; so the threshold is set as well:
/// blocks up to 4 MiB are reused from the heaps, larger ones (a dataset's
/// growing vectors) get mappings of their own that go back to the system
/// when freed. At 32 MiB those freed vectors stayed in the heaps and raised
/// the peak of exporting 100k items from 293 to 335 MiB.
///
/// Without fastbins (M_MXFAST 0) small freed blocks go to the per-thread
/// cache and the bins at once, instead of waiting in fastbins that malloc
/// merges whenever a larger block is asked for: an import frees many small
/// blocks between large requests, and unlink_chunk() and
/// malloc_consolidate() took 13 % of it (import 1.09 -> 0.96 s).
///
/// The cost is memory, not only address space: up to 64 MiB freed at the top
/// of each heap is kept rather than returned (exporting 100k items peaks at
/// 293 MiB instead of 275 MiB). Right for a command that runs and exits; not
/// for the studio. Does nothing with other C libraries. Call once, before
/// threads start.
void tune_heap_for_batch_programs();

/// Batch programs also link tessera::block_cache (core/block_cache.cpp): each
/// thread keeps up to 1024 freed blocks of each size up to 512 bytes and hands
/// them out again, last freed first, before asking malloc. glibc's own
/// per-thread cache keeps 7 of each size, and its count is a startup setting
/// (GLIBC_TUNABLES), not one a program can make. An import frees an item's
/// annotations (about 150 blocks of a few sizes) after packing them, then
/// allocates as many for the next item: with 7 kept, malloc split and merged
/// free memory for most of them. Importing 1M COCO annotations: 0.86-0.92 s
/// instead of 0.98-1.04 s (tests/bench/RESULTS.md). Not in sanitizer builds.
///
/// The blocks the calling thread keeps now. Defined only where
/// tessera::block_cache is linked (which sets TESSERA_BLOCK_CACHE).
std::size_t cached_blocks();

}  // namespace tessera
