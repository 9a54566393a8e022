/* graph.c - the lock-order graph and its cycle detection (see graph.h).
 *
 * The algorithm. The graph is kept acyclic together with a topological
 * order: every lock that has an edge carries a number `ord`, and every
 * edge A->B has ord(A) < ord(B). A lock that first appears as the source
 * of an edge gets a number below all others, one that first appears as a
 * target a number above all others, so a thread taking fresh locks in a
 * consistent order never costs more than O(1) per new edge. An edge that
 * disagrees with the order (ord(A) > ord(B)) triggers the Pearce-Kelly
 * step: a forward search from B over locks numbered below ord(A) and a
 * backward search from A over locks numbered above ord(B), taking turns;
 * their meeting means the new edge closes a cycle. Otherwise the two
 * visited sets swap their
 * numbers so that the order holds again. Only the region between the two
 * numbers is visited, never the whole graph.
 *
 * An edge that closes a cycle is kept (so it is not found again) but
 * marked cyclic and left out of the order; the caller gets the shortest
 * cycle through it, found by breadth-first search from both ends (the
 * searches are in graph_search.c), as a copy it judges
 * and reports after the graph lock is dropped (check/order.c). The graph
 * itself judges nothing. Copying the graph out, and the archive of the
 * edges of destroyed locks, are in graph_copy.c.
 *
 * Pearce, Kelly: "A dynamic topological sort algorithm for directed
 * acyclic graphs", ACM JEA 11 (2006); the names (forward and backward
 * search, ub/lb) follow the paper. */
#include "graph.h"
#include "graph_search.h"
#include "mem.h"
#include "sort.h"
#include "edge.h"
#include "grow.h"
#include "mutex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lw__mutex lw__graph_mu = LW__MUTEX_INIT;
static int64_t ord_lo = 0, ord_hi = 0;
static size_t n_edges;
/* bumped (under the graph lock) by every change the lock-order line shows:
 * an edge added, removed, or made more dangerous (lw__graph_generation) */
static uint64_t generation;

#define LOCK() lw__mutex_lock(&lw__graph_mu)
#define UNLOCK() lw__mutex_unlock(&lw__graph_mu)

/* An edge is on two doubly linked lists, its source's out-list and its
 * target's in-list, linked by edge index (0: none); `next` and `prev` are
 * the offsets of that list's links in the edge. */
#define LINK(i, off) (*(uint32_t *)((char *)lw__edge_at(i) + (off)))
#define OUT offsetof(struct lw__edge, next_out), offsetof(struct lw__edge, prev_out)
#define IN offsetof(struct lw__edge, next_in), offsetof(struct lw__edge, prev_in)

static void list_push(uint32_t *head, uint32_t *count, uint32_t e, size_t next, size_t prev)
{
	LINK(e, next) = *head;
	LINK(e, prev) = 0;
	if (*head)
		LINK(*head, prev) = e;
	*head = e;
	(*count)++;
}

static void list_remove(uint32_t *head, uint32_t *count, uint32_t e, size_t next, size_t prev)
{
	uint32_t p = LINK(e, prev), n = LINK(e, next);
	if (p)
		LINK(p, next) = n;
	else
		*head = n;
	if (n)
		LINK(n, prev) = p;
	(*count)--;
}

static void link_edge(uint32_t i)
{
	struct lw__lock *from = lw__record_at(lw__edge_at(i)->from);
	struct lw__lock *to = lw__record_at(lw__edge_at(i)->to);
	list_push(&from->out, &from->n_out, i, OUT);
	list_push(&to->in, &to->n_in, i, IN);
}

static void unlink_edge(uint32_t i)
{
	struct lw__lock *from = lw__record_at(lw__edge_at(i)->from);
	struct lw__lock *to = lw__record_at(lw__edge_at(i)->to);
	list_remove(&from->out, &from->n_out, i, OUT);
	list_remove(&to->in, &to->n_in, i, IN);
}

/* Copy edge e out for the caller (graph_copy.c too). */
void lw__graph_edge_copy(struct lw__cycle_edge *c, const struct lw__edge *e)
{
	memset(c, 0, sizeof(*c));
	c->from = lw__record_at(e->from);
	c->to = lw__record_at(e->to);
	snprintf(c->info.thread_name, sizeof(c->info.thread_name), "%s",
		 lw__edge_who(e->who, &c->info.tid));
	c->info.from_stack = e->from_stack;
	c->info.to_stack = e->to_stack;
	c->info.from_read = e->from_read;
	c->info.to_read = e->to_read;
	c->info.from_timed = e->from_timed;
	c->info.to_timed = e->to_timed;
	c->info.to_fresh = e->to_fresh;
	c->info.n_gates = e->n_gates;
	const uint32_t *gates = lw__edge_gates(e);
	if (gates)
		memcpy(c->info.gates, gates, sizeof(c->info.gates));
}

/* The shortest cycle through edge e (e, then e->to ... e->from), copied
 * into *out; returns its length, 0 when there is none. */
static size_t cycle_through(struct lw__edge *e, struct lw__cycle_edge **out)
{
	struct lw__edge **path = NULL;
	size_t n = lw__graph_shortest_path(lw__record_at(e->to), lw__record_at(e->from), &path);
	if (!n && e->to != e->from)
		return 0;
	struct lw__cycle_edge *cyc = lw__mem_alloc((n + 1) * sizeof(*cyc));
	if (cyc) {
		lw__graph_edge_copy(&cyc[0], e);
		for (size_t i = 0; i < n; i++)
			lw__graph_edge_copy(&cyc[i + 1], path[i]);
	}
	lw__mem_free(path);
	*out = cyc;
	return cyc ? n + 1 : 0;
}

/* Merge a new sighting into an edge; 1 when its verdict inputs changed. */
static int merge(struct lw__edge *e, const struct lw__edge_info *in)
{
	int changed = 0;
	uint8_t k = 0;
	uint32_t *gates = lw__edge_gates(e);
	for (int i = 0; gates && i < e->n_gates; i++) {
		int found = 0;
		uint32_t kept = gates[i];
		for (int j = 0; j < in->n_gates; j++)
			if (lw__gate_id(in->gates[j]) == lw__gate_id(gates[i])) {
				found = 1; /* kept where held every time; */
				kept |= in->gates[j] & LW__GATE_READ; /* read once, read */
			}
		if (!found || kept != gates[i])
			changed = 1; /* (before the store: gates[k] may be gates[i]) */
		if (found)
			lw__store(&gates[k++], kept);
	}
	lw__store(&e->n_gates, k);
	if (e->from_read && !in->from_read)
		e->from_read = 0, changed = 1;
	if (e->to_read && !in->to_read)
		e->to_read = 0, changed = 1;
	if (e->to_timed && !in->to_timed)
		e->to_timed = 0, changed = 1;
	if (e->from_timed && !in->from_timed)
		e->from_timed = 0;
	if (e->to_fresh && !in->to_fresh)
		e->to_fresh = 0, changed = 1;
	if (changed) {
		/* this sighting made the edge more dangerous: show it */
		e->who = lw__edge_who_intern(in->tid, in->thread_name);
		e->from_stack = in->from_stack;
		e->to_stack = in->to_stack;
	}
	return changed;
}

/* Would this sighting change edge e (merge() returning 1)? Read without
 * the graph lock: a stale view only sends the caller to the locked path. */
static int news_for(const struct lw__edge *e, const struct lw__edge_info *in)
{
	struct lw__edge now;
	now.flags = lw__load(&e->flags);
	if ((now.from_read && !in->from_read) || (now.to_read && !in->to_read) ||
	    (now.to_timed && !in->to_timed) || (now.from_timed && !in->from_timed) ||
	    (now.to_fresh && !in->to_fresh))
		return 1;
	uint8_t n = lw__load(&e->n_gates);
	const uint32_t *gates = n ? lw__edge_gates(e) : NULL;
	for (int i = 0; gates && i < n && i < LW__MAX_GATES; i++) {
		int found = 0;
		int weaker = 0; /* found read-held, kept as exclusive */
		uint32_t gid = lw__load(&gates[i]);
		for (int j = 0; j < in->n_gates; j++)
			if (lw__gate_id(in->gates[j]) == lw__gate_id(gid)) {
				found = 1;
				weaker = (in->gates[j] & ~gid & LW__GATE_READ) != 0;
			}
		if (!found || weaker)
			return 1;
	}
	return 0;
}

/* A new edge from->to made of this sighting, on both lists and in the
 * pair hash; NULL when out of memory. Caller holds the graph lock. */
static struct lw__edge *new_edge(struct lw__lock *from, struct lw__lock *to,
				 const struct lw__edge_info *info)
{
	uint32_t i = lw__edge_alloc();
	if (!i)
		return NULL;
	struct lw__edge *e = lw__edge_at(i);
	if (info->n_gates && lw__edge_set_gates(e, info->gates, info->n_gates) < 0) {
		lw__edge_free(i);
		return NULL;
	}
	e->from_stack = info->from_stack;
	e->to_stack = info->to_stack;
	e->who = lw__edge_who_intern(info->tid, info->thread_name);
	e->from_read = info->from_read;
	e->to_read = info->to_read;
	e->from_timed = info->from_timed;
	e->to_timed = info->to_timed;
	e->to_fresh = info->to_fresh;
	e->n_gates = info->n_gates;
	/* last: a reader that still held this edge from before its reuse sees
	 * the new pair only with all the rest */
	lw__store_rel(&e->pair, lw__edge_pair(from->index, to->index));
	link_edge(i);
	lw__edge_index(i);
	n_edges++;
	lw__store(&generation, generation + 1);
	return e;
}

size_t lw__graph_add(struct lw__lock *from, struct lw__lock *to,
		     const struct lw__edge_info *info, int recheck, struct lw__cycle_edge **cycle)
{
	size_t n = 0;
	*cycle = NULL;
	if (from == to)
		return 0;
	struct lw__edge *e = lw__edge_find(from, to);
	if (e && !news_for(e, info)) {
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (lw__load(&e->pair) == lw__edge_pair(from->index, to->index))
			return 0; /* known, nothing to merge: no graph lock */
	}
	LOCK();
	if (from->retired || to->retired) {
		UNLOCK();
		return 0;
	}
	e = lw__edge_find(from, to);
	if (e) {
		uint8_t flags = e->flags, n_gates = e->n_gates;
		int changed = merge(e, info);
		if (changed || e->flags != flags || e->n_gates != n_gates)
			lw__store(&generation, generation + 1);
		if (changed && recheck)
			n = cycle_through(e, cycle);
		goto out;
	}
	e = new_edge(from, to, info);
	if (!e)
		goto out;
	if (!from->ord)
		from->ord = --ord_lo;
	if (!to->ord)
		to->ord = ++ord_hi;
	if (from->ord > to->ord && lw__graph_reorder(from, to)) {
		e->cyclic = 1;
		n = cycle_through(e, cycle);
	}
out:
	if (n)
		lw__lock_read_begin(); /* before any of its locks can be forgotten */
	UNLOCK();
	return n;
}

struct lw__lock *lw__graph_pred(struct lw__lock *l, uint32_t id)
{
	struct lw__lock *p = NULL;
	LOCK();
	for (uint32_t i = l->in; i && !p; i = lw__edge_at(i)->next_in)
		if (lw__record_at(lw__edge_at(i)->from)->id == id)
			p = lw__record_at(lw__edge_at(i)->from);
	UNLOCK();
	return p;
}

uint64_t lw__graph_generation(void)
{
	return lw__load_acq(&generation);
}

/* Take edge e out of the graph for good. Caller holds the graph lock. */
void lw__graph_drop_edge(uint32_t e)
{
	lw__store(&generation, generation + 1);
	unlink_edge(e);
	lw__edge_unindex(e);
	lw__edge_free(e);
	n_edges--;
}

void lw__graph_memory(size_t *n, size_t *bytes)
{
	LOCK();
	*n = n_edges;
	*bytes = lw__edge_bytes();
	UNLOCK();
}
