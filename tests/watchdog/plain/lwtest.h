/* plain/lwtest.h - stands in for tests/lwtest.h in the "preload" form of
 * a watchdog scenario: the same source compiled plain (no lockwatch
 * header, not linked to lockwatch) and run under `lockwatch run`.
 *
 * The program cannot see reports in that form, so every report query here
 * is a no-op: CHECK() does not even evaluate its condition, lwt_count()
 * and friends return 0, lwt_find() returns an empty report, lwt_wait()
 * just sleeps for its whole timeout (so a program waiting for a deadlock
 * report only goes on if lockwatch did not end it first), and lw_set_*
 * do nothing (thresholds come from the command line). What lockwatch
 * reported is checked from the JSON file by tests/watchdog/check.py.
 * Checks of the program's own behaviour use REQUIRE (wdtest.h), which
 * stays live in every form. */
#ifndef LWTEST_H
#define LWTEST_H

#define LWT_PLAIN 1

#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LWT_FN static __attribute__((unused))
#define LWT_MAX_REPORTS 64
#define LWT_MAX_NAMES 64

/* the report kinds and severities of lockwatch.h, for the sources' sake */
enum { LW_LOCK_ORDER_CYCLE = 0, LW_DEADLOCK, LW_SELF_DEADLOCK, LW_BAD_UNLOCK,
       LW_DESTROY_HELD, LW_THREAD_EXIT_HOLDING, LW_LONG_HOLD, LW_LONG_WAIT, LW_HANG, LW_INIT_HELD,
       LW_KIND_COUNT };
enum { LW_WARNING = 1, LW_ERROR = 2 };

struct lwt_report {
	int kind, severity;
	char headline[512];
	char note[512];
	int n_locks;
	int n_funcs;
	int n_edges, n_threads;
	char *json;
	char *text;
};

static char lwt_empty[1];
static struct lwt_report lwt_none = { .json = lwt_empty, .text = lwt_empty };
static int lwt_n __attribute__((unused));

#define CHECK(cond, ...) ((void)sizeof(cond))

LWT_FN void lwt_dump(void) {}
LWT_FN void lwt_start(void) {}
LWT_FN int lwt_count(int kind, int severity) { (void)kind; (void)severity; return 0; }
LWT_FN struct lwt_report *lwt_find(int kind, int severity)
{
	(void)kind;
	(void)severity;
	return &lwt_none;
}
LWT_FN int lwt_has_lock(const struct lwt_report *r, const char *name)
{
	(void)r;
	(void)name;
	return 0;
}
LWT_FN int lwt_has_func(const struct lwt_report *r, const char *name)
{
	(void)r;
	(void)name;
	return 0;
}
LWT_FN int lwt_wait(int kind, int n, int ms)
{
	(void)kind;
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
	return n;
}
LWT_FN void lwt_run(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	if (pthread_create(&t, NULL, fn, arg) != 0 || pthread_join(t, NULL) != 0)
		abort();
}

LWT_FN int lw_set_options(const char *options) { (void)options; return 0; }
LWT_FN void lw_set_name(const void *lock, const char *name) { (void)lock; (void)name; }
LWT_FN void lw_set_thresholds(const void *lock, long hold_ms, long wait_ms)
{
	(void)lock;
	(void)hold_ms;
	(void)wait_ms;
}

#endif
