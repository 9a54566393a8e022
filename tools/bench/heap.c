/* heap.c - the benchmark row of a malloc/free-heavy loop (issue 11): the
 * preload library interposes free (and realloc, munmap) to retire the
 * locks of freed memory; the common free must stay within 5% of plain.
 *
 *   malloc_free  malloc + one store + free, sizes cycling from 16 to 1,024
 *                bytes, one thread, while the process has live heap
 *                locks of its own (a table of 64 calloc'd mutexes, used
 *                once, so some pages do hold locks) (ns per pair)
 *   realloc_free malloc, realloc to 8 bytes more, free, the same sizes,
 *                beside the same table (ns per round: realloc's own test)
 *   free_near    the malloc_free loop where each of the 64 blocks lies
 *                just before a heap struct that starts with a mutex, used
 *                once: the block's last 64-byte granule holds the mutex's
 *                first bytes (where the struct starts 16, 32 or 48 bytes
 *                into a granule: three blocks in four), as in a heap of
 *                small objects with locks (ns per pair)
 *
 * Counts the thread's own CPU time, like the lock-creation rows. */
#define _GNU_SOURCE
#include "bench.h"

#include <stdlib.h>
#include <time.h>

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The loop's i-th block size: 16 to 1,024 bytes, 64 sizes in turn. */
static inline size_t block_size(uint64_t i)
{
	return 16 + (size_t)(i * 16 & 1023);
}

static __attribute__((noinline)) uint64_t body_malloc_free(uint64_t n)
{
	uint64_t t0 = thread_cpu_ns();
	for (uint64_t i = 0; i < n; i++) {
		char *p = malloc(block_size(i));
		if (!p)
			abort();
		*(volatile char *)p = (char)i;
		free(p);
	}
	return thread_cpu_ns() - t0;
}

static __attribute__((noinline)) uint64_t body_realloc_free(uint64_t n)
{
	uint64_t t0 = thread_cpu_ns();
	for (uint64_t i = 0; i < n; i++) {
		size_t s = block_size(i);
		char *p = malloc(s);
		if (!p)
			abort();
		*(volatile char *)p = (char)i;
		char *q = realloc(p, s + 8);
		if (!q)
			abort();
		*(volatile char *)q = (char)i;
		free(q);
	}
	return thread_cpu_ns() - t0;
}

/* free_near: 64 blocks of the loop's sizes, each followed by a struct
 * that starts with a mutex, then the blocks freed: the loop's malloc of
 * each size gets its block back (glibc's per-size cache). */
static int near_rows(void)
{
	uint64_t it;
	enum { N = 64 };
	void *blocks[N];
	struct obj {
		b_mutex_t mu;
		char rest[24];
	} *objs[N];
	for (int i = 0; i < N; i++) {
		blocks[i] = malloc(block_size((uint64_t)i));
		objs[i] = calloc(1, sizeof(struct obj));
		if (!blocks[i] || !objs[i])
			return -1;
		B_LOCK(&objs[i]->mu);
		B_UNLOCK(&objs[i]->mu);
	}
	for (int i = 0; i < N; i++)
		free(blocks[i]);
	put_row("free_near", measure(body_malloc_free, &it), &it);
	for (int i = 0; i < N; i++)
		free(objs[i]);
	return 0;
}

int heap_rows(void)
{
	uint64_t it;
	if (!want("malloc_free") && !want("realloc_free"))
		return want("free_near") ? near_rows() : 0;
	b_mutex_t *live = calloc(64, sizeof(b_mutex_t));
	if (!live)
		return -1;
	for (int i = 0; i < 64; i++) {
		B_LOCK(&live[i]);
		B_UNLOCK(&live[i]);
	}
	if (want("malloc_free"))
		put_row("malloc_free", measure(body_malloc_free, &it), &it);
	if (want("realloc_free"))
		put_row("realloc_free", measure(body_realloc_free, &it), &it);
	free(live);
	return want("free_near") ? near_rows() : 0;
}
