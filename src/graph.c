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
 * An edge that closes a cycle is kept (for later reports and so it is not
 * reported again) but marked cyclic and left out of the order; the report
 * shows the shortest cycle through it, found by breadth-first search.
 *
 * Not every cycle can deadlock: when all its edges were taken while one
 * common other lock was held (a gate lock), or when some lock in it is
 * only ever held and awaited for reading (glibc rwlocks prefer readers, so
 * readers never block readers), it is reported as a warning saying why.
 * Each distinct cycle (its set of locks) is reported once per severity. */
#include "graph.h"
#include "map.h"
#include "real.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t graph_mu = PTHREAD_MUTEX_INITIALIZER;
static struct lw__map edges;     /* (from id, to id) -> edge */
static struct lw__map reported;  /* cycle signature -> severity */
static int64_t ord_lo = 0, ord_hi = 0;
static uint32_t stamp = 1;
static size_t n_edges, adj_bytes;
static unsigned n_benign;

#define LOCK() LW_REAL_FN(pthread_mutex_lock)(&graph_mu)
#define UNLOCK() LW_REAL_FN(pthread_mutex_unlock)(&graph_mu)

struct vec {
	struct lw__lock **p;
	size_t n, cap;
};
static struct vec fwd, bwd, work;

static int vec_push(struct vec *v, struct lw__lock *l)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 256;
		void *p = realloc(v->p, cap * sizeof(*v->p));
		if (!p)
			return -1;
		v->p = p;
		v->cap = cap;
	}
	v->p[v->n++] = l;
	return 0;
}

static int adj_push(struct lw__edge ***arr, uint32_t *n, uint32_t *cap, struct lw__edge *e)
{
	if (*n == *cap) {
		uint32_t c = *cap ? *cap * 2 : 4;
		void *p = realloc(*arr, c * sizeof(**arr));
		if (!p)
			return -1;
		adj_bytes += (c - *cap) * sizeof(**arr);
		*arr = p;
		*cap = c;
	}
	(*arr)[(*n)++] = e;
	return 0;
}

static void adj_remove(struct lw__edge **arr, uint32_t *n, struct lw__edge *e)
{
	for (uint32_t i = 0; i < *n; i++)
		if (arr[i] == e) {
			arr[i] = arr[--*n];
			return;
		}
}

static uint64_t edge_key(const struct lw__lock *a, const struct lw__lock *b)
{
	return ((uint64_t)a->id << 32) | b->id;
}

static uint32_t new_stamp(void)
{
	if (++stamp == 0)
		stamp = 1;
	return stamp;
}

/* Pearce-Kelly forward search from y over ord < ord(x). Returns 1 when x
 * is reached (a cycle). Fills fwd with the visited locks. */
static int search_forward(struct lw__lock *y, struct lw__lock *x, uint32_t mark)
{
	int64_t ub = x->ord;
	fwd.n = work.n = 0;
	y->mark = mark;
	vec_push(&work, y);
	while (work.n) {
		struct lw__lock *n = work.p[--work.n];
		vec_push(&fwd, n);
		for (uint32_t i = 0; i < n->n_out; i++) {
			struct lw__edge *e = n->out[i];
			struct lw__lock *w = e->to;
			if (e->cyclic)
				continue;
			if (w == x)
				return 1;
			if (w->mark != mark && w->ord < ub) {
				w->mark = mark;
				vec_push(&work, w);
			}
		}
	}
	return 0;
}

static void search_backward(struct lw__lock *x, int64_t lb, uint32_t mark)
{
	bwd.n = work.n = 0;
	x->mark = mark;
	vec_push(&work, x);
	while (work.n) {
		struct lw__lock *n = work.p[--work.n];
		vec_push(&bwd, n);
		for (uint32_t i = 0; i < n->n_in; i++) {
			struct lw__edge *e = n->in[i];
			struct lw__lock *w = e->from;
			if (e->cyclic)
				continue;
			if (w->mark != mark && w->ord > lb) {
				w->mark = mark;
				vec_push(&work, w);
			}
		}
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
	if (search_forward(y, x, new_stamp()))
		return 1;
	search_backward(x, y->ord, new_stamp());
	size_t n = fwd.n + bwd.n;
	int64_t *ords = malloc(n * sizeof(*ords));
	if (!ords)
		return 0;
	qsort(fwd.p, fwd.n, sizeof(*fwd.p), by_ord);
	qsort(bwd.p, bwd.n, sizeof(*bwd.p), by_ord);
	for (size_t i = 0; i < bwd.n; i++)
		ords[i] = bwd.p[i]->ord;
	for (size_t i = 0; i < fwd.n; i++)
		ords[bwd.n + i] = fwd.p[i]->ord;
	qsort(ords, n, sizeof(*ords), cmp_i64);
	/* everything that reaches x goes first, then everything y reaches */
	for (size_t i = 0; i < bwd.n; i++)
		bwd.p[i]->ord = ords[i];
	for (size_t i = 0; i < fwd.n; i++)
		fwd.p[i]->ord = ords[bwd.n + i];
	free(ords);
	return 0;
}

/* Shortest path from a to b over every edge (breadth-first). Fills
 * path[] with its edges, in order, and returns their count (0: none). */
static size_t shortest_path(struct lw__lock *a, struct lw__lock *b, struct lw__edge ***path)
{
	uint32_t mark = new_stamp();
	size_t head = 0;
	work.n = 0;
	a->mark = mark;
	a->via = NULL;
	vec_push(&work, a);
	while (head < work.n) {
		struct lw__lock *n = work.p[head++];
		if (n == b)
			break;
		for (uint32_t i = 0; i < n->n_out; i++) {
			struct lw__lock *w = n->out[i]->to;
			if (w->mark != mark) {
				w->mark = mark;
				w->via = n->out[i];
				vec_push(&work, w);
			}
		}
	}
	if (b->mark != mark)
		return 0;
	size_t len = 0;
	for (struct lw__lock *n = b; n != a; n = n->via->from)
		len++;
	*path = malloc(len * sizeof(**path));
	if (!*path)
		return 0;
	size_t i = len;
	for (struct lw__lock *n = b; n != a; n = n->via->from)
		(*path)[--i] = n->via;
	return len;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Judge the cycle made of edges cyc[0..n-1] (cyc[i]->to == cyc[i+1]->from)
 * and, unless this cycle was already reported at this severity, build its
 * report. Caller holds graph_mu; the report is emitted after unlocking. */
struct verdict {
	size_t n;        /* locks in the cycle */
	int gated;       /* the gate is lock n of the report */
	lw_severity_t sev;
};

static struct lw__rb *judge_cycle(struct lw__edge **cyc, size_t n, struct verdict *v)
{
	uint32_t *ids = malloc(n * sizeof(*ids));
	if (!ids)
		return NULL;
	for (size_t i = 0; i < n; i++)
		ids[i] = cyc[i]->from->id;
	qsort(ids, n, sizeof(*ids), cmp_u32);
	uint64_t sig = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		sig = (sig ^ ids[i]) * 1099511628211ull;
	sig |= 1;

	/* a gate: held before `from` on every edge, and not in the cycle */
	uint32_t gate = 0;
	for (int g = 0; g < cyc[0]->info.n_gates && !gate; g++) {
		uint32_t cand = cyc[0]->info.gates[g];
		int ok = !bsearch(&cand, ids, n, sizeof(*ids), cmp_u32);
		for (size_t i = 1; i < n && ok; i++) {
			int found = 0;
			for (int k = 0; k < cyc[i]->info.n_gates; k++)
				found |= cyc[i]->info.gates[k] == cand;
			ok = found;
		}
		if (ok)
			gate = cand;
	}
	free(ids);

	/* a lock only ever held and awaited for reading cannot block here */
	struct lw__lock *reader = NULL;
	for (size_t i = 0; i < n && !reader; i++) {
		struct lw__edge *in = cyc[(i + n - 1) % n], *out = cyc[i];
		if (in->info.to_read && out->info.from_read)
			reader = out->from;
	}

	lw_severity_t sev = (gate || reader) ? LW_WARNING : LW_ERROR;
	uintptr_t prev = (uintptr_t)lw__map_get(&reported, sig);
	if (prev >= (uintptr_t)sev)
		return NULL;
	lw__map_put(&reported, sig, (void *)(uintptr_t)sev);
	if (sev == LW_WARNING)
		n_benign++;

	struct lw__rb *rb = lw__rb_new(LW_LOCK_ORDER_CYCLE, sev);
	if (!rb)
		return NULL;
	v->n = n;
	v->sev = sev;
	v->gated = 0;
	int first = lw__rb_lock(rb, cyc[0]->from);
	for (size_t i = 0; i < n; i++) {
		int a = lw__rb_lock(rb, cyc[i]->from);
		int b = i + 1 < n ? lw__rb_lock(rb, cyc[i]->to) : first;
		lw__rb_edge(rb, a, b, cyc[i]->info.tid, cyc[i]->info.thread_name,
			    cyc[i]->info.from_read, cyc[i]->info.to_read,
			    cyc[i]->info.from_stack, cyc[i]->info.to_stack);
	}
	if (gate) {
		/* the gate's record may be gone; name it through its edge's thread */
		struct lw__lock *g = NULL;
		for (uint32_t i = 0; i < cyc[0]->from->n_in && !g; i++)
			if (cyc[0]->from->in[i]->from->id == gate)
				g = cyc[0]->from->in[i]->from;
		if (g) {
			lw__rb_lock(rb, g);
			v->gated = 1;
		}
	}
	return rb;
}

/* Fill the headline after the graph lock is dropped (it symbolises). */
static void finish_cycle(struct lw__rb *rb, const struct verdict *v)
{
	size_t n = v->n;
	char line[1024];
	size_t len = 0;
	for (size_t i = 0; i <= n && len < sizeof(line) - 1; i++) {
		int w = snprintf(line + len, sizeof(line) - len, "%s%s", i ? " -> " : "",
				 lw__rb_lock_name(rb, (int)(i % n)));
		if (w < 0)
			break;
		len += (size_t)w;
	}
	lw__rb_headline(rb, "lock-order cycle: %s", line);
	if (v->gated)
		lw__rb_note(rb, "every edge of this cycle was taken while holding %s, "
			    "which serialises them: it cannot deadlock as long as that stays so",
			    lw__rb_lock_name(rb, (int)n));
	else if (v->sev == LW_WARNING)
		lw__rb_note(rb, "a lock in this cycle is only ever held and awaited for "
			    "reading; readers do not block readers, so it cannot deadlock");
	else
		lw__rb_note(rb, "threads taking these locks in these orders at the same "
			    "time deadlock; pick one order and take them in it everywhere");
	lw__report_emit(rb);
}

/* The cycle through edge e (e->to ... e->from, then e), if any. */
static struct lw__rb *check_cycle_through(struct lw__edge *e, struct verdict *v)
{
	struct lw__edge **path = NULL;
	size_t n = shortest_path(e->to, e->from, &path);
	if (!n && e->to != e->from)
		return NULL;
	struct lw__edge **cyc = malloc((n + 1) * sizeof(*cyc));
	if (!cyc) {
		free(path);
		return NULL;
	}
	cyc[0] = e;
	for (size_t i = 0; i < n; i++)
		cyc[i + 1] = path[i];
	free(path);
	struct lw__rb *rb = judge_cycle(cyc, n + 1, v);
	free(cyc);
	return rb;
}

/* Merge a new sighting into an edge; 1 when its verdict inputs changed. */
static int merge(struct lw__edge *e, const struct lw__edge_info *in)
{
	int changed = 0;
	uint8_t k = 0;
	for (int i = 0; i < e->info.n_gates; i++) {
		int found = 0;
		for (int j = 0; j < in->n_gates; j++)
			found |= in->gates[j] == e->info.gates[i];
		if (found)
			e->info.gates[k++] = e->info.gates[i];
		else
			changed = 1;
	}
	e->info.n_gates = k;
	if (e->info.from_read && !in->from_read)
		e->info.from_read = 0, changed = 1;
	if (e->info.to_read && !in->to_read)
		e->info.to_read = 0, changed = 1;
	if (changed) {
		/* this sighting made the edge more dangerous: show it */
		e->info.tid = in->tid;
		memcpy(e->info.thread_name, in->thread_name, sizeof(e->info.thread_name));
		e->info.from_stack = in->from_stack;
		e->info.to_stack = in->to_stack;
	}
	return changed;
}

void lw__graph_add(struct lw__lock *from, struct lw__lock *to,
		   const struct lw__edge_info *info)
{
	struct lw__rb *rb = NULL;
	struct verdict v;
	if (from == to)
		return;
	LOCK();
	if (from->retired || to->retired) {
		UNLOCK();
		return;
	}
	uint64_t key = edge_key(from, to);
	struct lw__edge *e = lw__map_get(&edges, key);
	if (e) {
		if (merge(e, info) && n_benign)
			rb = check_cycle_through(e, &v);
		goto out;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		goto out;
	e->from = from;
	e->to = to;
	e->info = *info;
	if (adj_push(&from->out, &from->n_out, &from->cap_out, e) < 0 ||
	    adj_push(&to->in, &to->n_in, &to->cap_in, e) < 0 ||
	    lw__map_put(&edges, key, e) < 0) {
		/* out of memory: forget the edge rather than half-store it */
		adj_remove(from->out, &from->n_out, e);
		adj_remove(to->in, &to->n_in, e);
		free(e);
		goto out;
	}
	n_edges++;
	if (!from->ord)
		from->ord = --ord_lo;
	if (!to->ord)
		to->ord = ++ord_hi;
	if (from->ord > to->ord && reorder(from, to)) {
		e->cyclic = 1;
		rb = check_cycle_through(e, &v);
	}
out:
	UNLOCK();
	if (rb)
		finish_cycle(rb, &v);
}

void lw__graph_forget(struct lw__lock *l)
{
	LOCK();
	for (uint32_t i = 0; i < l->n_out; i++) {
		struct lw__edge *e = l->out[i];
		adj_remove(e->to->in, &e->to->n_in, e);
		lw__map_put(&edges, edge_key(e->from, e->to), NULL);
		free(e);
		n_edges--;
	}
	for (uint32_t i = 0; i < l->n_in; i++) {
		struct lw__edge *e = l->in[i];
		adj_remove(e->from->out, &e->from->n_out, e);
		lw__map_put(&edges, edge_key(e->from, e->to), NULL);
		free(e);
		n_edges--;
	}
	adj_bytes -= (l->cap_out + l->cap_in) * sizeof(struct lw__edge *);
	free(l->out);
	free(l->in);
	l->out = l->in = NULL;
	l->n_out = l->n_in = l->cap_out = l->cap_in = 0;
	UNLOCK();
}

void lw__graph_memory(size_t *n, size_t *bytes)
{
	LOCK();
	*n = n_edges;
	*bytes = n_edges * sizeof(struct lw__edge) + adj_bytes + edges.bytes;
	UNLOCK();
}

void lw__graph_atfork_prepare(void) { LOCK(); }
void lw__graph_atfork_parent(void) { UNLOCK(); }
void lw__graph_atfork_child(void)
{
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	graph_mu = fresh;
}
