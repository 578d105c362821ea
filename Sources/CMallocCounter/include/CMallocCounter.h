#ifndef CMALLOCCOUNTER_H
#define CMALLOCCOUNTER_H
// Counts heap allocations of the process it is linked into (muxbench only): the
// executable's malloc/calloc/realloc interpose glibc's, count, and call glibc's.
#include <stdint.h>

/// Allocations (malloc, calloc, realloc) since the process started.
uint64_t inputmux_allocation_count(void);

#endif
