/* mem_libc.c - the command's side of base/mem.h: the library's files the
 * command compiles too (buf.c, the report formatters) allocate through
 * lw__mem_*, which in the command's own process is simply libc's malloc.
 * (The library's allocator keeps clear of a program's malloc, which the
 * command never runs inside.) */
#include "mem.h"

#include <stdlib.h>
#include <string.h>

void *lw__mem_alloc(size_t n)
{
	return calloc(1, n ? n : 1);
}

void *lw__mem_calloc(size_t k, size_t n)
{
	return calloc(k ? k : 1, n ? n : 1);
}

void *lw__mem_realloc(void *p, size_t n)
{
	return realloc(p, n ? n : 1);
}

void lw__mem_free(void *p)
{
	free(p);
}

char *lw__mem_strdup(const char *s)
{
	return strdup(s);
}
