/* timedlock_wait.c - a timed wait is a wait: rebuild_cache() (thread
 * rebuilder) holds cache_lock for 1.2 s; meanwhile lookup_with_deadline()
 * (thread reader) calls pthread_mutex_timedlock with a 1 s timeout, which
 * must still fail with ETIMEDOUT (asserted in every form). Thresholds
 * 300 ms. Expected: one long_wait (warning) of cache_lock with
 * lookup_with_deadline in the waiter's stack and the rebuilder listed as
 * holder, doing rebuild_cache now; one long_hold (warning) of cache_lock
 * with rebuild_cache in its stack; nothing else. */
#include "wdtest.h"

pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static int held;

WD_NOINLINE static void rebuild_cache(void)
{
	pthread_mutex_lock(&cache_lock);
	__atomic_store_n(&held, 1, __ATOMIC_RELEASE);
	wd_sleep_ms(1200);
	pthread_mutex_unlock(&cache_lock);
}

WD_NOINLINE static int lookup_with_deadline(void)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	int rc = pthread_mutex_timedlock(&cache_lock, &until);
	if (rc == 0)
		pthread_mutex_unlock(&cache_lock);
	return rc;
}

static void *rebuilder(void *arg) { (void)arg; wd_name("rebuilder"); rebuild_cache(); return NULL; }

static void *reader(void *arg)
{
	wd_name("reader");
	while (!__atomic_load_n(&held, __ATOMIC_ACQUIRE))
		wd_sleep_ms(1);
	uint64_t t0 = wd_ms();
	int rc = lookup_with_deadline();
	*(long *)arg = (long)(wd_ms() - t0);
	return (void *)(intptr_t)rc;
}

int main(void)
{
	wd_start();
	CHECK(lw_set_options("hold_ms=300:wait_ms=300") == 0, "options");
	pthread_t a, b;
	long waited = 0;
	void *rc;
	REQUIRE(pthread_create(&a, NULL, rebuilder, NULL) == 0, "pthread_create");
	REQUIRE(pthread_create(&b, NULL, reader, &waited) == 0, "pthread_create");
	pthread_join(b, &rc);
	pthread_join(a, NULL);
	REQUIRE((intptr_t)rc == ETIMEDOUT, "pthread_mutex_timedlock returned %d, not ETIMEDOUT",
		(int)(intptr_t)rc);
	REQUIRE(waited >= 900, "the timed lock gave up after %ld ms, before its 1 s timeout", waited);
	wd_settle(2);

	CHECK(lwt_count(LW_LONG_WAIT, LW_WARNING) == 1, "one long_wait, got %d",
	      lwt_count(LW_LONG_WAIT, -1));
	CHECK(lwt_count(LW_LONG_HOLD, LW_WARNING) == 1, "one long_hold, got %d",
	      lwt_count(LW_LONG_HOLD, -1));
	CHECK(wd_total() == 2, "nothing else, got %d reports", wd_total());
	struct lwt_report *w = lwt_find(LW_LONG_WAIT, -1), *h = lwt_find(LW_LONG_HOLD, -1);
	CHECK(w->n_locks == 1 && lwt_has_lock(w, "cache_lock"), "long_wait names cache_lock");
	CHECK(lwt_has_func(w, "lookup_with_deadline"), "waiter's stack shows lookup_with_deadline");
	CHECK(wd_has_now_func(w, "waiter", "lookup_with_deadline"), "and its 'doing now' too");
	CHECK(wd_thread_named(w, "reader", "waiter") && wd_thread_named(w, "rebuilder", "holder") &&
		      w->n_threads == 2,
	      "waiter and holder listed");
	CHECK(wd_has_now_func(w, "holder", "rebuild_cache"), "the holder is in rebuild_cache now");
	CHECK(strstr(w->headline, "(reader) has waited") && strstr(w->headline, "for cache_lock"),
	      "headline: %s", w->headline);
	CHECK(h->n_locks == 1 && lwt_has_lock(h, "cache_lock") && lwt_has_func(h, "rebuild_cache"),
	      "long_hold of cache_lock by rebuild_cache");
	CHECK(wd_thread_named(h, "rebuilder", "holder") && wd_thread_named(h, "reader", "waiter"),
	      "long_hold lists its holder and the waiter");
	printf("%s%s", w->text, h->text);
	return 0;
}
