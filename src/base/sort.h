/* sort.h - a stable sort that never calls malloc: glibc's qsort takes a
 * buffer from malloc for anything over 1 KiB, which may be the program's
 * own allocator (base/mem.h says why lockwatch never enters it). */
#ifndef LW_SORT_H
#define LW_SORT_H

#include "common.h"

/* Sort n elements of `size` bytes at base by cmp, keeping equal ones in
 * their order (as glibc's merge sort does). Its scratch comes from
 * lw__mem; without it, insertion sort (slow, still stable). */
void lw__sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
