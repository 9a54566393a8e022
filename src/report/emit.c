/* emit.c - the report emitter (see report.h). Everything slow - lock
 * names, symbols, text and JSON - happens in lw__report_emit(), under one
 * report mutex so that reports never interleave. The program's
 * handler is called under that mutex too: reports reach it one at a time,
 * in order, and a handler must therefore not wait for another thread that
 * may itself be making a report. A report made inside the handler, in the
 * handler's own thread, is written and counted but not handed to the
 * handler again.
 * A report with a shape key (lw__rb_group) that matches an open group
 * (group.h) is not reported again: it is written as one short JSON line,
 * an instance of the group, and counted in the group's next summary in
 * the log; summaries are printed before the next full report, by the
 * watchdog a second after the last print, and at exit.
 * A report that an entry of the suppressions file matches is dropped here,
 * once built and before anything is written, grouped or counted: it is
 * counted only as suppressed, by entry (and in the run record).
 * After a full report, once report_mu is let go, the report_made hook
 * writes the lock-order line (option edges; order_line.h), so that a process that ends
 * without exit handlers after it (killed, _exit, exec) leaves its order.
 * Also here: the public counters and handler setter, the suppressions
 * table (read at start-up), and the fork steps of the report mutex. The
 * report is filled from its builder by emit_fill.c, its stacks symbolised
 * by emit_stack.c. */
#include "rb.h"
#include "mem.h"
#include "deep.h"
#include "emit_fill.h"
#include "gate.h"
#include "group.h"
#include "mutex.h"
#include "out.h"
#include "real.h"
#include "options.h"
#include "hooks.h"
#include "suppress.h"
#include "symbols.h"
#include "verdict.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/* ---- counters and handler -------------------------------------------- */

static unsigned long counts[LW_KIND_COUNT];
static unsigned long total_count, error_count;
/* the process that counted those errors: a vfork child shares the memory
 * and must not take its parent's errors for its own */
static pid_t errors_pid;
/* instances grouped into an earlier report (not counted above) */
static unsigned long more_counts[LW_KIND_COUNT];

static struct lw__mutex report_mu = LW__MUTEX_INIT;
/* Guards the handler pair so that fn and arg are always read together; held
 * only to copy them, never across the call. Order: report_mu, handler_mu. */
static struct lw__mutex handler_mu = LW__MUTEX_INIT;
static lw_report_fn handler_fn;
static void *handler_arg;

/* > 0 while this thread is inside lw__report_emit (holding report_mu). */
static LW__TLS int in_report;
/* A full report was made in this thread's lw__report_emit: the
 * report_made hook (the order line) runs once report_mu is let go. */
static LW__TLS int order_line_due;
/* This thread's fork prepare found report_mu already held by itself. */
static LW__TLS int fork_nested;

void lw_set_report_handler(lw_report_fn fn, void *arg)
{
	lw__mutex_lock(&handler_mu);
	handler_fn = fn;
	handler_arg = arg;
	lw__mutex_unlock(&handler_mu);
}

unsigned long lw_report_count(lw_kind_t kind)
{
	if (kind == LW_KIND_COUNT)
		return lw__load(&total_count);
	if ((unsigned)kind >= LW_KIND_COUNT)
		return 0;
	return lw__load(&counts[kind]);
}

unsigned long lw_error_count(void)
{
	return lw__load(&error_count);
}

unsigned long lw__report_errors(void)
{
	return lw__load(&errors_pid) == getpid() ? lw__load(&error_count) : 0;
}

static void count(lw_kind_t kind, lw_severity_t sev)
{
	if ((unsigned)kind < LW_KIND_COUNT)
		__atomic_fetch_add(&counts[kind], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&total_count, 1, __ATOMIC_RELAXED);
	if (sev == LW_ERROR) {
		lw__store(&errors_pid, getpid());
		__atomic_fetch_add(&error_count, 1, __ATOMIC_RELAXED);
	}
	lw__verdict_count(kind, sev);
}

static void count_instance(lw_kind_t kind)
{
	if ((unsigned)kind < LW_KIND_COUNT)
		__atomic_fetch_add(&more_counts[kind], 1, __ATOMIC_RELAXED);
	lw__verdict_more(kind);
}

/* ---- suppressions ------------------------------------------------------ */

/* Read at start-up (lw__report_suppressions_load), before any report:
 * afterwards only read, under report_mu. */
static struct lw__supp supp;
static unsigned long supp_hits[LW__SUPP_MAX];
/* The last report this thread made was suppressed (policy.c asks). */
static LW__TLS int last_suppressed;

void lw__report_suppressions_load(void)
{
	char err[LW__OPT_STR_MAX + 512];
	if (lw__supp_load(&supp, lw__opt.suppressions, err, sizeof(err)) != 0)
		lw__msg("%s; no report is suppressed", err);
}

int lw__report_last_suppressed(void)
{
	return last_suppressed;
}

void lw__report_suppressions_summary(void)
{
	unsigned long total = 0;
	for (int i = 0; i < supp.n; i++)
		total += lw__load(&supp_hits[i]);
	if (!supp.n || lw__opt.quiet || (!total && !lw__opt.verbose))
		return;
	lw__msg("%lu report%s suppressed (%s)", total, total == 1 ? "" : "s", supp.path);
	for (int i = 0; i < supp.n; i++) {
		unsigned long h = lw__load(&supp_hits[i]);
		if (h)
			lw__msg("suppressed %lu by %s:%d %s:%s", h, supp.path, supp.e[i].line,
				supp.e[i].kind_text, supp.e[i].pattern);
		else if (lw__opt.verbose)
			lw__msg("suppression %s:%d %s:%s matched nothing", supp.path, supp.e[i].line,
				supp.e[i].kind_text, supp.e[i].pattern);
	}
}

/* ---- emit -------------------------------------------------------------- */

/* Write the summaries due (all, or those a second old) to the log.
 * Under report_mu. */
static void summaries(int all)
{
	struct lw__buf b = { 0, 0, 0 };
	if (!lw__group_pending())
		return;
	lw__group_summaries(&b, all, lw__report_now_ms());
	if (b.p)
		lw__out_log(b.p, b.len);
	lw__mem_free(b.p);
}

/* rb is one more instance of group g: its JSON line, written at once, and
 * a count for the group's next summary. Under report_mu. */
static void emit_instance(struct lw__rb *rb, struct lw__group *g)
{
	struct lw__buf json = { 0, 0, 0 };
	lw_report_t r;
	lw__rb_fill(rb, &r, 0);
	unsigned long n = lw__group_add(g, r.headline);
	lw__report_json_instance(&r, lw__group_id(g), n, &json);
	if (json.p) {
		lw__buf_put(&json, "\n", 1);
		lw__out_json(json.p, json.len);
	}
	count_instance(r.kind);
	lw__mem_free(json.p);
}

/* rb in full: text, JSON, the counters, the handler; it starts a group
 * when it has a shape key. Under report_mu. */
static void emit_report(struct lw__rb *rb)
{
	struct lw__buf text = { 0, 0, 0 }, json = { 0, 0, 0 };
	lw_report_t r;
	lw_report_fn fn = NULL;
	void *arg = NULL;

	summaries(1); /* what was grouped so far comes before what follows */
	lw__rb_fill(rb, &r, 1);
	int si = supp.n ? lw__supp_match(&supp, &r) : -1;
	last_suppressed = si >= 0;
	if (si >= 0) {
		__atomic_fetch_add(&supp_hits[si], 1, __ATOMIC_RELAXED);
		lw__verdict_suppressed(si);
		goto done;
	}
	char line[512];
	lw__supp_suggest(&r, line, sizeof(line));
	rb->suppression = line;
	struct lw__group *g = rb->group_key ? lw__group_new(rb->kind, rb->sev, rb->group_key,
							    r.headline, r.time_ms) : NULL;
	rb->group = g ? lw__group_id(g) : 0;
	lw__report_text(&r, rb, &text);
	lw__report_json(&r, rb, &json);
	r.text = text.p ? text.p : "";
	r.json = json.p ? json.p : "{}";

	if (text.p)
		lw__out_log(text.p, text.len);
	if (json.p) {
		/* one write with the newline; r.json keeps none */
		lw__buf_put(&json, "\n", 1);
		lw__out_json(json.p, json.len);
		if (json.len > 0 && json.p[json.len - 1] == '\n')
			json.p[--json.len] = 0;
		r.json = json.p;
	}

	/* counted before the handler, so that it sees itself in the counts */
	count(r.kind, r.severity);
	order_line_due = 1;

	if (in_report == 1) {
		lw__mutex_lock(&handler_mu);
		fn = handler_fn;
		arg = handler_arg;
		lw__mutex_unlock(&handler_mu);
		if (fn)
			fn(&r, arg);
	}

done:
	lw__mem_free(text.p);
	lw__mem_free(json.p);
}

static void emit_deep(void *arg)
{
	struct lw__rb *rb = arg;
	int saved = errno;

	if (in_report == 0)
		lw__mutex_lock(&report_mu);
	in_report++;

	last_suppressed = 0;
	struct lw__group *g = rb->group_key ? lw__group_find(rb->kind, rb->group_key) : NULL;
	if (g)
		emit_instance(rb, g);
	else
		emit_report(rb);

	/* still in flight (exit waits) until the order line after it is
	 * written: exit ended the process under that line's write, cut at
	 * a page (ways_exit_while_reporting, under `lockwatch run`, one
	 * cold run in a few) */
	lw__report_flight(1);
	lw__rb_free(rb);
	in_report--;
	if (in_report == 0) {
		lw__mutex_unlock(&report_mu);
		/* the lock order as of this report, for `lockwatch report`,
		 * in case the process ends with no exit handler (killed,
		 * _exit, exec): written holding no lockwatch lock */
		if (order_line_due) {
			order_line_due = 0;
			if (lw__hooks.report_made)
				lw__hooks.report_made();
		}
		/* no file of libdw's left open in the program; its frees are
		 * calls into the program's malloc, out of the report lock */
		lw__gate_enter();
		lw__sym_done();
		lw__gate_leave();
	}
	lw__report_flight(-1);
	errno = saved;
}

/* On a stack of its own (base/deep.h): symbols, text and JSON take more
 * than a small thread stack has. */
void lw__report_emit(struct lw__rb *rb)
{
	if (rb)
		lw__deep(emit_deep, rb);
}

int lw__report_grouped(lw_kind_t kind, uint64_t key)
{
	if (!key)
		return 0;
	if (in_report == 0)
		lw__mutex_lock(&report_mu);
	int found = lw__group_find(kind, key) != NULL;
	if (in_report == 0)
		lw__mutex_unlock(&report_mu);
	return found;
}

void lw__report_group_end(lw_kind_t kind, uint64_t key)
{
	struct lw__buf b = { 0, 0, 0 };
	if (!key)
		return;
	int saved = errno;
	if (in_report == 0)
		lw__mutex_lock(&report_mu);
	lw__group_end(kind, key, &b);
	if (b.p)
		lw__out_log(b.p, b.len);
	if (in_report == 0)
		lw__mutex_unlock(&report_mu);
	lw__mem_free(b.p);
	errno = saved;
}

void lw__report_group_flush(int all)
{
	if (!lw__group_pending())
		return;
	int saved = errno;
	if (in_report == 0)
		lw__mutex_lock(&report_mu);
	summaries(all);
	if (in_report == 0)
		lw__mutex_unlock(&report_mu);
	errno = saved;
}

/* ---- fork ---------------------------------------------------------------- */

void lw__report_atfork_prepare(void)
{
	/* A handler that forks already holds report_mu in this thread. */
	fork_nested = in_report > 0;
	if (!fork_nested)
		lw__mutex_lock(&report_mu);
	lw__mutex_lock(&handler_mu);
}

void lw__report_atfork_parent(void)
{
	lw__mutex_unlock(&handler_mu);
	if (!fork_nested)
		lw__mutex_unlock(&report_mu);
	fork_nested = 0;
}

void lw__report_atfork_child(void)
{
	/* a forked child says at its exit what it suppressed itself, and
	 * counts its own reports: its exit status (option exitcode) is for
	 * its own errors, not its parent's (a worker that ends well exits 0) */
	lw__report_flight_atfork_child();
	memset(supp_hits, 0, sizeof(supp_hits));
	memset(counts, 0, sizeof(counts));
	memset(more_counts, 0, sizeof(more_counts));
	total_count = error_count = 0;
	errors_pid = 0;
	lw__mutex_postfork_child(&report_mu);
	lw__mutex_postfork_child(&handler_mu);
	lw__group_atfork_child();
	/* The forking thread may be inside a handler: it will unlock on return. */
	if (in_report > 0)
		lw__mutex_lock(&report_mu);
	fork_nested = 0;
}
