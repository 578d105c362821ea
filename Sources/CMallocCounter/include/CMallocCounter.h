// Counts heap allocations made by the process, for `muxbench passthrough` (the hot path
// allocates nothing) and `muxbench core` (allocations per gate decision, bytes per idle
// session). Linked into muxbench only: it replaces the process's
// malloc family with thin wrappers over glibc's own (__libc_malloc & co.).
#ifndef CMALLOCCOUNTER_H
#define CMALLOCCOUNTER_H
#include <stdint.h>

/// Calls to malloc/calloc/realloc/posix_memalign/aligned_alloc/memalign so far.
uint64_t cmc_allocations(void);
/// Calls to free with a non-NULL pointer so far.
uint64_t cmc_frees(void);
/// Usable bytes currently allocated (malloc_usable_size of live blocks).
int64_t cmc_bytes_in_use(void);
/// Whether the wrappers are the ones the process actually calls (the executable's symbols
/// interpose glibc's); if not, the counts above are meaningless.
int cmc_active(void);
/// Same as cmc_allocations (the name `muxbench passthrough` uses).
uint64_t inputmux_allocation_count(void);
#endif
