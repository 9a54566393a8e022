/* graph.c - the lock-order graph and its cycle detection (see graph.h).
 *
 * The algorithm. The graph is kept acyclic together with a topological
 * order: every lock that has an edge carries a number `ord`, and every
 * edge A->B has ord(A) < ord(B). A lock that first appears as the source
 * of an edge gets a number below all others, one that first appears as a
 * target a number above all others, so a thread taking fresh locks in a
 * consistent order never costs more than O(1) per new edge. An edge that
 * disagrees with the order (ord(A) > ord(B)) triggers the Pearce-Kelly
 * step: a forward search from B over locks numbered below ord(A); reaching
 * A means the new edge closes a cycle. Otherwise a backward search from A
 * over locks numbered above ord(B), and the two visited sets swap their
 * numbers so that the order holds again. Only the region between the two
 * numbers is visited, never the whole graph.
 *
 * An edge that closes a cycle is kept (so it is not found again) but
 * marked cyclic and left out of the order; the caller gets the shortest
 * cycle through it, found by breadth-first search, as a copy it judges
 * and reports after the graph lock is dropped (check/order.c). The graph
 * itself judges nothing. Copying the graph out, and the archive of the
 * edges of destroyed locks, are in graph_copy.c.
 *
 * Pearce, Kelly: "A dynamic topological sort algorithm for directed
 * acyclic graphs", ACM JEA 11 (2006); the names (forward and backward
 * search, ub/lb) follow the paper. */
#include "graph.h"
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
static uint32_t stamp = 1;
static size_t n_edges;
/* bumped (under the graph lock) by every change the lock-order line shows:
 * an edge added, removed, or made more dangerous (lw__graph_generation) */
static uint64_t generation;

#define LOCK() lw__mutex_lock(&lw__graph_mu)
#define UNLOCK() lw__mutex_unlock(&lw__graph_mu)

struct vec {
	struct lw__lock **p;
	size_t n, cap;
};
static struct vec fwd, bwd, work, work2;
size_t lw__graph_steps;

static int vec_push(struct vec *v, struct lw__lock *l)
{
	if (lw__grow(&v->p, &v->cap, v->n, sizeof(*v->p), 256) < 0)
		return -1;
	v->p[v->n++] = l;
	return 0;
}

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

static uint32_t new_stamp(void)
{
	if (++stamp == 0)
		stamp = 1;
	return stamp;
}

/* The Pearce-Kelly searches, depth first over the edges in the order
 * (cyclic ones skipped), visited locks into fwd and bwd: forward from y
 * over out-edges to locks with ord < ord(x), backward from x over
 * in-edges to locks with ord > ord(y). They take turns an edge at a
 * time, so when the new edge x->y closes a cycle (y reaches x: forward
 * finds x, backward finds y, or one reaches a lock the other did) it is
 * found at about twice the cost of the cheaper side: a lock with many
 * edges (a cache lock over every entry's lock) is not walked whole for
 * each entry that closes a cycle through it. Returns 1 then; else 0, both
 * searches done. */
struct side {
	struct vec *stack, *into;
	struct lw__lock *goal;
	uint32_t mine, theirs, edge; /* edge: the next one of the lock at hand */
	int64_t bound;
	int forward;
};

/* One step of a side: 1 a cycle, 0 go on, -1 this side is done. */
static int side_step(struct side *s)
{
	if (!s->edge) {
		if (!s->stack->n)
			return -1;
		struct lw__lock *n = s->stack->p[--s->stack->n];
		vec_push(s->into, n);
		s->edge = s->forward ? n->out : n->in;
		return 0;
	}
	struct lw__edge *e = lw__edge_at(s->edge);
	s->edge = s->forward ? e->next_out : e->next_in;
	lw__graph_steps++;
	if (e->cyclic)
		return 0;
	struct lw__lock *w = lw__record_at(s->forward ? e->to : e->from);
	if (w == s->goal || w->mark == s->theirs)
		return 1;
	if (w->mark != s->mine && (s->forward ? w->ord < s->bound : w->ord > s->bound)) {
		w->mark = s->mine;
		vec_push(s->stack, w);
	}
	return 0;
}

static int search(struct lw__lock *x, struct lw__lock *y)
{
	uint32_t mf = new_stamp(), mb = new_stamp();
	struct side f = { &work, &fwd, x, mf, mb, 0, x->ord, 1 };
	struct side b = { &work2, &bwd, y, mb, mf, 0, y->ord, 0 };
	fwd.n = bwd.n = work.n = work2.n = 0;
	y->mark = mf;
	x->mark = mb;
	vec_push(&work, y);
	vec_push(&work2, x);
	for (;;) {
		int sf = side_step(&f), sb;
		if (sf == 1 || (sb = side_step(&b)) == 1)
			return 1;
		if (sf < 0 && sb < 0)
			return 0;
	}
}

static int by_ord(const void *a, const void *b)
{
	int64_t x = (*(struct lw__lock *const *)a)->ord, y = (*(struct lw__lock *const *)b)->ord;
	return x < y ? -1 : x > y;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The new edge x->y has ord(x) > ord(y): restore the order, or return 1
 * when the edge closes a cycle. */
static int reorder(struct lw__lock *x, struct lw__lock *y)
{
	if (search(x, y))
		return 1;
	size_t n = fwd.n + bwd.n;
	int64_t *ords = lw__mem_alloc(n * sizeof(*ords));
	if (!ords)
		return 0;
	lw__sort(fwd.p, fwd.n, sizeof(*fwd.p), by_ord);
	lw__sort(bwd.p, bwd.n, sizeof(*bwd.p), by_ord);
	for (size_t i = 0; i < bwd.n; i++)
		ords[i] = bwd.p[i]->ord;
	for (size_t i = 0; i < fwd.n; i++)
		ords[bwd.n + i] = fwd.p[i]->ord;
	lw__sort(ords, n, sizeof(*ords), cmp_i64);
	/* everything that reaches x goes first, then everything y reaches */
	for (size_t i = 0; i < bwd.n; i++)
		bwd.p[i]->ord = ords[i];
	for (size_t i = 0; i < fwd.n; i++)
		fwd.p[i]->ord = ords[bwd.n + i];
	lw__mem_free(ords);
	return 0;
}

/* Shortest path from a to b over every edge: a breadth-first search
 * from both ends, each step a whole level of the side whose level has
 * fewer edges to follow, so a lock with many edges (a cache lock over
 * every entry's lock) is crossed from the other side, and a path is found
 * at the cost of the smaller side, not of every edge of a hub. A lock
 * found from a: mark mf, via the edge into it; from b: mark mb, via the
 * edge out of it toward b. Fills path[] with the edges, in order, and
 * returns their count (0: none, or a == b). */
static size_t dist_to(const struct lw__lock *x, const struct lw__lock *end, int forward)
{
	size_t d = 0;
	for (; x != end; d++)
		x = lw__record_at(forward ? x->via->from : x->via->to);
	return d;
}

static uint64_t level_cost(const struct vec *q, size_t from, int forward)
{
	uint64_t c = 0;
	for (size_t i = from; i < q->n; i++)
		c += forward ? q->p[i]->n_out : q->p[i]->n_in;
	return c;
}

static size_t shortest_path(struct lw__lock *a, struct lw__lock *b, struct lw__edge ***path)
{
	if (a == b)
		return 0;
	uint32_t mf = new_stamp(), mb = new_stamp();
	struct vec *qf = &fwd, *qb = &bwd;
	size_t hf = 0, hb = 0;
	qf->n = qb->n = 0;
	a->mark = mf;
	a->via = NULL;
	b->mark = mb;
	b->via = NULL;
	vec_push(qf, a);
	vec_push(qb, b);
	/* the best meeting: x found from a, y from b, edge x->y */
	struct lw__lock *mx = NULL, *my = NULL;
	struct lw__edge *me = NULL;
	size_t best = SIZE_MAX;
	while (!me && hf < qf->n && hb < qb->n) {
		int forward = level_cost(qf, hf, 1) <= level_cost(qb, hb, 0);
		struct vec *q = forward ? qf : qb;
		uint32_t mine = forward ? mf : mb, theirs = forward ? mb : mf;
		size_t h = forward ? hf : hb, level_end = q->n;
		for (; h < level_end; h++) {
			struct lw__lock *n = q->p[h];
			for (uint32_t i = forward ? n->out : n->in; i;) {
				struct lw__edge *e = lw__edge_at(i);
				struct lw__lock *w = lw__record_at(forward ? e->to : e->from);
				i = forward ? e->next_out : e->next_in;
				lw__graph_steps++;
				if (w->mark == mine)
					continue;
				if (w->mark == theirs) {
					struct lw__lock *x = forward ? n : w, *y = forward ? w : n;
					size_t len = dist_to(x, a, 1) + 1 + dist_to(y, b, 0);
					if (len < best)
						best = len, mx = x, my = y, me = e;
					continue;
				}
				w->mark = mine;
				w->via = e;
				vec_push(q, w);
			}
		}
		if (forward)
			hf = h;
		else
			hb = h;
	}
	if (!me)
		return 0;
	*path = lw__mem_alloc(best * sizeof(**path));
	if (!*path)
		return 0;
	size_t i = dist_to(mx, a, 1);
	(*path)[i] = me;
	for (struct lw__lock *n = mx; n != a; n = lw__record_at(n->via->from))
		(*path)[--i] = n->via;
	i = dist_to(mx, a, 1) + 1;
	for (struct lw__lock *n = my; n != b; n = lw__record_at(n->via->to))
		(*path)[i++] = n->via;
	return best;
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
	size_t n = shortest_path(lw__record_at(e->to), lw__record_at(e->from), &path);
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
		for (int j = 0; j < in->n_gates; j++)
			found |= in->gates[j] == gates[i];
		if (found)
			lw__store(&gates[k++], gates[i]);
		else
			changed = 1;
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
	    (now.to_timed && !in->to_timed) || (now.from_timed && !in->from_timed))
		return 1;
	uint8_t n = lw__load(&e->n_gates);
	const uint32_t *gates = n ? lw__edge_gates(e) : NULL;
	for (int i = 0; gates && i < n && i < LW__MAX_GATES; i++) {
		int found = 0;
		uint32_t gid = lw__load(&gates[i]);
		for (int j = 0; j < in->n_gates; j++)
			found |= in->gates[j] == gid;
		if (!found)
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
	if (from->ord > to->ord && reorder(from, to)) {
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
