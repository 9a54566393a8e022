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
 * table (read at start-up), and the fork steps of the report mutex. */
#include "rb.h"
#include "group.h"
#include "name.h"
#include "mutex.h"
#include "out.h"
#include "real.h"
#include "stack.h"
#include "options.h"
#include "hooks.h"
#include "kinds.h"
#include "suppress.h"
#include "symbols.h"
#include "verdict.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


/* ---- counters and handler -------------------------------------------- */

static unsigned long counts[LW_KIND_COUNT];
static unsigned long total_count, error_count;
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
	return lw__load(&error_count);
}

static void count(lw_kind_t kind, lw_severity_t sev)
{
	if ((unsigned)kind < LW_KIND_COUNT)
		__atomic_fetch_add(&counts[kind], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&total_count, 1, __ATOMIC_RELAXED);
	if (sev == LW_ERROR)
		__atomic_fetch_add(&error_count, 1, __ATOMIC_RELAXED);
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

/* Frames a report shows of one stack, at most (inlined ones included). */
#define FRAMES_MAX (LW__STACK_MAX * 4)

/* Symbolise raw pcs into rb's arena: one frame per inlined function too,
 * lockwatch's own frames left out. Frame 0 is an exact pc when `exact0`
 * (a signal context), else every pc is a return address. With site_src
 * (the force-included header's), a first pc without a file takes its
 * position. */
static lw_stack_t raw_stack(struct lw__rb *rb, const uintptr_t *pcs, int n, int exact0,
			    const lw_site_t *site_src)
{
	lw_stack_t s = { 0, NULL };
	if (n <= 0 || !pcs)
		return s;
	/* one scratch buffer per report: a cycle of 20,000 locks has 40,000 stacks */
	if (!rb->scratch_f)
		rb->scratch_f = malloc(FRAMES_MAX * sizeof(lw_frame_t));
	if (!rb->scratch_x)
		rb->scratch_x = malloc(FRAMES_MAX * sizeof(struct lw__frame_info));
	lw_frame_t *f = rb->scratch_f;
	struct lw__frame_info *x = rb->scratch_x;
	int k = 0;
	for (int i = 0; f && x && i < n && k < FRAMES_MAX; i++) {
		int m;
		if (pcs[i]) {
			m = lw__sym_frames(pcs[i], i == 0 && exact0 ? 0 : 1, f + k, x + k,
					   FRAMES_MAX - k);
		} else {
			memset(&f[k], 0, sizeof(f[k]));
			memset(&x[k], 0, sizeof(x[k]));
			m = 1;
		}
		if (i == 0 && site_src && !f[k].file) {
			/* the header's call site, where debug info has none */
			f[k].file = site_src->file;
			f[k].line = site_src->line;
			if (!f[k].function && site_src->func)
				f[k].function = site_src->func;
		}
		for (int j = 0, base = k; j < m; j++) {
			if (lw__sym_lockwatch(&f[base + j]))
				continue;
			f[k] = f[base + j];
			x[k] = x[base + j];
			k++;
		}
	}
	lw_frame_t *af = k ? lw__rb_alloc(rb, (size_t)k * sizeof(*af)) : NULL;
	struct lw__frame_info *ax = k ? lw__rb_alloc(rb, (size_t)k * sizeof(*ax)) : NULL;
	if (af && ax) {
		memcpy(af, f, (size_t)k * sizeof(*af));
		memcpy(ax, x, (size_t)k * sizeof(*ax));
		s.depth = k;
		s.frames = af;
		lw__rb_frame_info_add(rb, af, ax);
	}
	return s;
}

/* A frame of a system library (under /lib or /usr/lib) named from the
 * dynamic symbol table only: no debug info is read for it. 1 when pc is
 * in one. */
static int system_frame(uintptr_t pc, lw_frame_t *f)
{
	Dl_info di;
	if (!dladdr((void *)(pc - 1), &di) || !di.dli_fname ||
	    (strncmp(di.dli_fname, "/lib/", 5) != 0 && strncmp(di.dli_fname, "/usr/lib/", 9) != 0 &&
	     strncmp(di.dli_fname, "/lib64/", 7) != 0))
		return 0;
	f->function = di.dli_sname && di.dli_sname[0] ? di.dli_sname : NULL;
	f->module = di.dli_fname;
	return 1;
}

/* The pcs of depot stack `id` and its call site; a site without any pcs
 * (the header's, no stack captured) becomes a one-pc stack. */
static int depot_pcs(uint32_t id, uintptr_t pcs[LW__STACK_MAX], struct lw__site *site)
{
	memset(site, 0, sizeof(*site));
	if (id == 0)
		return 0;
	int n = lw__stack_get(id, pcs, LW__STACK_MAX, site);
	if (n > LW__STACK_MAX)
		n = LW__STACK_MAX;
	if (n <= 0 && site->src) {
		pcs[0] = site->pc;
		n = 1;
	}
	return n < 0 ? 0 : n;
}

int lw__report_depot_frames(uint32_t id, lw_frame_t *f, int light)
{
	uintptr_t pcs[LW__STACK_MAX];
	struct lw__site site;
	int n = depot_pcs(id, pcs, &site);
	for (int i = 0; i < n; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		if (pcs[i] && !(light && i > 0 && system_frame(pcs[i], &f[i]))) {
			/* one frame a pc here: the function that contains it */
			lw_frame_t in[8];
			struct lw__frame_info x[8];
			int m = lw__sym_frames(pcs[i], 1, in, x, 8);
			if (m > 0)
				f[i] = in[m - 1];
		}
		f[i].pc = pcs[i];
	}
	if (n > 0 && site.src && !f[0].file) {
		f[0].file = site.src->file;
		f[0].line = site.src->line;
		if (!f[0].function && site.src->func)
			f[0].function = site.src->func;
	}
	return n;
}

/* Symbolise depot stack `id` into rb's arena. A stack with a call site
 * from the force-included header uses it for the innermost frame when
 * debug info gave no file; a site without any pcs becomes a one-frame
 * stack. */
static lw_stack_t depot_stack(struct lw__rb *rb, uint32_t id)
{
	uintptr_t pcs[LW__STACK_MAX];
	struct lw__site site;
	int n = depot_pcs(id, pcs, &site);
	return raw_stack(rb, pcs, n, 0, site.src);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int valid_lock(const struct lw__rb *rb, int i)
{
	return i >= 0 && i < rb->n_locks ? i : -1;
}

static void build_locks(struct lw__rb *rb, lw_report_t *r)
{
	lw_report_lock_t *locks =
		rb->n_locks ? lw__rb_alloc(rb, (size_t)rb->n_locks * sizeof(*locks)) : NULL;
	if (!locks)
		return;
	lw__rb_describe_all(rb);
	for (int i = 0; i < rb->n_locks; i++) {
		struct rb_lock *x = &rb->locks[i];
		locks[i].id = x->id;
		locks[i].address = x->addr;
		locks[i].kind = lw__lock_kind_name(x->kind);
		locks[i].name = x->name ? x->name : "?";
		locks[i].class_ = x->cls ? x->cls : locks[i].name;
	}
	r->locks = locks;
	r->n_locks = rb->n_locks;
}

/* A lock index of rb, valid in r (without the lock table none is). */
static int lock_ref(const struct lw__rb *rb, const lw_report_t *r, int i)
{
	return r->n_locks ? valid_lock(rb, i) : -1;
}

static void build_edges(struct lw__rb *rb, lw_report_t *r, int stacks)
{
	lw_report_edge_t *edges =
		rb->n_edges ? lw__rb_alloc(rb, (size_t)rb->n_edges * sizeof(*edges)) : NULL;
	if (!edges)
		return;
	for (int i = 0; i < rb->n_edges; i++) {
		struct rb_edge *e = &rb->edges[i];
		edges[i].from = lock_ref(rb, r, e->from);
		edges[i].to = lock_ref(rb, r, e->to);
		edges[i].tid = e->tid;
		edges[i].thread_name = e->tname;
		edges[i].from_read = e->from_read;
		edges[i].to_read = e->to_read;
		if (stacks) {
			edges[i].from_stack = depot_stack(rb, e->from_stack);
			edges[i].to_stack = depot_stack(rb, e->to_stack);
		} else {
			memset(&edges[i].from_stack, 0, sizeof(edges[i].from_stack));
			memset(&edges[i].to_stack, 0, sizeof(edges[i].to_stack));
		}
	}
	r->edges = edges;
	r->n_edges = rb->n_edges;
}

static void build_thread(struct lw__rb *rb, const lw_report_t *r, struct rb_thread *t,
			 lw_report_thread_t *o, int stacks)
{
	o->tid = t->tid;
	o->name = t->name;
	o->role = t->role ? t->role : "thread";
	o->lock = lock_ref(rb, r, t->lock);
	o->duration_ms = t->duration_ms;
	o->n_held = 0;
	o->held = NULL;
	int *h = r->n_locks && t->n_held ? lw__rb_alloc(rb, (size_t)t->n_held * sizeof(*h)) : NULL;
	if (h) {
		for (int k = 0; k < t->n_held; k++)
			if (valid_lock(rb, t->held[k]) >= 0)
				h[o->n_held++] = t->held[k];
		o->held = h;
	}
	o->stack = stacks ? depot_stack(rb, t->stack) : (lw_stack_t){ 0, NULL };
	o->now = stacks ? raw_stack(rb, t->now, t->n_now, 1, NULL) : (lw_stack_t){ 0, NULL };
	o->now_note = t->now_note;
}

/* Fill r from rb, its stacks symbolised when `stacks`; every allocation
 * comes from rb's arena. */
static void build(struct lw__rb *rb, lw_report_t *r, int stacks)
{
	memset(r, 0, sizeof(*r));
	r->kind = rb->kind;
	r->severity = rb->sev;
	r->kind_name = (unsigned)rb->kind < LW_KIND_COUNT ? lw__kind_names[rb->kind] : "unknown";
	r->severity_name = rb->sev == LW_ERROR ? "error" : "warning";
	r->headline = rb->headline ? rb->headline : r->kind_name;
	r->note = rb->note;
	r->pid = (int)getpid();
	r->time_ms = now_ms();
	build_locks(rb, r);
	build_edges(rb, r, stacks);
	lw_report_thread_t *threads =
		rb->n_threads ? lw__rb_alloc(rb, (size_t)rb->n_threads * sizeof(*threads)) : NULL;
	if (threads) {
		for (int i = 0; i < rb->n_threads; i++)
			build_thread(rb, r, &rb->threads[i], &threads[i], stacks);
		r->threads = threads;
		r->n_threads = rb->n_threads;
	}
}

/* Write the summaries due (all, or those a second old) to the log.
 * Under report_mu. */
static void summaries(int all)
{
	struct lw__buf b = { 0, 0, 0 };
	if (!lw__group_pending())
		return;
	lw__group_summaries(&b, all, now_ms());
	if (b.p)
		lw__out_log(b.p, b.len);
	free(b.p);
}

/* rb is one more instance of group g: its JSON line, written at once, and
 * a count for the group's next summary. Under report_mu. */
static void emit_instance(struct lw__rb *rb, struct lw__group *g)
{
	struct lw__buf json = { 0, 0, 0 };
	lw_report_t r;
	build(rb, &r, 0);
	unsigned long n = lw__group_add(g, r.headline);
	lw__report_json_instance(&r, lw__group_id(g), n, &json);
	if (json.p) {
		lw__buf_put(&json, "\n", 1);
		lw__out_json(json.p, json.len);
	}
	count_instance(r.kind);
	free(json.p);
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
	build(rb, &r, 1);
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
	free(text.p);
	free(json.p);
}

void lw__report_emit(struct lw__rb *rb)
{
	int saved = errno;

	if (!rb)
		return;
	if (in_report == 0)
		lw__mutex_lock(&report_mu);
	in_report++;

	last_suppressed = 0;
	struct lw__group *g = rb->group_key ? lw__group_find(rb->kind, rb->group_key) : NULL;
	if (g)
		emit_instance(rb, g);
	else
		emit_report(rb);

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
	}
	errno = saved;
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
	free(b.p);
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
	/* a forked child says at its exit what it suppressed itself */
	memset(supp_hits, 0, sizeof(supp_hits));
	lw__mutex_postfork_child(&report_mu);
	lw__mutex_postfork_child(&handler_mu);
	lw__group_atfork_child();
	/* The forking thread may be inside a handler: it will unlock on return. */
	if (in_report > 0)
		lw__mutex_lock(&report_mu);
	fork_nested = 0;
}
