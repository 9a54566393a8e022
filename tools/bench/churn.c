/* churn.c - the benchmark rows of lock creation (issue 18): what a
 * program that gives every request, connection or object its own mutex
 * pays.
 *
 *   create_1     init + destroy of a mutex, one thread (ns per pair)
 *   create_4     the same in four threads at once, each on its own
 *                mutexes (ns per pair, the mean of the four)
 *   create_use   init + lock + unlock + destroy, one thread (a lock per
 *                request, used once)
 *
 * Unlike the other rows, these count the thread's own CPU time
 * (CLOCK_THREAD_CPUTIME_ID), not wall time: on a machine with fewer than
 * four cores, or a busy one, wall time would measure the sharing of the
 * cores, not the cost of the calls.
 *
 * Each body walks a ring of 64 mutexes (a new address each time, like
 * objects from an allocator), initialising and destroying each in turn. */
#define _GNU_SOURCE
#include "bench.h"

#include <stdio.h>
#include <time.h>

#define RING 64

struct ring {
	b_mutex_t m[RING];
} __attribute__((aligned(64)));

static struct ring ring1;

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static __attribute__((noinline)) uint64_t churn(struct ring *r, uint64_t n)
{
	uint64_t t0 = thread_cpu_ns();
	for (uint64_t i = 0; i < n; i++) {
		b_mutex_t *m = &r->m[i % RING];
		B_MUTEX_INIT(m);
		B_MUTEX_DESTROY(m);
	}
	return thread_cpu_ns() - t0;
}

static uint64_t body_create_1(uint64_t n)
{
	return churn(&ring1, n);
}

static uint64_t body_create_use(uint64_t n)
{
	uint64_t t0 = thread_cpu_ns();
	for (uint64_t i = 0; i < n; i++) {
		b_mutex_t *m = &ring1.m[i % RING];
		B_MUTEX_INIT(m);
		B_LOCK(m);
		B_UNLOCK(m);
		B_MUTEX_DESTROY(m);
	}
	return thread_cpu_ns() - t0;
}

/* ---- four threads: persistent workers started by a barrier per run ------ */
#define NT 4
static struct {
	pthread_barrier_t start, end;
	uint64_t iters;
	int quit;
	uint64_t cpu[NT];
	struct ring r[NT];
} quad;

static void *quad_worker(void *arg)
{
	int k = (int)(intptr_t)arg;
	for (;;) {
		pthread_barrier_wait(&quad.start);
		if (quad.quit)
			return NULL;
		quad.cpu[k] = churn(&quad.r[k], quad.iters);
		pthread_barrier_wait(&quad.end);
	}
}

static uint64_t body_quad(uint64_t n)
{
	quad.iters = n;
	pthread_barrier_wait(&quad.start);
	pthread_barrier_wait(&quad.end);
	uint64_t sum = 0;
	for (int k = 0; k < NT; k++)
		sum += quad.cpu[k];
	return sum / NT;
}

static int quad_run(double *ns)
{
	pthread_t th[NT];
	quad.quit = 0;
	if (pthread_barrier_init(&quad.start, NULL, NT + 1) ||
	    pthread_barrier_init(&quad.end, NULL, NT + 1))
		return -1;
	for (int k = 0; k < NT; k++)
		if (pthread_create(&th[k], NULL, quad_worker, (void *)(intptr_t)k) != 0)
			return -1;
	*ns = measure(body_quad, NULL);
	quad.quit = 1;
	pthread_barrier_wait(&quad.start);
	for (int k = 0; k < NT; k++)
		pthread_join(th[k], NULL);
	pthread_barrier_destroy(&quad.start);
	pthread_barrier_destroy(&quad.end);
	return 0;
}

int churn_rows(void)
{
	uint64_t it;
	double ns;
	if (want("create") || want("create_1"))
		put_row("create_1", measure(body_create_1, &it), &it);
	if (want("create") || want("create_4")) {
		if (quad_run(&ns))
			return -1;
		put_row("create_4", ns, NULL);
	}
	if (want("create") || want("create_use"))
		put_row("create_use", measure(body_create_use, &it), &it);
	return 0;
}
