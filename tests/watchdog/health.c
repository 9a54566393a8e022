/* health.c - lw_health() (in-process forms only). Thresholds 300 ms.
 * Expected: healthy at start (returns 0, all counts 0); while main holds
 * journal_lock in write_journal() for 800 ms and thread appender waits for
 * it, lw_health() turns non-zero with long_holds >= 1, long_waits >= 1,
 * longest_hold_ms >= 300, longest_wait_ms >= 300 (and no longer than the
 * hold really was) and no deadlock; after the release it turns healthy
 * again. No timing is assumed: each state is waited for (polled, bounded
 * at 20 s), since a loaded machine may run the watchdog late. The
 * reports: one long_hold and one long_wait of journal_lock, nothing else. */
#include "wdtest.h"

pthread_mutex_t journal_lock = PTHREAD_MUTEX_INITIALIZER;
static lw_health_t during;
static int during_rc;
static int appender_ready;
static long held_ms; /* how long journal_lock was held when `during` was read */

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

WD_NOINLINE static void append_entry(void)
{
	pthread_mutex_lock(&journal_lock);
	pthread_mutex_unlock(&journal_lock);
}

static void *appender(void *arg)
{
	(void)arg;
	wd_name("appender");
	__atomic_store_n(&appender_ready, 1, __ATOMIC_RELEASE);
	append_entry();
	return NULL;
}

WD_NOINLINE static void write_journal(void)
{
	pthread_t t;
	pthread_mutex_lock(&journal_lock);
	long start = now_ms();
	REQUIRE(pthread_create(&t, NULL, appender, NULL) == 0, "pthread_create");
	while (!__atomic_load_n(&appender_ready, __ATOMIC_ACQUIRE))
		wd_sleep_ms(1);
	wd_sleep_ms(650);
	for (long until = now_ms() + 20000; now_ms() < until; wd_sleep_ms(10)) {
		during_rc = lw_health(&during);
		if (during_rc && during.long_holds >= 1 && during.long_waits >= 1)
			break;
	}
	held_ms = now_ms() - start;
	pthread_mutex_unlock(&journal_lock);
	pthread_join(t, NULL);
}

int main(void)
{
	wd_start();
	CHECK(lw_set_options("hold_ms=300:wait_ms=300:watchdog_ms=100") == 0, "options");
	lw_health_t h;
	memset(&h, 0xff, sizeof(h));
	CHECK(lw_health(&h) == 0, "healthy at start");
	CHECK(h.long_holds == 0 && h.long_waits == 0 && h.deadlocked == 0 &&
		      h.deadlocks_found == 0 && h.cycles_found == 0 && h.longest_hold_ms == 0 &&
		      h.longest_wait_ms == 0,
	      "all zero at start");
	CHECK(lw_health(NULL) == 0, "lw_health(NULL) works");
	wd_sleep_ms(250);
	CHECK(lw_health(&h) == 0, "still healthy after the watchdog looked");

	write_journal();
	CHECK(during_rc != 0, "unhealthy while journal_lock is held past hold_ms");
	CHECK(during.long_holds >= 1, "long_holds %lu", during.long_holds);
	CHECK(during.long_waits >= 1, "long_waits %lu", during.long_waits);
	CHECK(during.longest_hold_ms >= 300, "longest_hold_ms %llu",
	      (unsigned long long)during.longest_hold_ms);
	CHECK(during.longest_wait_ms >= 300, "longest_wait_ms %llu",
	      (unsigned long long)during.longest_wait_ms);
	CHECK(during.longest_hold_ms <= (uint64_t)held_ms && during.longest_wait_ms <= (uint64_t)held_ms,
	      "durations no longer than the hold (%ld ms): %llu, %llu", held_ms,
	      (unsigned long long)during.longest_hold_ms,
	      (unsigned long long)during.longest_wait_ms);
	CHECK(during.deadlocked == 0 && during.deadlocks_found == 0, "no deadlock");

	int rc = 1;
	for (long until = now_ms() + 20000; rc && now_ms() < until; wd_sleep_ms(10)) {
		memset(&h, 0xff, sizeof(h));
		rc = lw_health(&h);
	}
	CHECK(rc == 0, "healthy again after the release (long_holds %lu, long_waits %lu)",
	      h.long_holds, h.long_waits);
	CHECK(h.long_holds == 0 && h.long_waits == 0 && h.deadlocked == 0 &&
		      h.longest_hold_ms < 300 && h.longest_wait_ms < 300,
	      "counts back to zero: holds %lu waits %lu longest %llu/%llu", h.long_holds,
	      h.long_waits, (unsigned long long)h.longest_hold_ms,
	      (unsigned long long)h.longest_wait_ms);

	CHECK(lwt_count(LW_LONG_HOLD, LW_WARNING) == 1 && lwt_count(LW_LONG_WAIT, LW_WARNING) == 1,
	      "one long_hold and one long_wait, got %d and %d", lwt_count(LW_LONG_HOLD, -1),
	      lwt_count(LW_LONG_WAIT, -1));
	CHECK(wd_total() == 2, "nothing else, got %d", wd_total());
	struct lwt_report *r = lwt_find(LW_LONG_HOLD, -1);
	CHECK(lwt_has_lock(r, "journal_lock") && lwt_has_func(r, "write_journal"),
	      "long_hold of journal_lock in write_journal");
	r = lwt_find(LW_LONG_WAIT, -1);
	CHECK(lwt_has_lock(r, "journal_lock") && lwt_has_func(r, "append_entry"),
	      "long_wait of journal_lock in append_entry");
	printf("health: during hold rc=%d long_holds=%lu long_waits=%lu longest_hold=%llu "
	       "longest_wait=%llu; after release rc=%d\n",
	       during_rc, during.long_holds, during.long_waits,
	       (unsigned long long)during.longest_hold_ms,
	       (unsigned long long)during.longest_wait_ms, rc);
	return 0;
}
