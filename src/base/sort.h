/* sort.h - a stable sort that never calls malloc (glibc's qsort takes a
 * buffer from malloc for anything over 1 KiB, which may be the program's
 * own allocator: base/mem.h says why lockwatch never enters it), and a
 * binary search of what it sorted. */
#ifndef LW_SORT_H
#define LW_SORT_H

#include "common.h"

/* Sort n elements of `size` bytes at base by cmp, keeping equal ones in
 * their order (as glibc's merge sort does). Its scratch comes from
 * lw__mem; without it, insertion sort (slow, still stable). */
void lw__sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* In n elements of `size` bytes, each starting with a uint64_t key and
 * sorted by it: the first whose key is above a (n when none is). */
size_t lw__sort_first_above(const void *base, size_t n, size_t size, uint64_t a);

#endif
