/* emit_fill.c - the public report from a builder (see emit_fill.h): its
 * kind and headline, the table of its locks (named once), the cycle's
 * edges and the threads, each lock index checked against the table, the
 * stacks symbolised (emit_stack.c) or left empty (an instance of a
 * group), all of it in the builder's arena. */
#include "emit_fill.h"
#include "emit_stack.h"
#include "kinds.h"
#include "name.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t lw__report_now_ms(void)
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
			edges[i].from_stack = lw__rb_depot_stack(rb, e->from_stack);
			edges[i].to_stack = lw__rb_depot_stack(rb, e->to_stack);
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
	o->stack = stacks ? lw__rb_depot_stack(rb, t->stack) : (lw_stack_t){ 0, NULL };
	o->now = stacks ? lw__rb_raw_stack(rb, t->now, t->n_now, 1, NULL) : (lw_stack_t){ 0, NULL };
	o->now_note = t->now_note;
}

void lw__rb_fill(struct lw__rb *rb, lw_report_t *r, int stacks)
{
	memset(r, 0, sizeof(*r));
	r->kind = rb->kind;
	r->severity = rb->sev;
	r->kind_name = (unsigned)rb->kind < LW_KIND_COUNT ? lw__kind_names[rb->kind] : "unknown";
	r->severity_name = rb->sev == LW_ERROR ? "error" : "warning";
	r->headline = rb->headline ? rb->headline : r->kind_name;
	r->note = rb->note;
	r->pid = (int)getpid();
	r->time_ms = lw__report_now_ms();
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
