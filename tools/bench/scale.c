/* scale.c - the benchmark rows over many locks (issue 12): what a program
 * with a lock per bucket or per item pays, where the thread's own caches
 * (64 addresses, 512 chains) cannot hold everything it touches.
 *
 *   table_1k, table_100k  one thread locks and unlocks a random one of
 *                         1,024 / 100,000 mutexes (ns per lock+unlock)
 *   try_1k                the same with trylock (group `table`: servers
 *                         try item locks, memcached's item_trylock)
 *   coupling              a walk down a list of 1,024 mutexes, hand over
 *                         hand: take the next, let go of the one before
 *                         (group `table`; ns per node)
 *   table_16, table_64    the same over 16 and 64 mutexes (group `curve`,
 *                         with the two above: the cost against the number
 *                         of locks touched)
 *   two_tables            two threads, each on its own 1,024-lock table
 *                         (ns per lock+unlock per thread; the driver
 *                         divides by table_1k)
 *   striped               a random one of 1,024 bucket locks, then one
 *                         global lock under it (ns per pair)
 *   fanout_256, _16k      one lock held over N item locks taken in turn,
 *                         each taking one more (shared) lock under it, in
 *                         a consistent order (ns per item)
 *
 * Every lock is touched once, in order, by the timed body itself (its own
 * call sites) before the row is timed: a lock's first chains are new work,
 * measured by the new-edge rows; these rows measure the steady state. The random index comes from a
 * xorshift generator, the same in every form. */
#define _GNU_SOURCE
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>

/* A table: its locks, and an order to touch them in (a random
 * permutation, walked again and again: each pass touches every lock once,
 * so the first pass, untimed, is the warm-up, at the body's own call sites). */
struct table {
	b_mutex_t *m;
	uint32_t *perm;
	uint32_t n, pos;
};

static inline b_mutex_t *pick(struct table *t)
{
	uint32_t i = t->perm[t->pos];
	t->pos = t->pos + 1 == t->n ? 0 : t->pos + 1;
	return &t->m[i];
}

static int table_new(struct table *t, uint32_t n, uint64_t seed)
{
	t->m = malloc((size_t)n * sizeof(*t->m));
	t->perm = malloc((size_t)n * sizeof(*t->perm));
	t->n = n, t->pos = 0;
	if (!t->m || !t->perm)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		if (B_MUTEX_INIT(&t->m[i]) != 0)
			return -1;
		t->perm[i] = i;
	}
	for (uint32_t i = n - 1; i > 0; i--) { /* Fisher-Yates, xorshift64 */
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		uint32_t j = (uint32_t)(((seed >> 32) * (uint64_t)(i + 1)) >> 32), x = t->perm[i];
		t->perm[i] = t->perm[j], t->perm[j] = x;
	}
	return 0;
}

/* ---- one table, one thread ----------------------------------------------- */
static struct table cur;

static uint64_t table_loop(struct table *t, uint64_t iters)
{
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		b_mutex_t *m = pick(t);
		B_LOCK(m);
		B_UNLOCK(m);
	}
	return now_ns() - t0;
}

static __attribute__((noinline)) uint64_t body_table(uint64_t iters)
{
	return table_loop(&cur, iters);
}

static __attribute__((noinline)) uint64_t body_try(uint64_t iters)
{
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		b_mutex_t *m = pick(&cur);
		if (B_TRYLOCK(m) == 0)
			B_UNLOCK(m);
	}
	return now_ns() - t0;
}

/* ---- lock coupling: a walk down a list of 1,024 nodes, hand over hand -- */
static __attribute__((noinline)) uint64_t body_coupling(uint64_t iters)
{
	uint64_t t0 = now_ns();
	for (uint64_t done = 0; done < iters;) {
		uint64_t k = iters - done < cur.n ? iters - done : cur.n;
		B_LOCK(&cur.m[0]);
		for (uint64_t i = 1; i < k; i++) {
			B_LOCK(&cur.m[i]);
			B_UNLOCK(&cur.m[i - 1]);
		}
		B_UNLOCK(&cur.m[k - 1]);
		done += k;
	}
	return now_ns() - t0;
}

/* ---- the striped pair ------------------------------------------------------ */
static b_mutex_t global_lock;

static __attribute__((noinline)) uint64_t body_striped(uint64_t iters)
{
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		b_mutex_t *m = pick(&cur);
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
			B_LOCK(&cur.m[i]);
			B_LOCK(&fan_inner);
			B_UNLOCK(&fan_inner);
			B_UNLOCK(&cur.m[i]);
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
	struct table t[2];
	uint64_t ns[2];
} pair;

static void *pair_worker(void *arg)
{
	int k = (int)(intptr_t)arg;
	table_loop(&pair.t[k], pair.t[k].n); /* the warm pass, at the worker's sites */
	pthread_barrier_wait(&pair.end);
	for (;;) {
		pthread_barrier_wait(&pair.start);
		if (pair.quit)
			return NULL;
		pair.ns[k] = table_loop(&pair.t[k], pair.iters);
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
	pair.quit = 0;
	for (int k = 0; k < 2; k++)
		if (table_new(&pair.t[k], n, 0x5DEECE66Dull + (uint64_t)k))
			return -1;
	if (pthread_barrier_init(&pair.start, NULL, 3) || pthread_barrier_init(&pair.end, NULL, 3))
		return -1;
	for (int k = 0; k < 2; k++)
		if (pthread_create(&th[k], NULL, pair_worker, (void *)(intptr_t)k) != 0)
			return -1;
	pthread_barrier_wait(&pair.end); /* both warmed */
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
	if (table_new(&cur, n, 0x9E3779B97F4A7C15ull))
		return -1;
	body(n); /* the warm pass: every lock once, at the body's own call sites */
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
	if (table_row("curve", "table_16", 16, body_table) ||
	    table_row("curve", "table_64", 64, body_table) ||
	    table_row("table", "table_1k", small, body_table) ||
	    table_row("table", "table_100k", large, body_table) ||
	    table_row("table", "try_1k", small, body_try) ||
	    table_row("table", "coupling", small, body_coupling))
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
