/* thresholds.c - per-lock thresholds with lw_set_thresholds() (in-process
 * forms only).
 * Part 1, global hold_ms=wait_ms=300: archive_lock is exempted with
 * lw_set_thresholds(&archive_lock, 0, 0); archive_all() (thread archiver)
 * holds it 1 s while read_archive() (thread browser) waits ~0.9 s for it.
 * Expected: no report at all.
 * Part 2, global hold_ms=wait_ms=60000: index_lock gets its own hold_ms of
 * 200 (wait_ms -1: the global value); reindex() holds it 1 s.
 * Expected: exactly one long_hold (warning), of index_lock, with reindex
 * in its stack and threshold 200 ms in its note; nothing else. */
#include "wdtest.h"

pthread_mutex_t archive_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;
static int archiving;

WD_NOINLINE static void archive_all(void)
{
	pthread_mutex_lock(&archive_lock);
	__atomic_store_n(&archiving, 1, __ATOMIC_RELEASE);
	wd_sleep_ms(1000);
	pthread_mutex_unlock(&archive_lock);
}

WD_NOINLINE static void read_archive(void)
{
	while (!__atomic_load_n(&archiving, __ATOMIC_ACQUIRE))
		wd_sleep_ms(1);
	wd_sleep_ms(50);
	pthread_mutex_lock(&archive_lock);
	pthread_mutex_unlock(&archive_lock);
}

WD_NOINLINE static void reindex(void)
{
	pthread_mutex_lock(&index_lock);
	wd_sleep_ms(1000);
	pthread_mutex_unlock(&index_lock);
}

static void *archiver(void *arg) { (void)arg; wd_name("archiver"); archive_all(); return NULL; }
static void *browser(void *arg) { (void)arg; wd_name("browser"); read_archive(); return NULL; }
static void *indexer(void *arg) { (void)arg; wd_name("indexer"); reindex(); return NULL; }

int main(void)
{
	wd_start();
	CHECK(lw_set_options("hold_ms=300:wait_ms=300") == 0, "options");
	lw_set_thresholds(&archive_lock, 0, 0); /* before its first use */
	pthread_t a, b;
	REQUIRE(pthread_create(&a, NULL, archiver, NULL) == 0, "pthread_create");
	REQUIRE(pthread_create(&b, NULL, browser, NULL) == 0, "pthread_create");
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	wd_sleep_ms(200);
	CHECK(wd_total() == 0, "an exempted lock is never reported, got %d reports", wd_total());

	CHECK(lw_set_options("hold_ms=60000:wait_ms=60000") == 0, "options");
	lw_set_thresholds(&index_lock, 200, -1);
	lwt_run(indexer, NULL);
	wd_settle(1);
	CHECK(lwt_count(LW_LONG_HOLD, LW_WARNING) == 1, "one long_hold, got %d",
	      lwt_count(LW_LONG_HOLD, -1));
	CHECK(wd_total() == 1, "nothing else, got %d", wd_total());
	struct lwt_report *r = lwt_find(LW_LONG_HOLD, -1);
	CHECK(r->n_locks == 1 && lwt_has_lock(r, "index_lock"), "it is index_lock's");
	CHECK(lwt_has_func(r, "reindex"), "reindex in its stack");
	CHECK(wd_thread_named(r, "indexer", "holder"), "held by indexer");
	CHECK(strstr(r->note, "threshold 200 ms"), "the lock's own threshold: %s", r->note);
	long ms = wd_headline_ms(r);
	CHECK(ms >= 200 && ms < 1000, "reported at its own 200 ms, not 60 s: %ld ms", ms);
	printf("%s", r->text);
	return 0;
}
