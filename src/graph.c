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
/* read and written only under graph_mu: an exclusive map */
static struct lw__map reported = { .exclusive = 1 }; /* cycle signature -> severity */
static int64_t ord_lo = 0, ord_hi = 0;
static uint32_t stamp = 1;
static size_t n_edges;
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

/* Link e into its source's out-list and its target's in-list. */
static void link_edge(struct lw__edge *e)
{
	struct lw__lock *a = e->from, *b = e->to;
	e->next_out = a->out;
	if (a->out)
		a->out->prev_out = e;
	a->out = e;
	a->n_out++;
	e->next_in = b->in;
	if (b->in)
		b->in->prev_in = e;
	b->in = e;
	b->n_in++;
}

static void unlink_edge(struct lw__edge *e)
{
	struct lw__lock *a = e->from, *b = e->to;
	if (e->prev_out)
		e->prev_out->next_out = e->next_out;
	else
		a->out = e->next_out;
	if (e->next_out)
		e->next_out->prev_out = e->prev_out;
	a->n_out--;
	if (e->prev_in)
		e->prev_in->next_in = e->next_in;
	else
		b->in = e->next_in;
	if (e->next_in)
		e->next_in->prev_in = e->prev_in;
	b->n_in--;
}

/* The edge a->b, if any: a scan of the shorter of a's out-list and b's
 * in-list, so a hub lock with many edges costs nothing to its leaves. */
static struct lw__edge *find_edge(struct lw__lock *a, struct lw__lock *b)
{
	if (a->n_out <= b->n_in) {
		for (struct lw__edge *e = a->out; e; e = e->next_out)
			if (e->to == b)
				return e;
	} else {
		for (struct lw__edge *e = b->in; e; e = e->next_in)
			if (e->from == a)
				return e;
	}
	return NULL;
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
		for (struct lw__edge *e = n->out; e; e = e->next_out) {
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
		for (struct lw__edge *e = n->in; e; e = e->next_in) {
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
		for (struct lw__edge *e = n->out; e; e = e->next_out) {
			struct lw__lock *w = e->to;
			if (w->mark != mark) {
				w->mark = mark;
				w->via = e;
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
static const char *name_of(uint32_t id);
static uint32_t name_intern(const char name[16]);

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
	for (int g = 0; g < cyc[0]->n_gates && !gate; g++) {
		uint32_t cand = cyc[0]->gates[g];
		int ok = !bsearch(&cand, ids, n, sizeof(*ids), cmp_u32);
		for (size_t i = 1; i < n && ok; i++) {
			int found = 0;
			for (int k = 0; k < cyc[i]->n_gates; k++)
				found |= cyc[i]->gates[k] == cand;
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
		if (in->to_read && out->from_read)
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
		lw__rb_edge(rb, a, b, cyc[i]->tid, name_of(cyc[i]->name), cyc[i]->from_read,
			    cyc[i]->to_read, cyc[i]->from_stack, cyc[i]->to_stack);
	}
	if (gate) {
		/* the gate's record may be gone; name it through its edge's thread */
		struct lw__lock *g = NULL;
		for (struct lw__edge *e = cyc[0]->from->in; e && !g; e = e->next_in)
			if (e->from->id == gate)
				g = e->from;
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
	/* up to 8 locks, all of them; a longer cycle: its size, the first
	 * three, the last, and back (every lock is in the report's list) */
	if (n > 8)
		len = (size_t)snprintf(line, sizeof(line), "of %zu locks: ", n);
	for (size_t i = 0; i <= n && len < sizeof(line) - 1; i++) {
		if (n > 8 && i == 3) {
			len += (size_t)snprintf(line + len, sizeof(line) - len, " -> ...");
			i = n - 1;
		}
		int w = snprintf(line + len, sizeof(line) - len, "%s%s",
				 i && !(n > 8 && i == 0) ? " -> " : "",
				 lw__rb_lock_name(rb, (int)(i % n)));
		if (w < 0)
			break;
		len += (size_t)w;
	}
	lw__rb_headline(rb, "lock-order cycle%s%s", n > 8 ? " " : ": ", line);
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
	for (int i = 0; i < e->n_gates; i++) {
		int found = 0;
		for (int j = 0; j < in->n_gates; j++)
			found |= in->gates[j] == e->gates[i];
		if (found)
			e->gates[k++] = e->gates[i];
		else
			changed = 1;
	}
	e->n_gates = k;
	if (e->from_read && !in->from_read)
		e->from_read = 0, changed = 1;
	if (e->to_read && !in->to_read)
		e->to_read = 0, changed = 1;
	if (changed) {
		/* this sighting made the edge more dangerous: show it */
		e->tid = in->tid;
		e->name = name_intern(in->thread_name);
		e->from_stack = in->from_stack;
		e->to_stack = in->to_stack;
	}
	return changed;
}

/* ---- edge storage: a slab with a free list, and interned thread names -- */

_Static_assert(sizeof(struct lw__edge) <= 88, "an edge fits in 88 bytes");

#define SLAB_EDGES 4096
static struct lw__edge *slab, *free_edges; /* a free edge's `from` links the list */
static size_t slab_left, slab_bytes;

static struct lw__edge *edge_alloc(void)
{
	struct lw__edge *e = free_edges;
	if (e) {
		free_edges = (struct lw__edge *)e->from;
	} else {
		if (!slab_left) {
			slab = calloc(SLAB_EDGES, sizeof(*slab));
			if (!slab)
				return NULL;
			slab_left = SLAB_EDGES;
			slab_bytes += SLAB_EDGES * sizeof(*slab);
		}
		e = slab++;
		slab_left--;
	}
	memset(e, 0, sizeof(*e));
	return e;
}

static void edge_free(struct lw__edge *e)
{
	e->from = (struct lw__lock *)free_edges;
	free_edges = e;
}

static char (*names)[16];
static uint32_t n_names, cap_names;
static struct lw__map name_ids = { .exclusive = 1 }; /* name hash -> id + 1 */

static uint32_t name_intern(const char name[16])
{
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < 16 && name[i]; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ull;
	h |= 1;
	uintptr_t id = (uintptr_t)lw__map_get(&name_ids, h);
	if (id)
		return (uint32_t)id - 1;
	if (n_names == cap_names) {
		uint32_t cap = cap_names ? cap_names * 2 : 16;
		void *p = realloc(names, cap * sizeof(*names));
		if (!p)
			return 0;
		names = p;
		cap_names = cap;
	}
	memcpy(names[n_names], name, 16);
	names[n_names][15] = 0;
	lw__map_put(&name_ids, h, (void *)(uintptr_t)(n_names + 1));
	return n_names++;
}

static const char *name_of(uint32_t id)
{
	return id < n_names ? names[id] : "";
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
	struct lw__edge *e = find_edge(from, to);
	if (e) {
		if (merge(e, info) && n_benign)
			rb = check_cycle_through(e, &v);
		goto out;
	}
	e = edge_alloc();
	if (!e)
		goto out;
	e->from = from;
	e->to = to;
	e->from_stack = info->from_stack;
	e->to_stack = info->to_stack;
	e->tid = info->tid;
	e->name = name_intern(info->thread_name);
	e->from_read = info->from_read;
	e->to_read = info->to_read;
	e->n_gates = info->n_gates;
	memcpy(e->gates, info->gates, sizeof(e->gates));
	link_edge(e);
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
	while (l->out) {
		struct lw__edge *e = l->out;
		unlink_edge(e);
		edge_free(e);
		n_edges--;
	}
	while (l->in) {
		struct lw__edge *e = l->in;
		unlink_edge(e);
		edge_free(e);
		n_edges--;
	}
	UNLOCK();
}

void lw__graph_memory(size_t *n, size_t *bytes)
{
	LOCK();
	*n = n_edges;
	*bytes = slab_bytes + reported.bytes;
	UNLOCK();
}

void lw__graph_atfork_prepare(void) { LOCK(); }
void lw__graph_atfork_parent(void) { UNLOCK(); }
void lw__graph_atfork_child(void)
{
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	graph_mu = fresh;
}
