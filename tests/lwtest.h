/* lwtest.h - the tiny helper every lockwatch test includes.
 *
 * CHECK(cond, fmt, ...) fails the test with a message; lwt_start() installs
 * a report handler that keeps a copy of every report (kind, severity,
 * headline, lock names, every function name in its stacks, JSON); the
 * lwt_* queries look them up. A test is a main() that provokes a behaviour
 * with real threads and asserts what lockwatch reported. */
#ifndef LWTEST_H
#define LWTEST_H

#include <lockwatch.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LWT_FN static __attribute__((unused))
#define LWT_MAX_REPORTS 64
#define LWT_MAX_NAMES 64

struct lwt_report {
	int kind, severity;
	char headline[512];
	char note[512];
	int n_locks;
	char locks[LWT_MAX_NAMES][128];
	char classes[LWT_MAX_NAMES][128];
	int n_funcs;
	char funcs[LWT_MAX_NAMES * 4][96];
	int n_edges, n_threads;
	char *json;
	char *text;
};

static struct lwt_report lwt_reports[LWT_MAX_REPORTS];
static int lwt_n;

static void lwt_dump(void);

#define CHECK(cond, ...)                                                          \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                             \
			fprintf(stderr, "\n");                                    \
			lwt_dump();                                               \
			exit(1);                                                  \
		}                                                                 \
	} while (0)

LWT_FN void lwt_add_func(struct lwt_report *r, const lw_stack_t *s)
{
	for (int i = 0; i < s->depth; i++) {
		const char *f = s->frames[i].function;
		if (!f || r->n_funcs >= LWT_MAX_NAMES * 4)
			continue;
		snprintf(r->funcs[r->n_funcs++], sizeof(r->funcs[0]), "%s", f);
	}
}

LWT_FN void lwt_handler(const lw_report_t *rep, void *arg)
{
	(void)arg;
	if (lwt_n >= LWT_MAX_REPORTS)
		return;
	struct lwt_report *r = &lwt_reports[lwt_n];
	memset(r, 0, sizeof(*r));
	r->kind = rep->kind;
	r->severity = rep->severity;
	snprintf(r->headline, sizeof(r->headline), "%s", rep->headline ? rep->headline : "");
	snprintf(r->note, sizeof(r->note), "%s", rep->note ? rep->note : "");
	for (int i = 0; i < rep->n_locks && i < LWT_MAX_NAMES; i++) {
		snprintf(r->locks[i], sizeof(r->locks[i]), "%s", rep->locks[i].name);
		snprintf(r->classes[i], sizeof(r->classes[i]), "%s", rep->locks[i].class_);
	}
	r->n_locks = rep->n_locks < LWT_MAX_NAMES ? rep->n_locks : LWT_MAX_NAMES;
	r->n_edges = rep->n_edges;
	r->n_threads = rep->n_threads;
	for (int i = 0; i < rep->n_edges; i++) {
		lwt_add_func(r, &rep->edges[i].from_stack);
		lwt_add_func(r, &rep->edges[i].to_stack);
	}
	for (int i = 0; i < rep->n_threads; i++) {
		lwt_add_func(r, &rep->threads[i].stack);
		lwt_add_func(r, &rep->threads[i].now);
	}
	r->json = strdup(rep->json ? rep->json : "");
	r->text = strdup(rep->text ? rep->text : "");
	__atomic_store_n(&lwt_n, lwt_n + 1, __ATOMIC_RELEASE);
}

LWT_FN void lwt_dump(void)
{
	fprintf(stderr, "--- %d report(s) received:\n", lwt_n);
	for (int i = 0; i < lwt_n; i++)
		fprintf(stderr, "[%d] %s\n", i, lwt_reports[i].json);
}

LWT_FN void lwt_start(void)
{
	lw_set_report_handler(lwt_handler, NULL);
}

LWT_FN int lwt_count(int kind, int severity)
{
	int n = 0;
	for (int i = 0; i < __atomic_load_n(&lwt_n, __ATOMIC_ACQUIRE); i++)
		if ((kind < 0 || lwt_reports[i].kind == kind) &&
		    (severity < 0 || lwt_reports[i].severity == severity))
			n++;
	return n;
}

/* The first report of this kind (and severity, unless -1), or NULL. */
LWT_FN struct lwt_report *lwt_find(int kind, int severity)
{
	for (int i = 0; i < __atomic_load_n(&lwt_n, __ATOMIC_ACQUIRE); i++)
		if (lwt_reports[i].kind == kind &&
		    (severity < 0 || lwt_reports[i].severity == severity))
			return &lwt_reports[i];
	return NULL;
}

LWT_FN int lwt_has_lock(const struct lwt_report *r, const char *name)
{
	for (int i = 0; i < r->n_locks; i++)
		if (strcmp(r->locks[i], name) == 0)
			return 1;
	return 0;
}

LWT_FN int lwt_has_func(const struct lwt_report *r, const char *name)
{
	for (int i = 0; i < r->n_funcs; i++)
		if (strcmp(r->funcs[i], name) == 0)
			return 1;
	return 0;
}

/* Wait up to ms for at least n reports of a kind; returns how many came. */
LWT_FN int lwt_wait(int kind, int n, int ms)
{
	for (int waited = 0; waited < ms && lwt_count(kind, -1) < n; waited += 10)
		usleep(10000);
	return lwt_count(kind, -1);
}

/* Run fn(arg) on a new thread and wait for it. */
LWT_FN void lwt_run(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	CHECK(pthread_create(&t, NULL, fn, arg) == 0, "pthread_create");
	CHECK(pthread_join(t, NULL) == 0, "pthread_join");
}

#endif
