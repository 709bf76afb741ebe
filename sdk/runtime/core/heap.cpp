#include "core/heap.hpp"

#include <cstdlib>  // defines __GLIBC__ when the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace tessera {

void tune_heap_for_batch_programs() {
#if defined(__GLIBC__)
    mallopt(M_TOP_PAD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_MXFAST, 0);
#endif
}

}  // namespace tessera
