/* stats.c - per-lock counters (see stats.h); the table at exit is
 * report/stats_table.c. */
#include "stats.h"

#include <time.h>

uint64_t lw__now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void add_max(uint64_t *total, uint64_t *max, uint64_t v)
{
	__atomic_fetch_add(total, v, __ATOMIC_RELAXED);
	uint64_t old = lw__load(max);
	while (v > old && !__atomic_compare_exchange_n(max, &old, v, 1, __ATOMIC_RELAXED,
						       __ATOMIC_RELAXED))
		;
}

void lw__stats_acquired(struct lw__stats *s, uint64_t wait_ns, int contended)
{
	__atomic_fetch_add(&s->acquisitions, 1, __ATOMIC_RELAXED);
	if (contended) {
		__atomic_fetch_add(&s->contended, 1, __ATOMIC_RELAXED);
		add_max(&s->wait_ns, &s->wait_max_ns, wait_ns);
	} else {
		__atomic_fetch_add(&s->uncontended_ns, wait_ns, __ATOMIC_RELAXED);
	}
}

void lw__stats_released(struct lw__stats *s, uint64_t hold_ns)
{
	add_max(&s->hold_ns, &s->hold_max_ns, hold_ns);
}
