/* wdtest.h - what the watchdog scenarios (tests/watchdog/ sources) share on top
 * of lwtest.h: a clock, a sleep that survives the watchdog's stack signal,
 * REQUIRE for the program's own behaviour, and a report handler that also
 * keeps, per report, each thread's role, name and "doing now" functions
 * and the moment the report arrived.
 *
 * Every scenario is built in up to three forms (see CMakeLists.txt):
 * "wrapper" and "header" (in-process: CHECK asserts the reports) and
 * "preload" (plain, run under `lockwatch run`), where lwtest.h is the stub
 * in plain/ that turns report checks into no-ops and check.py asserts the
 * JSON instead. REQUIRE stays live in every form. */
#ifndef WDTEST_H
#define WDTEST_H

#include "lwtest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>

#define WD_NOINLINE __attribute__((noinline))

/* A check of the program's own behaviour (return values, timing), in every
 * form: in the preload form a failure shows as exit status 1. */
#define REQUIRE(cond, ...)                                                         \
	do {                                                                       \
		if (!(cond)) {                                                     \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                              \
			fprintf(stderr, "\n");                                     \
			fflush(stderr);                                            \
			_exit(1);                                                  \
		}                                                                  \
	} while (0)

/* Monotonic milliseconds. */
static __attribute__((unused)) uint64_t wd_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Milliseconds since the Unix epoch (the clock of a report's time_ms). */
static __attribute__((unused)) uint64_t wd_epoch_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Sleep ms, going on after the watchdog's stack signal interrupts it. */
static __attribute__((unused)) void wd_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Name the calling thread (reports show it). */
static __attribute__((unused)) void wd_name(const char *name)
{
	pthread_setname_np(pthread_self(), name);
}

#ifndef LWT_PLAIN

#define WD_MAX_THREADS 8

struct wd_thread {
	int tid;
	char name[16];
	char role[24];
	uint64_t duration_ms;
	int n_now;
	char now[64][96]; /* function names of its "doing now" stack */
};

struct wd_extra {
	uint64_t at_ms; /* wd_ms() when the report reached the handler */
	int n_threads;
	struct wd_thread th[WD_MAX_THREADS];
};

static struct wd_extra wd_extra[LWT_MAX_REPORTS];

static void wd_handler(const lw_report_t *rep, void *arg)
{
	/* reports are serialised: lwt_n is ours until lwt_handler bumps it */
	int i = lwt_n;
	if (i < LWT_MAX_REPORTS) {
		struct wd_extra *x = &wd_extra[i];
		memset(x, 0, sizeof(*x));
		x->at_ms = wd_ms();
		for (int k = 0; k < rep->n_threads && x->n_threads < WD_MAX_THREADS; k++) {
			const lw_report_thread_t *t = &rep->threads[k];
			struct wd_thread *w = &x->th[x->n_threads++];
			w->tid = t->tid;
			snprintf(w->name, sizeof(w->name), "%s", t->name ? t->name : "");
			snprintf(w->role, sizeof(w->role), "%s", t->role ? t->role : "");
			w->duration_ms = t->duration_ms;
			for (int f = 0; f < t->now.depth && w->n_now < 64; f++)
				if (t->now.frames[f].function)
					snprintf(w->now[w->n_now++], sizeof(w->now[0]), "%s",
						 t->now.frames[f].function);
		}
	}
	lwt_handler(rep, arg);
}

/* Install the handler (instead of lwt_start). */
static __attribute__((unused)) void wd_start(void)
{
	lw_set_report_handler(wd_handler, NULL);
}

static __attribute__((unused)) struct wd_extra *wd_extra_of(const struct lwt_report *r)
{
	return &wd_extra[r - lwt_reports];
}

/* The n-th (from 0) report of a kind, or NULL. */
static __attribute__((unused)) struct lwt_report *wd_nth(int kind, int n)
{
	for (int i = 0; i < __atomic_load_n(&lwt_n, __ATOMIC_ACQUIRE); i++)
		if (lwt_reports[i].kind == kind && n-- == 0)
			return &lwt_reports[i];
	return NULL;
}

/* All reports so far, of any kind. */
static __attribute__((unused)) int wd_total(void)
{
	return lwt_count(-1, -1);
}

/* After the scenario: wait until at least n reports came (a watchdog pass
 * a loaded machine delays delivers its report late; at most 20 s), then
 * 200 ms more for any report beyond them. No timing is asserted: a
 * report that never comes fails the count that follows. */
static __attribute__((unused)) void wd_settle(int n)
{
	for (int i = 0; i < 2000 && wd_total() < n; i++)
		wd_sleep_ms(10);
	wd_sleep_ms(200);
}

/* Does some thread of the report have fn in its "doing now" stack (with
 * role, unless NULL)? */
static __attribute__((unused)) int wd_has_now_func(const struct lwt_report *r, const char *role,
						   const char *fn)
{
	const struct wd_extra *x = wd_extra_of(r);
	for (int k = 0; k < x->n_threads; k++) {
		if (role && strcmp(x->th[k].role, role) != 0)
			continue;
		for (int f = 0; f < x->th[k].n_now; f++)
			if (strcmp(x->th[k].now[f], fn) == 0)
				return 1;
	}
	return 0;
}

/* The thread of the report with this name (and role, unless NULL), or NULL. */
static __attribute__((unused)) const struct wd_thread *
wd_thread_named(const struct lwt_report *r, const char *name, const char *role)
{
	const struct wd_extra *x = wd_extra_of(r);
	for (int k = 0; k < x->n_threads; k++)
		if (strcmp(x->th[k].name, name) == 0 && (!role || strcmp(x->th[k].role, role) == 0))
			return &x->th[k];
	return NULL;
}

/* The first "<N> ms" in a headline, or -1. */
static __attribute__((unused)) long wd_headline_ms(const struct lwt_report *r)
{
	const char *p = r->headline;
	while ((p = strstr(p, " ms")) != NULL) {
		const char *q = p;
		while (q > r->headline && q[-1] >= '0' && q[-1] <= '9')
			q--;
		if (q < p)
			return strtol(q, NULL, 10);
		p += 3;
	}
	return -1;
}

#define WD_INPROC 1

#else /* the preload form: nothing to look at in-process (see plain/lwtest.h) */

#define WD_INPROC 0

struct wd_thread {
	int tid;
	char name[16];
	char role[24];
	uint64_t duration_ms;
};
struct wd_extra {
	uint64_t at_ms;
	int n_threads;
};
static struct wd_extra wd_none;

static __attribute__((unused)) void wd_start(void) {}
static __attribute__((unused)) struct wd_extra *wd_extra_of(const struct lwt_report *r)
{
	(void)r;
	return &wd_none;
}
static __attribute__((unused)) struct lwt_report *wd_nth(int kind, int n)
{
	(void)kind;
	(void)n;
	return &lwt_none;
}
static __attribute__((unused)) int wd_total(void) { return 0; }
static __attribute__((unused)) void wd_settle(int n) { (void)n; wd_sleep_ms(200); }
static __attribute__((unused)) int wd_has_now_func(const struct lwt_report *r, const char *role,
						   const char *fn)
{
	(void)r;
	(void)role;
	(void)fn;
	return 0;
}
static __attribute__((unused)) const struct wd_thread *
wd_thread_named(const struct lwt_report *r, const char *name, const char *role)
{
	(void)r;
	(void)name;
	(void)role;
	return NULL;
}
static __attribute__((unused)) long wd_headline_ms(const struct lwt_report *r)
{
	(void)r;
	return -1;
}

#endif

#endif
