/* graph_search.c - the searches of the lock-order graph (graph.c): the
 * Pearce-Kelly step that keeps the order when an edge disagrees with it
 * (or finds that the edge closes a cycle), and the shortest cycle through
 * such an edge. Both run under the graph lock and leave their marks in
 * the locks' `mark` and `via` fields; they look at the edges only.
 * Where a lock has many edges (a cache lock over every entry's lock),
 * both work from the side that has fewer, so the cost of a cycle does
 * not grow with the number of entries (tests/unit/graph.c, hub). */
#include "graph_search.h"
#include "edge.h"
#include "grow.h"
#include "mem.h"
#include "sort.h"

#include <stdint.h>

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

static uint32_t stamp = 1;

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
int lw__graph_reorder(struct lw__lock *x, struct lw__lock *y)
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

/* The path a ... x, e, y ... b of len edges (x found from a, y from b),
 * into *path; its length, or 0 when out of memory. */
static size_t path_through(struct lw__lock *a, struct lw__lock *b, struct lw__lock *x,
			   struct lw__edge *e, struct lw__lock *y, size_t len,
			   struct lw__edge ***path)
{
	*path = lw__mem_alloc(len * sizeof(**path));
	if (!*path)
		return 0;
	size_t i = dist_to(x, a, 1);
	(*path)[i] = e;
	for (struct lw__lock *n = x; n != a; n = lw__record_at(n->via->from))
		(*path)[--i] = n->via;
	i = dist_to(x, a, 1) + 1;
	for (struct lw__lock *n = y; n != b; n = lw__record_at(n->via->to))
		(*path)[i++] = n->via;
	return len;
}

size_t lw__graph_shortest_path(struct lw__lock *a, struct lw__lock *b, struct lw__edge ***path)
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
	return me ? path_through(a, b, mx, me, my, best, path) : 0;
}
