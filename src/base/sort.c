/* sort.c - the stable sort of sort.h: merge sort, bottom up, between the
 * array and one scratch array of the same size; and the binary search. */
#include "sort.h"
#include "mem.h"

#include <string.h>

/* Insertion sort with a one-element buffer: stable, no allocation. */
static void insertion(char *a, size_t n, size_t size, int (*cmp)(const void *, const void *),
		      char *tmp)
{
	for (size_t i = 1; i < n; i++) {
		size_t j = i;
		memcpy(tmp, a + i * size, size);
		while (j > 0 && cmp(a + (j - 1) * size, tmp) > 0) {
			memcpy(a + j * size, a + (j - 1) * size, size);
			j--;
		}
		memcpy(a + j * size, tmp, size);
	}
}

/* Merge the sorted runs src[lo, mid) and src[mid, hi) into dst[lo, hi). */
static void merge(const char *src, char *dst, size_t lo, size_t mid, size_t hi, size_t size,
		  int (*cmp)(const void *, const void *))
{
	size_t i = lo, j = mid, k = lo;
	while (i < mid && j < hi) {
		/* the left one on ties: stable */
		if (cmp(src + j * size, src + i * size) < 0)
			memcpy(dst + k++ * size, src + j++ * size, size);
		else
			memcpy(dst + k++ * size, src + i++ * size, size);
	}
	memcpy(dst + k * size, src + i * size, (mid - i) * size);
	k += mid - i;
	memcpy(dst + k * size, src + j * size, (hi - j) * size);
}

void lw__sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n < 2 || size == 0)
		return;
	char *a = base;
	char one[64];
	if (n <= 16 && size <= sizeof(one)) {
		insertion(a, n, size, cmp, one);
		return;
	}
	char *b = n <= SIZE_MAX / size ? lw__mem_alloc(n * size) : NULL;
	if (!b) {
		char *t = size <= sizeof(one) ? one : lw__mem_alloc(size);
		if (t)
			insertion(a, n, size, cmp, t);
		if (t != one)
			lw__mem_free(t);
		return;
	}
	char *src = a, *dst = b;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			merge(src, dst, lo, mid, hi, size, cmp);
		}
		char *x = src;
		src = dst;
		dst = x;
	}
	if (src != a)
		memcpy(a, src, n * size);
	lw__mem_free(b);
}

size_t lw__sort_first_above(const void *base, size_t n, size_t size, uint64_t a)
{
	const unsigned char *b = base;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t at;
		memcpy(&at, b + mid * size, sizeof(at));
		if (at <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
