/* scale.c - the benchmark rows over many locks (issue 12): what a program
 * with a lock per bucket or per item pays, where the thread's own caches
 * (16 addresses, 512 chains) cannot hold everything it touches.
 *
 *   table_1k, table_100k  one thread locks and unlocks a random one of
 *                         1,024 / 100,000 mutexes (ns per lock+unlock)
 *   two_tables            two threads, each on its own 1,024-lock table
 *                         (ns per lock+unlock per thread; the driver
 *                         divides by table_1k)
 *   striped               a random one of 1,024 bucket locks, then one
 *                         global lock under it (ns per pair)
 *   fanout_256, _16k      one lock held over N item locks taken in turn,
 *                         each taking one more (shared) lock under it, in
 *                         a consistent order (ns per item)
 *
 * Every table is touched once in order before it is timed (each lock's
 * first chains are new work of their own, measured by the new-edge rows):
 * these rows measure the steady state. The random index comes from a
 * xorshift generator, the same in every form. */
#define _GNU_SOURCE
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static inline uint32_t pick(uint64_t *s, uint32_t n)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return (uint32_t)(((x >> 32) * (uint64_t)n) >> 32);
}

static b_mutex_t *table_new(uint32_t n)
{
	b_mutex_t *t = malloc((size_t)n * sizeof(*t));
	if (!t)
		return NULL;
	for (uint32_t i = 0; i < n; i++)
		if (B_MUTEX_INIT(&t[i]) != 0) {
			free(t);
			return NULL;
		}
	for (uint32_t i = 0; i < n; i++) { /* the first touch of each lock */
		B_LOCK(&t[i]);
		B_UNLOCK(&t[i]);
	}
	return t;
}

/* ---- one table, one thread ----------------------------------------------- */
static struct {
	b_mutex_t *t;
	uint32_t n;
} cur;

static uint64_t table_loop(b_mutex_t *t, uint32_t n, uint64_t *s, uint64_t iters)
{
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		b_mutex_t *m = &t[pick(s, n)];
		B_LOCK(m);
		B_UNLOCK(m);
	}
	return now_ns() - t0;
}

static __attribute__((noinline)) uint64_t body_table(uint64_t iters)
{
	return table_loop(cur.t, cur.n, &rng, iters);
}

/* ---- the striped pair ------------------------------------------------------ */
static b_mutex_t global_lock;

static __attribute__((noinline)) uint64_t body_striped(uint64_t iters)
{
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		b_mutex_t *m = &cur.t[pick(&rng, cur.n)];
		B_LOCK(m);
		B_LOCK(&global_lock);
		B_UNLOCK(&global_lock);
		B_UNLOCK(m);
	}
	return now_ns() - t0;
}

/* ---- fan-out: outer, then item i, then the shared inner lock ------------- */
static b_mutex_t fan_outer, fan_inner;

static __attribute__((noinline)) uint64_t body_fanout(uint64_t iters)
{
	uint64_t t0 = now_ns();
	for (uint64_t done = 0; done < iters;) {
		uint64_t k = iters - done < cur.n ? iters - done : cur.n;
		B_LOCK(&fan_outer);
		for (uint64_t i = 0; i < k; i++) {
			B_LOCK(&cur.t[i]);
			B_LOCK(&fan_inner);
			B_UNLOCK(&fan_inner);
			B_UNLOCK(&cur.t[i]);
		}
		B_UNLOCK(&fan_outer);
		done += k;
	}
	return now_ns() - t0;
}

/* ---- two threads, each on its own table ------------------------------------ */
static struct {
	pthread_barrier_t start, end;
	uint64_t iters;
	int quit;
	b_mutex_t *t[2];
	uint32_t n;
	uint64_t ns[2];
} pair;

static void *pair_worker(void *arg)
{
	int k = (int)(intptr_t)arg;
	uint64_t s = rng + 0x1234567ull * (uint64_t)(k + 1);
	for (;;) {
		pthread_barrier_wait(&pair.start);
		if (pair.quit)
			return NULL;
		pair.ns[k] = table_loop(pair.t[k], pair.n, &s, pair.iters);
		pthread_barrier_wait(&pair.end);
	}
}

/* The mean of the two threads' own elapsed times. */
static uint64_t body_pair(uint64_t iters)
{
	pair.iters = iters;
	pthread_barrier_wait(&pair.start);
	pthread_barrier_wait(&pair.end);
	return (pair.ns[0] + pair.ns[1]) / 2;
}

static int pair_run(uint32_t n, double *ns)
{
	pthread_t th[2];
	pair.n = n;
	pair.quit = 0;
	for (int k = 0; k < 2; k++)
		if (!(pair.t[k] = table_new(n)))
			return -1;
	if (pthread_barrier_init(&pair.start, NULL, 3) || pthread_barrier_init(&pair.end, NULL, 3))
		return -1;
	for (int k = 0; k < 2; k++)
		if (pthread_create(&th[k], NULL, pair_worker, (void *)(intptr_t)k) != 0)
			return -1;
	*ns = measure(body_pair, NULL);
	pair.quit = 1;
	pthread_barrier_wait(&pair.start);
	for (int k = 0; k < 2; k++)
		pthread_join(th[k], NULL);
	pthread_barrier_destroy(&pair.start);
	pthread_barrier_destroy(&pair.end);
	return 0;
}

/* Measure body over a fresh table of n locks as row `key` (when its group
 * or the row itself is selected). */
static int table_row(const char *group, const char *key, uint32_t n, body_fn body)
{
	uint64_t it;
	if (!want(group) && !want(key))
		return 0;
	if (!(cur.t = table_new(n)))
		return -1;
	cur.n = n;
	if (body == body_fanout) /* the first pass makes every chain */
		body(n);
	put_row(key, measure(body, &it), &it);
	return 0; /* the table stays: its records are the program's */
}

int scale_rows(int quick)
{
	uint32_t small = 1024, large = quick ? 4096 : 100000;
	uint32_t fan_small = 256, fan_large = quick ? 2048 : 16384;
	double ns;
	if (B_MUTEX_INIT(&global_lock) || B_MUTEX_INIT(&fan_outer) || B_MUTEX_INIT(&fan_inner))
		return -1;
	if (table_row("table", "table_1k", small, body_table) ||
	    table_row("table", "table_100k", large, body_table))
		return -1;
	if (want("table") || want("two_tables")) {
		if (pair_run(small, &ns))
			return -1;
		put_row("two_tables", ns, NULL);
	}
	if (table_row("striped", "striped", small, body_striped) ||
	    table_row("fanout", "fanout_256", fan_small, body_fanout) ||
	    table_row("fanout", "fanout_16k", fan_large, body_fanout))
		return -1;
	printf("meta table_large_n %u\nmeta fanout_large_n %u\n", large, fan_large);
	fflush(stdout);
	return 0;
}
