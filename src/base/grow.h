/* grow.h - growing an array by doubling. Call under the guard (it
 * allocates). */
#ifndef LW_GROW_H
#define LW_GROW_H

#include "common.h"

/* Make room for element n of *arr (elements of sz bytes, *cap of them),
 * doubling from `first`. Returns 0, or -1 when out of memory (the array is
 * then unchanged). */
int lw__grow(void *arr, size_t *cap, size_t n, size_t sz, size_t first);

#endif
