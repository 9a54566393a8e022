/* text.c - a report as text for a person who has never seen
 * lockwatch: what went wrong in one line, then the locks, threads and
 * stacks that show it, and for a lock-order cycle a step-by-step scenario
 * of how the program can deadlock. Every report ends with a blank line.
 *
 *   lockwatch: ERROR: <headline> (pid N)
 *     <note>
 *     edge 1/2: A -> B, first seen in thread 12 (worker)
 *       A was taken at:
 *         #0 take_a (app.c:10) [app]
 *   ...
 *     to suppress this report, put this line in the --suppressions file:
 *       lock_order_cycle:take_a
 * Frame lines are "#k FUNCTION (FILE:LINE) [MODULE]", with "??" for an
 * unknown function, no parenthesis without a file and the module's base
 * name only (with the pc's offset in it when the function is unknown:
 * "?? [prog+0x1212]", for addr2line where the debug info is); " (inlined)"
 * ends the line of a function inlined into the next frame (its line is
 * where it is; the next frame's, where it was inlined). */
#include "rb.h"

#include <inttypes.h>
#include <string.h>

static const char *lock_name(const lw_report_t *r, int i)
{
	if (i < 0 || i >= r->n_locks || !r->locks || !r->locks[i].name)
		return "?";
	return r->locks[i].name;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* "thread TID (NAME)", or without the parenthesis when it has no name. */
static void put_thread(struct lw__buf *b, int tid, const char *name)
{
	if (name && name[0])
		lw__buf_printf(b, "thread %d (%s)", tid, name);
	else
		lw__buf_printf(b, "thread %d", tid);
}

/* Indent every line of s by `ind`. */
static void put_indented(struct lw__buf *b, const char *ind, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "\n");
		lw__buf_puts(b, ind);
		lw__buf_put(b, s, n);
		lw__buf_puts(b, "\n");
		s += n;
		if (*s == '\n')
			s++;
	}
}

static void put_frames(struct lw__buf *b, const lw_stack_t *s, const struct lw__rb *rb)
{
	const struct lw__frame_info *x = lw__rb_frame_info(rb, s);
	if (s->depth <= 0 || !s->frames) {
		lw__buf_puts(b, "      (no stack recorded)\n");
		return;
	}
	for (int i = 0; i < s->depth; i++) {
		const lw_frame_t *f = &s->frames[i];
		lw__buf_printf(b, "      #%d %s", i, f->function ? f->function : "??");
		if (f->file) {
			if (f->line > 0)
				lw__buf_printf(b, " (%s:%d)", f->file, f->line);
			else
				lw__buf_printf(b, " (%s)", f->file);
		}
		if (f->module && f->module[0] && !f->function && x && x[i].has_offset)
			lw__buf_printf(b, " [%s+0x%" PRIxPTR "]", basename_of(f->module),
				       x[i].module_offset);
		else if (f->module && f->module[0])
			lw__buf_printf(b, " [%s]", basename_of(f->module));
		if (x && x[i].inlined)
			lw__buf_puts(b, " (inlined)");
		lw__buf_puts(b, "\n");
	}
}

static const char *verb(int read)
{
	return read ? "read-lock" : "lock";
}

static void put_edges(const lw_report_t *r, const struct lw__rb *rb, struct lw__buf *b)
{
	for (int i = 0; i < r->n_edges; i++) {
		const lw_report_edge_t *e = &r->edges[i];
		const char *a = lock_name(r, e->from), *z = lock_name(r, e->to);
		lw__buf_printf(b, "  edge %d/%d: %s -> %s, first seen in ", i + 1, r->n_edges, a,
			       z);
		put_thread(b, e->tid, e->thread_name);
		lw__buf_puts(b, "\n");
		lw__buf_printf(b, "    %s was taken%s at:\n", a,
			       e->from_read ? " (for reading)" : "");
		put_frames(b, &e->from_stack, rb);
		lw__buf_printf(b, "    then %s was taken%s, holding %s, at:\n", z,
			       e->to_read ? " (for reading)" : "", a);
		put_frames(b, &e->to_stack, rb);
	}
}

/* The deadlock the cycle allows: thread k runs edge k; all take their
 * first lock, then each blocks on the lock the next one holds. */
static void put_scenario(const lw_report_t *r, struct lw__buf *b)
{
	int n = r->n_edges;
	if (n <= 0)
		return;
	lw__buf_puts(b, "  How it can deadlock:\n");
	for (int k = 0; k < n; k++)
		lw__buf_printf(b, "    thread %d: %s(%s)\n", k + 1, verb(r->edges[k].from_read),
			       lock_name(r, r->edges[k].from));
	for (int k = 0; k < n; k++) {
		const lw_report_edge_t *e = &r->edges[k];
		int j = -1;
		for (int m = 1; m <= n && j < 0; m++) {
			int c = (k + m) % n;
			if (r->edges[c].from == e->to)
				j = c;
		}
		lw__buf_printf(b, "    thread %d: %s(%s)   <- blocks: ", k + 1, verb(e->to_read),
			       lock_name(r, e->to));
		if (j >= 0)
			lw__buf_printf(b, "thread %d holds %s\n", j + 1, lock_name(r, e->to));
		else
			lw__buf_printf(b, "another thread holds %s\n", lock_name(r, e->to));
	}
	lw__buf_puts(b, "    ... every thread waits for the next: deadlock.\n");
}

static void put_locks(const lw_report_t *r, struct lw__buf *b)
{
	for (int i = 0; i < r->n_locks; i++) {
		const lw_report_lock_t *l = &r->locks[i];
		lw__buf_printf(b, "  lock: %s (%s, class %s, id %u, 0x%" PRIxPTR ")\n",
			       l->name ? l->name : "?", l->kind ? l->kind : "lock",
			       l->class_ ? l->class_ : "?", l->id, l->address);
	}
}

/* Locks of a cycle report that are on no edge (a lock that guards the
 * whole cycle, say), so that the note naming them can be followed up. */
static void put_other_locks(const lw_report_t *r, struct lw__buf *b)
{
	for (int i = 0; i < r->n_locks; i++) {
		int used = 0;
		for (int k = 0; k < r->n_edges && !used; k++)
			used = r->edges[k].from == i || r->edges[k].to == i;
		if (used)
			continue;
		const lw_report_lock_t *l = &r->locks[i];
		lw__buf_printf(b, "  also involved: lock %s (%s, class %s, id %u, 0x%" PRIxPTR ")\n",
			       l->name ? l->name : "?", l->kind ? l->kind : "lock",
			       l->class_ ? l->class_ : "?", l->id, l->address);
	}
}

/* What a thread's `stack` shows, by its role. */
static const char *stack_label(const lw_report_thread_t *t)
{
	if (t->lock >= 0 && t->role &&
	    strcmp(t->role, "holder") == 0)
		return "taken at";
	if (t->role && strcmp(t->role, "waiter") == 0)
		return "waiting at";
	return "stack";
}

static void put_threads(const lw_report_t *r, const struct lw__rb *rb, struct lw__buf *b)
{
	for (int i = 0; i < r->n_threads; i++) {
		const lw_report_thread_t *t = &r->threads[i];
		lw__buf_puts(b, "  ");
		put_thread(b, t->tid, t->name);
		lw__buf_printf(b, ", %s", t->role ? t->role : "thread");
		if (t->lock >= 0)
			lw__buf_printf(b, " of %s", lock_name(r, t->lock));
		if (t->duration_ms > 0)
			lw__buf_printf(b, ", for %" PRIu64 " ms", t->duration_ms);
		lw__buf_puts(b, ":\n");
		const char *state = i < rb->n_threads ? rb->threads[i].state : NULL;
		if (state)
			lw__buf_printf(b, "    %s\n", state);
		if (t->n_held > 0 && t->held) {
			lw__buf_puts(b, "    holds: ");
			for (int k = 0; k < t->n_held; k++)
				lw__buf_printf(b, "%s%s", k ? ", " : "", lock_name(r, t->held[k]));
			lw__buf_puts(b, "\n");
		}
		/* a thread that neither holds the report's lock nor waits has
		 * no stack of its own to show but what it is doing now */
		const char *label = stack_label(t);
		if (t->stack.depth > 0 || strcmp(label, "stack") != 0) {
			lw__buf_printf(b, "    %s:\n", label);
			put_frames(b, &t->stack, rb);
		}
		if (t->now.depth > 0) {
			lw__buf_puts(b, "    doing now:\n");
			put_frames(b, &t->now, rb);
		} else if (t->now_note) {
			lw__buf_printf(b, "    doing now: not known (%s)\n", t->now_note);
		}
	}
}

void lw__report_text(const lw_report_t *r, const struct lw__rb *rb, struct lw__buf *b)
{
	lw__buf_printf(b, "lockwatch: %s: %s (pid %d)\n",
		       r->severity == LW_ERROR ? "ERROR" : "WARNING",
		       r->headline ? r->headline : (r->kind_name ? r->kind_name : "report"), r->pid);
	if (r->note)
		put_indented(b, "  ", r->note);
	if (r->kind == LW_LOCK_ORDER_CYCLE) {
		put_edges(r, rb, b);
		/* a warning-level cycle cannot deadlock (its note says why) */
		if (r->severity == LW_ERROR)
			put_scenario(r, b);
		put_other_locks(r, b);
		put_threads(r, rb, b);
	} else {
		put_locks(r, b);
		put_threads(r, rb, b);
		put_edges(r, rb, b);
	}
	if (rb->suppression)
		lw__buf_printf(b, "  to suppress this report, put this line in the --suppressions file:\n"
				  "    %s\n",
			       rb->suppression);
	lw__buf_puts(b, "\n");
}
