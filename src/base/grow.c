/* grow.c - the doubling array of grow.h. */
#include "grow.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

int lw__grow(void *arr, size_t *cap, size_t n, size_t sz, size_t first)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap : first;
	while (c <= n)
		c *= 2;
	void *old, *p;
	memcpy(&old, arr, sizeof(old));
	p = lw__mem_realloc(old, c * sz);
	if (!p)
		return -1;
	memcpy(arr, &p, sizeof(p));
	*cap = c;
	return 0;
}
