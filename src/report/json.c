/* json.c - a report as one JSON object on one line.
 *
 * The shape is fixed and documented so that tools can rely on it: keys in
 * a stable order, every key always present (null when unknown), "edges" an
 * empty array when there are none. Where the C structs refer to locks by
 * index (edge from/to, thread lock/held), the JSON uses the locks' ids,
 * which stay meaningful across reports of the same process:
 *
 * {"kind":..,"severity":..,"pid":N,"time_ms":N,"headline":..,"note":..|null,
 *  "locks":[{"id":N,"address":"0x..","kind":..,"name":..,"class":..}],
 *  "edges":[{"from":ID,"to":ID,"thread":{"tid":N,"name":..},
 *            "from_read":bool,"to_read":bool,
 *            "from_stack":[FRAME],"to_stack":[FRAME],
 *            "from_timed":bool,"to_timed":bool,"to_fresh":bool}],
 *  "threads":[{"tid":N,"name":..,"role":..,"lock":ID|null,"duration_ms":N,
 *              "held":[ID],"stack":[FRAME],"now":[FRAME]|null,
 *              "now_note":..|null,"state":..|null,"waits_for":[TID]}],
 *  "exe":..|null,"argv":[..],"suppression":..,"group":N|null}
 * FRAME = {"pc":"0x..","function":..|null,"file":..|null,"line":N|null,
 *          "module":..|null,"inlined":bool,"module_offset":"0x.."|null,
 *          "build_id":"hex"|null}
 * (an inlined frame has the pc of the next frame out, which it is inlined
 * into; module_offset is pc less the module's load base)
 *
 * A report that starts a group (a lock-order cycle, long hold or long
 * wait; group.h) has its id in "group"; each later instance of the group
 * is one line of its own, with no "kind" (so it is not a report), written
 * when it is found, with what tells it from the report (its stacks are
 * the report's):
 *
 * {"group":N,"instance":K,"pid":N,"time_ms":N,"headline":..,
 *  "locks":[LOCK],"edges":[{"from":ID,"to":ID,"thread":{"tid":N,"name":..}}],
 *  "threads":[{"tid":N,"name":..,"role":..,"lock":ID|null,"duration_ms":N}]}
 */
#include "rb.h"
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The id of lock index i, or -1 when i is not a lock of the report. */
static long lock_id(const lw_report_t *r, int i)
{
	if (i < 0 || i >= r->n_locks || !r->locks)
		return -1;
	return (long)r->locks[i].id;
}

static void put_lock_ref(const lw_report_t *r, int i, struct lw__buf *b)
{
	long id = lock_id(r, i);
	if (id < 0)
		lw__buf_puts(b, "null");
	else
		lw__buf_printf(b, "%ld", id);
}

/* s's frames, with what x (NULL: nothing) says of each */
static void put_stack_x(const lw_stack_t *s, const struct lw__frame_info *x, struct lw__buf *b)
{
	lw__buf_puts(b, "[");
	for (int i = 0; i < s->depth && s->frames; i++) {
		const lw_frame_t *f = &s->frames[i];
		if (i)
			lw__buf_puts(b, ",");
		lw__buf_printf(b, "{\"pc\":\"0x%" PRIxPTR "\",\"function\":", f->pc);
		lw__buf_json_str(b, f->function);
		lw__buf_puts(b, ",\"file\":");
		lw__buf_json_str(b, f->file);
		if (f->line > 0)
			lw__buf_printf(b, ",\"line\":%d", f->line);
		else
			lw__buf_puts(b, ",\"line\":null");
		lw__buf_puts(b, ",\"module\":");
		lw__buf_json_str(b, f->module);
		lw__buf_printf(b, ",\"inlined\":%s", x && x[i].inlined ? "true" : "false");
		if (x && x[i].has_offset)
			lw__buf_printf(b, ",\"module_offset\":\"0x%" PRIxPTR "\"",
				       x[i].module_offset);
		else
			lw__buf_puts(b, ",\"module_offset\":null");
		lw__buf_puts(b, ",\"build_id\":");
		lw__buf_json_str(b, x ? x[i].build_id : NULL);
		lw__buf_puts(b, "}");
	}
	lw__buf_puts(b, "]");
}

static void put_stack(const lw_stack_t *s, const struct lw__rb *rb, struct lw__buf *b)
{
	put_stack_x(s, lw__rb_frame_info(rb, s), b);
}

void lw__report_json_stack(const lw_stack_t *s, const struct lw__frame_info *x,
			   struct lw__buf *b)
{
	put_stack_x(s, x, b);
}

/* ,"key": then the JSON string s (or null) */
static void put_str(struct lw__buf *b, const char *key, const char *s)
{
	lw__buf_puts(b, key);
	lw__buf_json_str(b, s);
}

static void put_locks(const lw_report_t *r, struct lw__buf *b)
{
	for (int i = 0; i < r->n_locks; i++) {
		const lw_report_lock_t *l = &r->locks[i];
		lw__buf_printf(b, "%s{\"id\":%u,\"address\":\"0x%" PRIxPTR "\"", i ? "," : "",
			       l->id, l->address);
		put_str(b, ",\"kind\":", l->kind);
		put_str(b, ",\"name\":", l->name);
		put_str(b, ",\"class\":", l->class_);
		lw__buf_puts(b, "}");
	}
}

/* An edge's first keys, up to its thread's name (the brace left open). */
static void put_edge_head(const lw_report_t *r, int i, struct lw__buf *b)
{
	const lw_report_edge_t *e = &r->edges[i];
	lw__buf_puts(b, i ? ",{\"from\":" : "{\"from\":");
	put_lock_ref(r, e->from, b);
	lw__buf_puts(b, ",\"to\":");
	put_lock_ref(r, e->to, b);
	lw__buf_printf(b, ",\"thread\":{\"tid\":%d", e->tid);
	put_str(b, ",\"name\":", e->thread_name);
}

static void put_edges(const lw_report_t *r, const struct lw__rb *rb, struct lw__buf *b)
{
	for (int i = 0; i < r->n_edges; i++) {
		const lw_report_edge_t *e = &r->edges[i];
		put_edge_head(r, i, b);
		lw__buf_printf(b, "},\"from_read\":%s,\"to_read\":%s,\"from_stack\":",
			       e->from_read ? "true" : "false", e->to_read ? "true" : "false");
		put_stack(&e->from_stack, rb, b);
		lw__buf_puts(b, ",\"to_stack\":");
		put_stack(&e->to_stack, rb, b);
		unsigned tm = i < rb->n_edges ? rb->edges[i].timed : 0;
		lw__buf_printf(b, ",\"from_timed\":%s,\"to_timed\":%s,\"to_fresh\":%s}",
			       tm & 1 ? "true" : "false", tm & 2 ? "true" : "false",
			       tm & 4 ? "true" : "false");
	}
}

static void put_held(const lw_report_t *r, const lw_report_thread_t *t, struct lw__buf *b)
{
	int first = 1;
	for (int k = 0; k < t->n_held && t->held; k++) {
		if (lock_id(r, t->held[k]) < 0)
			continue;
		if (!first)
			lw__buf_puts(b, ",");
		first = 0;
		put_lock_ref(r, t->held[k], b);
	}
}

/* A thread's first keys, up to its duration (the brace left open). */
static void put_thread_head(const lw_report_t *r, int i, struct lw__buf *b)
{
	const lw_report_thread_t *t = &r->threads[i];
	lw__buf_printf(b, "%s{\"tid\":%d", i ? "," : "", t->tid);
	put_str(b, ",\"name\":", t->name);
	put_str(b, ",\"role\":", t->role);
	lw__buf_puts(b, ",\"lock\":");
	put_lock_ref(r, t->lock, b);
	lw__buf_printf(b, ",\"duration_ms\":%" PRIu64, t->duration_ms);
}

static void put_threads(const lw_report_t *r, const struct lw__rb *rb, struct lw__buf *b)
{
	for (int i = 0; i < r->n_threads; i++) {
		const lw_report_thread_t *t = &r->threads[i];
		put_thread_head(r, i, b);
		lw__buf_puts(b, ",\"held\":[");
		put_held(r, t, b);
		lw__buf_puts(b, "],\"stack\":");
		put_stack(&t->stack, rb, b);
		lw__buf_puts(b, ",\"now\":");
		if (t->now.depth > 0)
			put_stack(&t->now, rb, b);
		else
			lw__buf_puts(b, "null");
		put_str(b, ",\"now_note\":", t->now_note);
		/* from the builder (the public struct is frozen): same index */
		const struct rb_thread *x = i < rb->n_threads ? &rb->threads[i] : NULL;
		put_str(b, ",\"state\":", x ? x->state : NULL);
		lw__buf_puts(b, ",\"waits_for\":[");
		for (int k = 0; x && k < x->n_waits_for && x->waits_for; k++)
			lw__buf_printf(b, "%s%d", k ? "," : "", x->waits_for[k]);
		lw__buf_puts(b, "]}");
	}
}

void lw__report_json(const lw_report_t *r, const struct lw__rb *rb, struct lw__buf *b)
{
	put_str(b, "{\"kind\":", r->kind_name);
	put_str(b, ",\"severity\":", r->severity_name);
	lw__buf_printf(b, ",\"pid\":%d,\"time_ms\":%" PRIu64, r->pid, r->time_ms);
	put_str(b, ",\"headline\":", r->headline);
	put_str(b, ",\"note\":", r->note);
	lw__buf_puts(b, ",\"locks\":[");
	put_locks(r, b);
	lw__buf_puts(b, "],\"edges\":[");
	put_edges(r, rb, b);
	lw__buf_puts(b, "],\"threads\":[");
	put_threads(r, rb, b);
	lw__buf_puts(b, "]");
	lw__put_process(b, r->pid, 0);
	put_str(b, ",\"suppression\":", rb->suppression);
	if (rb->group)
		lw__buf_printf(b, ",\"group\":%u}", rb->group);
	else
		lw__buf_puts(b, ",\"group\":null}");
}

void lw__report_json_instance(const lw_report_t *r, unsigned group, unsigned long n,
			      struct lw__buf *b)
{
	lw__buf_printf(b, "{\"group\":%u,\"instance\":%lu,\"pid\":%d,\"time_ms\":%" PRIu64,
		       group, n, r->pid, r->time_ms);
	put_str(b, ",\"headline\":", r->headline);
	lw__buf_puts(b, ",\"locks\":[");
	put_locks(r, b);
	lw__buf_puts(b, "],\"edges\":[");
	for (int i = 0; i < r->n_edges; i++) {
		put_edge_head(r, i, b);
		lw__buf_puts(b, "}}");
	}
	lw__buf_puts(b, "],\"threads\":[");
	for (int i = 0; i < r->n_threads; i++) {
		put_thread_head(r, i, b);
		lw__buf_puts(b, "}");
	}
	lw__buf_puts(b, "]}");
}
