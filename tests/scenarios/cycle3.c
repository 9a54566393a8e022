/* cycle3.c - a three-lock cycle spread over three threads: load() takes
 * disk_lock then cache_lock, evict() takes cache_lock then index_lock,
 * reindex() takes index_lock then disk_lock. No two threads ever form a
 * cycle by themselves and they run one after the other, so nothing hangs.
 * Expected: exactly one lock_order_cycle error when the third edge closes
 * the cycle, naming the three locks once each, three edges, a headline
 * "lock-order cycle: X -> Y -> Z -> X" that follows the cycle's direction,
 * load/evict/reindex in the stacks; repeating the rounds adds nothing. */
#include "lwtest.h"

pthread_mutex_t disk_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;
static int work;

__attribute__((noinline)) static void load(void)
{
	pthread_mutex_lock(&disk_lock);
	pthread_mutex_lock(&cache_lock);
	work++;
	pthread_mutex_unlock(&cache_lock);
	pthread_mutex_unlock(&disk_lock);
}

__attribute__((noinline)) static void evict(void)
{
	pthread_mutex_lock(&cache_lock);
	pthread_mutex_lock(&index_lock);
	work++;
	pthread_mutex_unlock(&index_lock);
	pthread_mutex_unlock(&cache_lock);
}

__attribute__((noinline)) static void reindex(void)
{
	pthread_mutex_lock(&index_lock);
	pthread_mutex_lock(&disk_lock);
	work++;
	pthread_mutex_unlock(&disk_lock);
	pthread_mutex_unlock(&index_lock);
}

static void *loader(void *arg) { (void)arg; for (int i = 0; i < 50; i++) load(); return NULL; }
static void *evicter(void *arg) { (void)arg; for (int i = 0; i < 50; i++) evict(); return NULL; }
static void *indexer(void *arg) { (void)arg; for (int i = 0; i < 50; i++) reindex(); return NULL; }

/* The headline is "lock-order cycle: " then n+1 names joined by " -> ",
 * the last equal to the first, and each step one of the cycle's edges
 * (order[i] -> order[i+1 mod n]). */
static int headline_follows(const char *h, const char *const *order, int n)
{
	const char *prefix = "lock-order cycle: ";
	char buf[512], *parts[32];
	int np = 0;
	if (strncmp(h, prefix, strlen(prefix)) != 0)
		return 0;
	snprintf(buf, sizeof(buf), "%s", h + strlen(prefix));
	for (char *p = buf; p && np < 32;) {
		parts[np++] = p;
		char *arrow = strstr(p, " -> ");
		if (arrow) {
			*arrow = 0;
			p = arrow + 4;
		} else {
			p = NULL;
		}
	}
	if (np != n + 1 || strcmp(parts[0], parts[n]) != 0)
		return 0;
	int start = -1;
	for (int i = 0; i < n; i++)
		if (strcmp(parts[0], order[i]) == 0)
			start = i;
	if (start < 0)
		return 0;
	for (int i = 0; i <= n; i++)
		if (strcmp(parts[i], order[(start + i) % n]) != 0)
			return 0;
	return 1;
}

int main(void)
{
	static const char *const order[] = { "disk_lock", "cache_lock", "index_lock" };
	lwt_start();
	lwt_run(loader, NULL);
	lwt_run(evicter, NULL);
	CHECK(lwt_count(-1, -1) == 0, "no report before the cycle closes, got %d",
	      lwt_count(-1, -1));
	lwt_run(indexer, NULL);
	/* again: the same cycle is not reported twice */
	lwt_run(loader, NULL);
	lwt_run(evicter, NULL);
	lwt_run(indexer, NULL);

	CHECK(lwt_count(LW_LOCK_ORDER_CYCLE, -1) == 1, "one cycle report, got %d",
	      lwt_count(LW_LOCK_ORDER_CYCLE, -1));
	CHECK(lwt_count(-1, -1) == 1, "no other report, got %d", lwt_count(-1, -1));
	struct lwt_report *r = lwt_find(LW_LOCK_ORDER_CYCLE, LW_ERROR);
	CHECK(r != NULL, "the cycle is an error");
	CHECK(r->n_locks == 3, "three locks, got %d", r->n_locks);
	CHECK(r->n_edges == 3, "three edges, got %d", r->n_edges);
	for (int i = 0; i < 3; i++)
		CHECK(lwt_has_lock(r, order[i]), "names %s", order[i]);
	CHECK(strcmp(r->locks[0], r->locks[1]) && strcmp(r->locks[1], r->locks[2]) &&
	      strcmp(r->locks[0], r->locks[2]), "each lock once");
	CHECK(lwt_has_func(r, "load"), "load in the stacks");
	CHECK(lwt_has_func(r, "evict"), "evict in the stacks");
	CHECK(lwt_has_func(r, "reindex"), "reindex in the stacks");
	CHECK(headline_follows(r->headline, order, 3), "headline follows the cycle: %s",
	      r->headline);
	CHECK(strstr(r->json, "\"kind\":\"lock_order_cycle\"") &&
	      strstr(r->json, "\"severity\":\"error\""), "json kind and severity");
	CHECK(lw_error_count() == 1, "error counter is 1, got %lu", lw_error_count());
	CHECK(lw_report_count(LW_LOCK_ORDER_CYCLE) == 1, "cycle counter is 1");
	CHECK(lw_report_count(LW_KIND_COUNT) == 1, "total counter is 1");
	printf("%s", r->text);
	return 0;
}
