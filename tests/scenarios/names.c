/* names.c - how locks are named in reports. Six locks in one ring (taken
 * pairwise in one thread, so the last pair closes a cycle through all of
 * them): a global (accounts_lock), a static local inside cache() (named
 * cache_lock), a global renamed with lw_set_name ("queue" wins over its
 * symbol job_mutex, which stays its class), a heap mutex named with
 * lw_set_name ("pool"), an unnamed heap mutex initialised with
 * pthread_mutex_init (named "mutex@names.c:LINE", LINE the init's) and an
 * unnamed zeroed heap mutex never initialised (named after its first lock).
 * In the header form LINE is exactly the call's line; in the wrapper form
 * it comes from debug info, so only "mutex@" and the file are checked.
 * Expected: one lock_order_cycle error with exactly these six names. */
#include "lwtest.h"

pthread_mutex_t accounts_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t job_mutex = PTHREAD_MUTEX_INITIALIZER;
static int init_line, first_lock_line;

__attribute__((noinline)) static pthread_mutex_t *cache(void)
{
	static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
	return &cache_lock;
}

__attribute__((noinline)) static void step(pthread_mutex_t *a, pthread_mutex_t *b)
{
	pthread_mutex_lock(a);
	pthread_mutex_lock(b);
	pthread_mutex_unlock(b);
	pthread_mutex_unlock(a);
}

static int find(const struct lwt_report *r, const char *prefix)
{
	for (int i = 0; i < r->n_locks; i++)
		if (strncmp(r->locks[i], prefix, strlen(prefix)) == 0)
			return i;
	return -1;
}

int main(void)
{
	lwt_start();
	pthread_mutex_t *pool = malloc(sizeof(*pool));
	pthread_mutex_t *heap = malloc(sizeof(*heap));
	pthread_mutex_t *zeroed = calloc(1, sizeof(*zeroed));
	CHECK(pool && heap && zeroed, "malloc");
	CHECK(pthread_mutex_init(pool, NULL) == 0, "init pool");
	lw_set_name(pool, "pool");
	lw_set_name(&job_mutex, "queue");
	pthread_mutex_init(heap, NULL); init_line = __LINE__;
	pthread_mutex_lock(zeroed); first_lock_line = __LINE__;
	pthread_mutex_unlock(zeroed);

	pthread_mutex_t *ring[] = { &accounts_lock, cache(), &job_mutex, pool, heap, zeroed };
	int n = (int)(sizeof(ring) / sizeof(ring[0]));
	for (int i = 0; i < n; i++)
		step(ring[i], ring[(i + 1) % n]);

	CHECK(lwt_count(-1, -1) == 1, "one report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_LOCK_ORDER_CYCLE, LW_ERROR);
	CHECK(r != NULL, "an error cycle");
	CHECK(r->n_locks == n, "%d locks, got %d", n, r->n_locks);
	int i;

	i = find(r, "accounts_lock");
	CHECK(i >= 0 && strcmp(r->locks[i], "accounts_lock") == 0, "global: accounts_lock");
	CHECK(strcmp(r->classes[i], "accounts_lock") == 0, "its class: %s", r->classes[i]);

	int cache_i = find(r, "cache_lock");
	CHECK(cache_i >= 0, "static local named after cache_lock");

	i = find(r, "queue");
	CHECK(i >= 0 && strcmp(r->locks[i], "queue") == 0, "lw_set_name wins: queue");
	CHECK(strcmp(r->classes[i], "job_mutex") == 0, "the class stays the symbol: %s",
	      r->classes[i]);
	CHECK(!lwt_has_lock(r, "job_mutex"), "not named job_mutex");

	i = find(r, "pool");
	CHECK(i >= 0 && strcmp(r->locks[i], "pool") == 0, "named heap lock: pool");
	CHECK(strcmp(r->classes[i], "pool") == 0, "its class: %s", r->classes[i]);

	int heaps = 0;
	for (int k = 0; k < r->n_locks; k++) {
		if (strncmp(r->locks[k], "mutex@", 6) != 0)
			continue;
		heaps++;
		CHECK(strstr(r->locks[k], "names.c:") != NULL, "mutex@names.c:LINE, got %s",
		      r->locks[k]);
		CHECK(strstr(r->classes[k], "names.c:") != NULL, "class names.c:LINE, got %s",
		      r->classes[k]);
	}
	CHECK(heaps == 2, "two unnamed heap locks, got %d", heaps);
#ifdef LOCKWATCH_PTHREAD_H
	char want[64];
	snprintf(want, sizeof(want), "mutex@names.c:%d", init_line);
	CHECK(lwt_has_lock(r, want), "the init site exactly: %s", want);
	snprintf(want, sizeof(want), "mutex@names.c:%d", first_lock_line);
	CHECK(lwt_has_lock(r, want), "the first lock's site exactly: %s", want);
#else
	(void)init_line;
	(void)first_lock_line;
#endif
	CHECK(lwt_has_func(r, "step"), "step in the stacks");
	for (int k = 0; k < n; k++)
		CHECK(strstr(r->headline, r->locks[k]) != NULL, "headline names %s: %s",
		      r->locks[k], r->headline);
	printf("%s", r->text);
	/* last, so that everything above is checked whatever this says: the
	 * static local is "cache_lock", not the compiler's "cache_lock.1" */
	CHECK(strcmp(r->locks[cache_i], "cache_lock") == 0, "static local: cache_lock, got %s",
	      r->locks[cache_i]);
	CHECK(strcmp(r->classes[cache_i], "cache_lock") == 0, "its class: cache_lock, got %s",
	      r->classes[cache_i]);
	return 0;
}
