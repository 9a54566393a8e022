/* churn_memory.c - lockwatch's memory follows the live locks (issue 10,
 * item 8): two threads each make, use and destroy 60,000 heap mutexes
 * (at most two alive at a time per thread, each taken under a hub lock,
 * so each makes an edge), then one thread does the same with 100,000
 * mutexes at 100,000 different addresses. Retired records are reused and
 * the address map does not keep dead addresses, so lockwatch's own count
 * (lw_memory) stays small: at most 2,048 lock records in use, 2 MiB of
 * registry (record chunks and map; before reuse: 120,000 records, 15
 * MiB), and no edge left of a destroyed lock. Counts, not timings. A scan
 * for reusable records waits while the watchdog looks (every watchdog_ms),
 * so the test runs with a watchdog that does not look meanwhile: then the
 * counts do not depend on how busy the machine is. */
#include "lwtest.h"

#define PER_THREAD 60000
#define UNIQUE 100000

static lw_mutex_t hub;

static void use(lw_mutex_t *m)
{
	lw_mutex_lock(&hub);
	lw_mutex_lock(m);
	lw_mutex_unlock(m);
	lw_mutex_unlock(&hub);
}

static void *churn(void *arg)
{
	(void)arg;
	lw_mutex_t *prev = NULL;
	for (int i = 0; i < PER_THREAD; i++) {
		lw_mutex_t *m = malloc(sizeof(*m));
		CHECK(m && lw_mutex_init(m, NULL) == 0, "init %d", i);
		use(m);
		if (prev) {
			CHECK(lw_mutex_destroy(prev) == 0, "destroy %d", i);
			free(prev);
		}
		prev = m;
	}
	CHECK(lw_mutex_destroy(prev) == 0, "destroy last");
	free(prev);
	return NULL;
}

static void check_bounded(const char *phase)
{
	lw_memory_t m;
	lw_memory(&m);
	printf("%s: locks %zu (%zu B), edges %zu (%zu B)\n", phase, m.locks, m.lock_bytes,
	       m.edges, m.edge_bytes);
	CHECK(m.locks <= 2048, "%s: %zu lock records in use", phase, m.locks);
	CHECK(m.lock_bytes <= (2u << 20), "%s: %zu bytes of lock records", phase, m.lock_bytes);
	CHECK(m.edges == 0, "%s: %zu edges left", phase, m.edges);
}

int main(void)
{
	lwt_start();
	CHECK(lw_mutex_init(&hub, NULL) == 0, "init hub");
	pthread_t th[2];
	for (int k = 0; k < 2; k++)
		CHECK(pthread_create(&th[k], NULL, churn, NULL) == 0, "create");
	for (int k = 0; k < 2; k++)
		pthread_join(th[k], NULL);
	check_bounded("heap churn");

	lw_mutex_t *many = calloc(UNIQUE, sizeof(*many));
	CHECK(many != NULL, "calloc");
	for (int i = 0; i < UNIQUE; i++) {
		CHECK(lw_mutex_init(&many[i], NULL) == 0, "init %d", i);
		use(&many[i]);
		CHECK(lw_mutex_destroy(&many[i]) == 0, "destroy %d", i);
	}
	check_bounded("unique addresses");
	free(many);
	CHECK(lwt_count(-1, -1) == 0, "no report");
	return 0;
}
