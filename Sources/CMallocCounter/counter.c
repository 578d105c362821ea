// Interposes the malloc family for muxbench. Each wrapper calls glibc's internal entry
// point (never dlsym, which itself allocates) and counts with relaxed atomics: the
// benchmark reads the counters around a measured loop on one thread.
#define _GNU_SOURCE
#include "CMallocCounter.h"
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static _Atomic uint64_t allocations;
static _Atomic uint64_t frees;
static _Atomic int64_t bytes;

static inline void *counted(void *p) {
    if (p) {
        atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&bytes, (int64_t)malloc_usable_size(p), memory_order_relaxed);
    }
    return p;
}

static inline void uncounted(void *p) {
    if (p) {
        atomic_fetch_add_explicit(&frees, 1, memory_order_relaxed);
        atomic_fetch_sub_explicit(&bytes, (int64_t)malloc_usable_size(p), memory_order_relaxed);
    }
}

void *malloc(size_t n) { return counted(__libc_malloc(n)); }
void *calloc(size_t n, size_t m) { return counted(__libc_calloc(n, m)); }
void free(void *p) { uncounted(p); __libc_free(p); }

void *realloc(void *p, size_t n) {
    uncounted(p);
    void *q = __libc_realloc(p, n);
    if (!q && p && n) {  // failed: the old block is still live
        atomic_fetch_sub_explicit(&frees, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&bytes, (int64_t)malloc_usable_size(p), memory_order_relaxed);
        return q;
    }
    return counted(q);
}

void *memalign(size_t a, size_t n) { return counted(__libc_memalign(a, n)); }
void *aligned_alloc(size_t a, size_t n) { return counted(__libc_memalign(a, n)); }

int posix_memalign(void **out, size_t a, size_t n) {
    if (a < sizeof(void *) || (a & (a - 1))) return EINVAL;
    void *p = __libc_memalign(a, n);
    if (!p) return ENOMEM;
    *out = counted(p);
    return 0;
}

uint64_t cmc_allocations(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }
uint64_t inputmux_allocation_count(void) { return cmc_allocations(); }
uint64_t cmc_frees(void) { return atomic_load_explicit(&frees, memory_order_relaxed); }
int64_t cmc_bytes_in_use(void) { return atomic_load_explicit(&bytes, memory_order_relaxed); }

int cmc_active(void) {
    uint64_t before = cmc_allocations();
    // Through a volatile pointer so the compiler cannot elide the pair.
    void *(*volatile m)(size_t) = malloc;
    void *p = m(24);
    free(p);
    return cmc_allocations() > before;
}
