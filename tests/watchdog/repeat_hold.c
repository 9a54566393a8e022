/* repeat_hold.c - one long hold is reported again as it grows: with
 * hold_ms=100, flush_log() (thread flusher) holds log_lock for 3 s, past
 * 10x the threshold (not 100x; durations are lower bounds, up to one
 * watchdog period short, and a busy machine may delay a watchdog pass by
 * a second or more, hence the margin). Expected: exactly two long_hold warnings
 * of log_lock with flush_log in their stacks, the first at 1x (100 ms and
 * up), the second at 10x, its headline duration larger and >= 1000 ms;
 * nothing else. */
#include "wdtest.h"

pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

WD_NOINLINE static void flush_log(void)
{
	pthread_mutex_lock(&log_lock);
	wd_sleep_ms(3000);
	pthread_mutex_unlock(&log_lock);
}

static void *flusher(void *arg) { (void)arg; wd_name("flusher"); flush_log(); return NULL; }

int main(void)
{
	wd_start();
	CHECK(lw_set_options("hold_ms=100:wait_ms=100") == 0, "options");
	lwt_run(flusher, NULL);
	wd_settle(2);
	CHECK(lwt_count(LW_LONG_HOLD, LW_WARNING) == 2, "two long_holds (1x, 10x), got %d",
	      lwt_count(LW_LONG_HOLD, -1));
	CHECK(wd_total() == 2, "nothing else, got %d", wd_total());
	struct lwt_report *r1 = wd_nth(LW_LONG_HOLD, 0), *r2 = wd_nth(LW_LONG_HOLD, 1);
	CHECK(lwt_has_lock(r1, "log_lock") && lwt_has_lock(r2, "log_lock"), "both of log_lock");
	CHECK(lwt_has_func(r1, "flush_log") && lwt_has_func(r2, "flush_log"), "flush_log's");
	CHECK(wd_thread_named(r1, "flusher", "holder") && wd_thread_named(r2, "flusher", "holder"),
	      "held by flusher");
	long ms1 = wd_headline_ms(r1), ms2 = wd_headline_ms(r2);
	CHECK(ms1 >= 100 && ms1 < 1000, "first at 1x: %s", r1->headline);
	CHECK(ms2 >= 1000 && ms2 > ms1, "second at 10x, longer: %s", r2->headline);
	printf("repeat_hold: %ld ms, then %ld ms\n%s%s", ms1, ms2, r1->text, r2->text);
	return 0;
}
