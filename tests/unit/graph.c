/* graph.c - unit test of the lock-order graph (src/model/graph.h).
 *
 * Lock records are made here (zeroed, ids from 1, placed in the directory
 * of records by hand), not through the registry; the graph needs nothing
 * else. A plain model of the edges added
 * (an adjacency matrix per set of locks, with the edges that closed a
 * cycle marked) gives the expected answer of every lw__graph_add:
 *   - an edge that agrees with some order of the locks is never rejected;
 *   - an edge u->v closes a cycle exactly when v reaches u over the edges
 *     that did not close one themselves (those are kept out of the order:
 *     README, Known limits), and then the cycle handed back is a real
 *     cycle of stored edges, the new edge first, and a shortest one
 *     (breadth-first search over every stored edge);
 *   - the topological numbers (ord) stay consistent with every edge kept
 *     in the order.
 * Then the fixed shapes: 2- and 3-cycles, a 20,000-lock chain closed at
 * its end, duplicates, forgetting a lock, and the recheck of an existing
 * edge whose new sighting drops a gate or a read side. And a hub: a lock
 * taken over each of 20,000 others and under each (a cache lock and its
 * entries' locks), whose 2-cycles are found at a cost that does not grow
 * with the number of entries (edges looked at, lw__graph_steps: a walk of
 * the hub's every edge per cycle was 20,000 each). */
#include "unit.h"

#include "graph.h"
#include "mem.h"
#include "lock.h"

#include <stdio.h>

/* ---- lock records and the model ---------------------------------------- */

static uint32_t next_id = 1;
static size_t next_entry = 1; /* of lw__record_dir: the registry is unused here */

/* n records, each at its place in the directory of records, as the graph
 * names them by index (lock.h: lw__record_at): entry c + 1 holds records
 * c * LW__RECORD_CHUNK on, so every LW__RECORD_CHUNK of them take one. */
static struct lw__lock *new_locks(size_t n)
{
	struct lw__lock *l = aligned_alloc(64, n * sizeof(*l));
	size_t entries = (n + LW__RECORD_CHUNK - 1) / LW__RECORD_CHUNK;
	if (!l || next_entry + entries > LW__RECORD_CHUNKS)
		abort();
	memset(l, 0, n * sizeof(*l));
	for (size_t i = 0; i < n; i++) {
		l[i].id = next_id++;
		l[i].kind = LW__MUTEX;
		l[i].index = (uint32_t)((next_entry - 1) * LW__RECORD_CHUNK + i);
	}
	for (size_t k = 0; k < entries; k++)
		lw__record_dir[next_entry + k] = &l[k * LW__RECORD_CHUNK];
	next_entry += entries;
	return l;
}

/* adj[]: an edge added, which closed a cycle, or one to be added (a) */
enum { EDGE = 1, CYCLIC = 2, PLANNED = 4 };

struct model {
	struct lw__lock *l;
	size_t n;
	uint8_t *adj; /* n*n: EDGE, CYCLIC */
	int *tid;     /* n*n: the tid of the sighting that made the edge */
	size_t *dist, *queue;
};

static void model_init(struct model *m, size_t n)
{
	m->l = new_locks(n);
	m->n = n;
	m->adj = calloc(n * n, 1);
	m->tid = calloc(n * n, sizeof(int));
	m->dist = calloc(n, sizeof(size_t));
	m->queue = calloc(n, sizeof(size_t));
	if (!m->adj || !m->tid || !m->dist || !m->queue)
		abort();
}

/* Forget every lock of the set, and free it (the records are not used by
 * the graph after lw__graph_forget: no edge points at them). */
static void model_free(struct model *m)
{
	for (size_t i = 0; i < m->n; i++)
		lw__graph_forget(&m->l[i], -1);
	free(m->l);
	free(m->adj);
	free(m->tid);
	free(m->dist);
	free(m->queue);
}

/* Edges from a to b: the length of a shortest path, SIZE_MAX when none;
 * with `all` over every edge, else only over those kept in the order. */
static size_t model_dist(struct model *m, size_t a, size_t b, int all)
{
	size_t n = m->n, head = 0, tail = 0;
	for (size_t i = 0; i < n; i++)
		m->dist[i] = SIZE_MAX;
	m->dist[a] = 0;
	m->queue[tail++] = a;
	while (head < tail) {
		size_t x = m->queue[head++];
		if (x == b)
			return m->dist[x];
		for (size_t y = 0; y < n; y++) {
			uint8_t e = m->adj[x * n + y];
			if (!e || (!all && (e & CYCLIC)) || m->dist[y] != SIZE_MAX)
				continue;
			m->dist[y] = m->dist[x] + 1;
			m->queue[tail++] = y;
		}
	}
	return SIZE_MAX;
}

static size_t edges_now(void)
{
	size_t e, bytes;
	lw__graph_memory(&e, &bytes);
	return e;
}

static void thread_name(char out[16], int tid)
{
	snprintf(out, 16, "worker-%d", tid % 7);
}

static struct lw__edge_info info_of(int tid)
{
	struct lw__edge_info in;
	memset(&in, 0, sizeof(in));
	in.tid = tid;
	thread_name(in.thread_name, tid);
	in.from_stack = (uint32_t)tid * 2 + 1;
	in.to_stack = (uint32_t)tid * 2 + 2;
	return in;
}

/* Index of a record in the set, or SIZE_MAX when it is not one of them. */
static size_t index_of(struct model *m, const struct lw__lock *l)
{
	if (l < m->l || l >= m->l + m->n)
		return SIZE_MAX;
	return (size_t)(l - m->l);
}

/* The cycle c of length got, handed back for the new edge u->v, is a real
 * cycle of stored edges starting with u->v, of length `want`, and each
 * edge carries the information of the sighting that made it. */
static void check_cycle(struct model *m, size_t u, size_t v, size_t got,
			const struct lw__cycle_edge *c, size_t want)
{
	CHECKF(got == want, "edge %zu->%zu: cycle of %zu edges, want %zu", u, v, got, want);
	CHECKF((got != 0) == (c != NULL), "edge %zu->%zu: %zu edges, copy %p", u, v, got,
	       (const void *)c);
	if (!got || !c)
		return;
	CHECKF(c[0].from == &m->l[u] && c[0].to == &m->l[v],
	       "edge %zu->%zu: the cycle does not start with the new edge", u, v);
	for (size_t k = 0; k < got; k++) {
		size_t a = index_of(m, c[k].from), b = index_of(m, c[k].to);
		CHECKF(a != SIZE_MAX && b != SIZE_MAX, "edge %zu->%zu: cycle edge %zu is not ours",
		       u, v, k);
		if (a == SIZE_MAX || b == SIZE_MAX)
			return;
		CHECKF(m->adj[a * m->n + b] & EDGE,
		       "edge %zu->%zu: cycle edge %zu (%zu->%zu) was never added", u, v, k, a, b);
		CHECKF(c[k].to == c[(k + 1) % got].from,
		       "edge %zu->%zu: cycle edge %zu does not lead to the next", u, v, k);
		int tid = m->tid[a * m->n + b];
		char name[16];
		thread_name(name, tid);
		CHECKF(c[k].info.tid == tid && strcmp(c[k].info.thread_name, name) == 0 &&
			       c[k].info.from_stack == (uint32_t)tid * 2 + 1 &&
			       c[k].info.to_stack == (uint32_t)tid * 2 + 2,
		       "edge %zu->%zu: cycle edge %zu carries tid %d '%s', want %d '%s'", u, v, k,
		       c[k].info.tid, c[k].info.thread_name, tid, name);
	}
}

/* Add u->v as thread `tid`, check the answer against the model, update it.
 * Returns the cycle's length. */
static size_t model_add(struct model *m, size_t u, size_t v, int tid)
{
	size_t n = m->n, want = 0;
	int fresh = u != v && !(m->adj[u * n + v] & EDGE);
	if (fresh && model_dist(m, v, u, 0) != SIZE_MAX)
		want = 1 + model_dist(m, v, u, 1);
	if (fresh) {
		/* in the model before the call: check_cycle looks the new edge up */
		m->adj[u * n + v] = EDGE;
		m->tid[u * n + v] = tid;
	}
	struct lw__edge_info in = info_of(tid);
	struct lw__cycle_edge *c = (struct lw__cycle_edge *)1;
	size_t got = lw__graph_add(&m->l[u], &m->l[v], &in, 0, &c);
	if (!got)
		CHECKF(c == NULL, "edge %zu->%zu: no cycle but *cycle not NULL", u, v);
	check_cycle(m, u, v, got, got ? c : NULL, want);
	if (fresh && got)
		m->adj[u * n + v] |= CYCLIC;
	lw__mem_free(got ? c : NULL);
	return got;
}

/* Every edge kept in the order goes from a lower ord to a higher one. */
static void check_order(struct model *m, const char *when)
{
	size_t n = m->n, bad = 0, first_a = 0, first_b = 0;
	for (size_t a = 0; a < n; a++)
		for (size_t b = 0; b < n; b++)
			if (m->adj[a * n + b] == EDGE && !(m->l[a].ord < m->l[b].ord)) {
				if (!bad++)
					first_a = a, first_b = b;
			}
	CHECKF(bad == 0, "%s: %zu edges against the order, first %zu->%zu (ord %lld, %lld)", when,
	       bad, first_a, first_b, (long long)m->l[first_a].ord, (long long)m->l[first_b].ord);
}

/* ---- (a) random forward edges are never rejected ------------------------ */

static void forward_edges(void)
{
	enum { N = 300, E = 4000, ROUNDS = 4 };
	for (int round = 0; round < ROUNDS; round++) {
		struct model m;
		model_init(&m, N);
		size_t base = edges_now();
		/* a random order of the locks: rank[i] is i's place in it */
		size_t rank[N], (*pairs)[2] = malloc(E * sizeof(*pairs));
		if (!pairs)
			abort();
		for (size_t i = 0; i < N; i++)
			rank[i] = i;
		unit_shuffle(rank, N, sizeof(rank[0]));
		for (size_t k = 0; k < E;) {
			size_t a = unit_below(N), b = unit_below(N);
			if (a == b)
				continue;
			if (rank[a] > rank[b]) {
				size_t t = a;
				a = b;
				b = t;
			}
			if (m.adj[a * N + b])
				continue;
			m.adj[a * N + b] = PLANNED; /* EDGE once added */
			m.tid[a * N + b] = (int)k;
			pairs[k][0] = a;
			pairs[k][1] = b;
			k++;
		}
		/* inserted in an order unrelated to the ranks */
		unit_shuffle(pairs, E, sizeof(pairs[0]));
		size_t rejected = 0, first = 0;
		for (size_t k = 0; k < E; k++) {
			size_t a = pairs[k][0], b = pairs[k][1];
			struct lw__edge_info in = info_of(m.tid[a * N + b]);
			struct lw__cycle_edge *c = NULL;
			size_t got = lw__graph_add(&m.l[a], &m.l[b], &in, 0, &c);
			m.adj[a * N + b] = EDGE;
			if (got || c) {
				if (!rejected++)
					first = k;
				lw__mem_free(c);
			}
			if (k % 500 == 499)
				check_order(&m, "forward edges");
		}
		CHECKF(rejected == 0, "round %d: %zu of %d forward edges closed a 'cycle' (first: #%zu)",
		       round, rejected, E, first);
		check_order(&m, "forward edges, at the end");
		CHECKF(edges_now() - base == E, "round %d: %zu edges stored, want %d", round,
		       edges_now() - base, E);
		/* every edge's source is found among its target's predecessors,
		 * and a lock that is not one is not */
		size_t pred_bad = 0;
		for (size_t k = 0; k < E; k++) {
			size_t a = pairs[k][0], b = pairs[k][1];
			if (lw__graph_pred(&m.l[b], m.l[a].id) != &m.l[a])
				pred_bad++;
			if (!m.adj[b * N + a] && lw__graph_pred(&m.l[a], m.l[b].id) != NULL)
				pred_bad++;
		}
		CHECKF(pred_bad == 0, "round %d: lw__graph_pred wrong %zu times", round, pred_bad);
		free(pairs);
		model_free(&m);
		CHECKF(edges_now() == base, "round %d: %zu edges left after forgetting every lock",
		       round, edges_now() - base);
	}
}

/* ---- (b) every closing edge is found, as a shortest cycle --------------- */

static void closing_edges(void)
{
	enum { N = 200, E = 1200, CLOSE = 40, ROUNDS = 8 };
	for (int round = 0; round < ROUNDS; round++) {
		struct model m;
		model_init(&m, N);
		size_t base = edges_now();
		size_t rank[N];
		for (size_t i = 0; i < N; i++)
			rank[i] = i;
		unit_shuffle(rank, N, sizeof(rank[0]));
		int tid = 0;
		for (size_t k = 0; k < E;) {
			size_t a = unit_below(N), b = unit_below(N);
			if (a == b || rank[a] > rank[b] || m.adj[a * N + b])
				continue;
			CHECK(model_add(&m, a, b, tid++) == 0);
			k++;
		}
		check_order(&m, "random DAG");
		size_t closed = 0, tries = 0;
		while (closed < CLOSE && tries++ < 100000) {
			size_t i = unit_below(N), j = unit_below(N);
			/* i reaches j over the DAG's edges; j->i is new */
			if (i == j || m.adj[j * N + i] || model_dist(&m, i, j, 0) == SIZE_MAX)
				continue;
			size_t before = edges_now();
			CHECKF(model_add(&m, j, i, tid++) > 0, "round %d: closing edge %zu->%zu not found",
			       round, j, i);
			CHECK(edges_now() == before + 1); /* kept, so not found again */
			closed++;
		}
		CHECKF(closed == CLOSE, "round %d: only %zu closing edges tried", round, closed);
		check_order(&m, "after closing edges");
		/* a closing edge seen again is not a new cycle */
		for (size_t a = 0; a < N; a++)
			for (size_t b = 0; b < N; b++)
				if (m.adj[a * N + b] & CYCLIC)
					CHECK(model_add(&m, a, b, tid++) == 0);
		model_free(&m);
		CHECK(edges_now() == base);
	}
}

/* ---- (b') random edges of any direction, against the model -------------- */

static void random_edges(void)
{
	enum { N = 60, E = 1500, ROUNDS = 3 };
	for (int round = 0; round < ROUNDS; round++) {
		struct model m;
		model_init(&m, N);
		size_t cycles = 0;
		for (int k = 0; k < E; k++) {
			size_t a = unit_below(N), b = unit_below(N);
			if (model_add(&m, a, b, k))
				cycles++;
			if (k % 100 == 99)
				check_order(&m, "random edges");
		}
		/* the test means something only if both answers came up */
		CHECKF(cycles > 0 && cycles < (size_t)E, "round %d: %zu cycles of %d edges", round,
		       cycles, E);
		model_free(&m);
	}
}

/* ---- (c) small cycles and a long chain ---------------------------------- */

static size_t add(struct lw__lock *a, struct lw__lock *b, struct lw__cycle_edge **c)
{
	struct lw__edge_info in = info_of(1);
	return lw__graph_add(a, b, &in, 0, c);
}

static void small_cycles(void)
{
	struct model m;
	model_init(&m, 5);
	/* 2-cycle: 0->1, 1->0 */
	CHECK(model_add(&m, 0, 1, 1) == 0);
	CHECK(model_add(&m, 1, 0, 2) == 2);
	/* 3-cycle: 2->3, 3->4, 4->2 */
	CHECK(model_add(&m, 2, 3, 3) == 0);
	CHECK(model_add(&m, 3, 4, 4) == 0);
	CHECK(model_add(&m, 4, 2, 5) == 3);
	model_free(&m);

	/* a 3-cycle whose edges come last one first */
	struct lw__lock *l = new_locks(3);
	struct lw__cycle_edge *c;
	CHECK(add(&l[1], &l[2], &c) == 0);
	CHECK(add(&l[0], &l[1], &c) == 0);
	size_t n = add(&l[2], &l[0], &c);
	CHECK(n == 3);
	if (n == 3) {
		CHECK(c[0].from == &l[2] && c[0].to == &l[0]);
		CHECK(c[1].from == &l[0] && c[1].to == &l[1]);
		CHECK(c[2].from == &l[1] && c[2].to == &l[2]);
	}
	lw__mem_free(c);
	for (int i = 0; i < 3; i++)
		lw__graph_forget(&l[i], -1);
	free(l);
}

/* A chain of n locks, its edges added in the given order of positions,
 * then closed from its last lock to its first: one cycle of n edges. */
static void chain(size_t n, const size_t *order, const char *what)
{
	struct lw__lock *l = new_locks(n);
	size_t base = edges_now(), rejected = 0;
	struct lw__cycle_edge *c;
	for (size_t k = 0; k < n - 1; k++) {
		size_t i = order ? order[k] : k;
		if (add(&l[i], &l[i + 1], &c)) {
			rejected++;
			lw__mem_free(c);
		}
	}
	CHECKF(rejected == 0, "%s: %zu chain edges rejected", what, rejected);
	CHECKF(edges_now() - base == n - 1, "%s: %zu edges stored", what, edges_now() - base);
	size_t got = add(&l[n - 1], &l[0], &c);
	CHECKF(got == n, "%s: closing the chain of %zu: cycle of %zu", what, n, got);
	if (got == n && c) {
		size_t bad = 0;
		if (c[0].from != &l[n - 1] || c[0].to != &l[0])
			bad++;
		for (size_t k = 1; k < n; k++)
			if (c[k].from != &l[k - 1] || c[k].to != &l[k])
				bad++;
		CHECKF(bad == 0, "%s: %zu cycle edges out of place", what, bad);
	}
	lw__mem_free(got ? c : NULL);
	for (size_t i = 0; i < n; i++)
		lw__graph_forget(&l[i], -1);
	CHECK(edges_now() == base);
	free(l);
}

static void chains(void)
{
	enum { LONG = 20000, SHUFFLED = 5000 };
	chain(LONG, NULL, "chain in order");
	size_t *order = malloc(LONG * sizeof(*order));
	if (!order)
		abort();
	for (size_t k = 0; k < LONG - 1; k++)
		order[k] = LONG - 2 - k;
	chain(LONG, order, "chain backwards");
	/* random order: many reorders of the topological numbers */
	for (size_t k = 0; k < SHUFFLED - 1; k++)
		order[k] = k;
	unit_shuffle(order, SHUFFLED - 1, sizeof(order[0]));
	chain(SHUFFLED, order, "chain shuffled");
	free(order);
}

/* ---- (d) duplicates and self edges --------------------------------------- */

static void duplicates(void)
{
	struct lw__lock *l = new_locks(2);
	struct lw__cycle_edge *c = NULL;
	size_t base = edges_now();
	CHECK(add(&l[0], &l[1], &c) == 0);
	CHECK(edges_now() == base + 1);
	CHECK(add(&l[0], &l[1], &c) == 0 && c == NULL);
	CHECK(edges_now() == base + 1);
	/* the same sighting again, with recheck: nothing changed, nothing to say */
	struct lw__edge_info in = info_of(1);
	CHECK(lw__graph_add(&l[0], &l[1], &in, 1, &c) == 0 && c == NULL);
	CHECK(edges_now() == base + 1);
	/* a lock after itself is no edge */
	CHECK(add(&l[0], &l[0], &c) == 0 && c == NULL);
	CHECK(edges_now() == base + 1);
	/* the stored edge still closes its 2-cycle */
	size_t n = add(&l[1], &l[0], &c);
	CHECK(n == 2);
	lw__mem_free(n ? c : NULL);
	CHECK(edges_now() == base + 2);
	/* and the closing edge, once stored, is stored once too */
	CHECK(add(&l[1], &l[0], &c) == 0);
	CHECK(edges_now() == base + 2);
	lw__graph_forget(&l[0], -1);
	CHECK(edges_now() == base);
	lw__graph_forget(&l[1], -1); /* nothing left: a no-op */
	CHECK(edges_now() == base);
	free(l);
}

/* ---- (e) forgetting a lock ---------------------------------------------- */

static void forget(void)
{
	enum { A, B, C, D, E, N };
	struct lw__lock *l = new_locks(N), *k = new_locks(N); /* k: the control */
	struct lw__cycle_edge *c;
	size_t n, base = edges_now();
	for (int s = 0; s < 2; s++) {
		struct lw__lock *x = s ? k : l;
		CHECK(add(&x[A], &x[B], &c) == 0);
		CHECK(add(&x[B], &x[C], &c) == 0);
		n = add(&x[C], &x[A], &c); /* A->B->C->A */
		CHECK(n == 3);
		lw__mem_free(n ? c : NULL);
		CHECK(add(&x[D], &x[B], &c) == 0);
		CHECK(add(&x[B], &x[E], &c) == 0);
	}
	CHECK(edges_now() == base + 10);
	CHECK(lw__graph_pred(&l[C], l[B].id) == &l[B]);

	lw__graph_forget(&l[B], -1); /* its 4 edges go; C->A stays */
	CHECKF(edges_now() == base + 6, "%zu edges after forgetting B, want 6",
	       edges_now() - base);
	CHECK(lw__graph_pred(&l[C], l[B].id) == NULL);
	CHECK(lw__graph_pred(&l[B], l[A].id) == NULL);
	CHECK(lw__graph_pred(&l[A], l[C].id) == &l[C]);

	/* E->D would close D->B->E->D: not with B forgotten */
	n = add(&l[E], &l[D], &c);
	CHECKF(n == 0, "a cycle of %zu through a forgotten lock", n);
	lw__mem_free(n ? c : NULL);
	/* ... but it does in the control set */
	n = add(&k[E], &k[D], &c);
	CHECK(n == 3);
	if (n == 3)
		CHECK(c[0].from == &k[E] && c[1].from == &k[D] && c[2].from == &k[B]);
	lw__mem_free(n ? c : NULL);
	/* a retired record takes no edges (real use retires, then forgets) */
	l[B].retired = 1;
	size_t before = edges_now();
	CHECK(add(&l[A], &l[B], &c) == 0 && c == NULL);
	CHECK(add(&l[B], &l[D], &c) == 0 && c == NULL);
	CHECK(edges_now() == before);
	CHECK(lw__graph_pred(&l[B], l[A].id) == NULL);

	for (int i = 0; i < N; i++) {
		lw__graph_forget(&l[i], -1);
		lw__graph_forget(&k[i], -1);
	}
	CHECK(edges_now() == base);
	/* edges are reused from the free list: a new cycle still works */
	struct lw__lock *f = new_locks(2);
	CHECK(add(&f[0], &f[1], &c) == 0);
	n = add(&f[1], &f[0], &c);
	CHECK(n == 2);
	lw__mem_free(n ? c : NULL);
	lw__graph_forget(&f[0], -1);
	CHECK(edges_now() == base);
	free(f);
	free(l);
	free(k);
}

/* ---- (f) recheck: an existing edge that became more dangerous ----------- */

static struct lw__edge_info sighting(int tid, int n_gates, const uint32_t *gates, int from_read)
{
	struct lw__edge_info in = info_of(tid);
	in.n_gates = (uint8_t)n_gates;
	for (int i = 0; i < n_gates; i++)
		in.gates[i] = gates[i];
	in.from_read = (uint8_t)from_read;
	return in;
}

/* x->y as given, then y->x: the 2-cycle. */
static void pair(struct lw__lock *x, struct lw__lock *y, const struct lw__edge_info *in)
{
	struct lw__cycle_edge *c;
	CHECK(lw__graph_add(x, y, in, 0, &c) == 0);
	size_t n = add(y, x, &c);
	CHECK(n == 2);
	if (n == 2)
		CHECK(c[0].info.n_gates == 0 && c[1].info.n_gates == in->n_gates);
	lw__mem_free(n ? c : NULL);
}

static void recheck(void)
{
	struct lw__lock *l = new_locks(14), *G = &l[12], *H = &l[13];
	uint32_t g[2] = { G->id, H->id };
	struct lw__cycle_edge *c;
	size_t n, base = edges_now();
	struct lw__edge_info gated = sighting(1, 1, g, 0), both = sighting(1, 2, g, 0);
	struct lw__edge_info open = sighting(9, 0, NULL, 0);

	/* 0->1 behind gate G, on a 2-cycle. The gate dropped, without recheck:
	 * nothing; again with recheck: nothing changed any more. */
	pair(&l[0], &l[1], &gated);
	CHECK(lw__graph_add(&l[0], &l[1], &open, 0, &c) == 0 && c == NULL);
	CHECK(lw__graph_add(&l[0], &l[1], &open, 1, &c) == 0 && c == NULL);

	/* 2->3 behind G: the same gate again, or more gates (only those held
	 * every time are kept): nothing; the gate dropped, with recheck: the
	 * cycle through the edge, which shows the new sighting. */
	pair(&l[2], &l[3], &gated);
	CHECK(lw__graph_add(&l[2], &l[3], &gated, 1, &c) == 0 && c == NULL);
	CHECK(lw__graph_add(&l[2], &l[3], &both, 1, &c) == 0 && c == NULL);
	n = lw__graph_add(&l[2], &l[3], &open, 1, &c);
	CHECKF(n == 2, "gate dropped with recheck: cycle of %zu, want 2", n);
	if (n == 2) {
		CHECK(c[0].from == &l[2] && c[0].to == &l[3]);
		CHECK(c[1].from == &l[3] && c[1].to == &l[2]);
		CHECK(c[0].info.n_gates == 0);
		CHECK(c[0].info.tid == 9);
		CHECK_STR(c[0].info.thread_name, open.thread_name);
		CHECK(c[0].info.from_stack == open.from_stack && c[0].info.to_stack == open.to_stack);
	}
	lw__mem_free(n ? c : NULL);

	/* 4->5 behind G and H; a sighting with H alone drops G */
	pair(&l[4], &l[5], &both);
	struct lw__edge_info only_h = sighting(3, 1, &g[1], 0);
	n = lw__graph_add(&l[4], &l[5], &only_h, 1, &c);
	CHECK(n == 2);
	if (n == 2)
		CHECK(c[0].info.n_gates == 1 && c[0].info.gates[0] == H->id);
	lw__mem_free(n ? c : NULL);

	/* 6->7 taken for reading, then for writing: the read side dropped */
	struct lw__edge_info read = sighting(4, 0, NULL, 1);
	pair(&l[6], &l[7], &read);
	n = lw__graph_add(&l[6], &l[7], &open, 1, &c);
	CHECK(n == 2);
	if (n == 2)
		CHECK(c[0].info.from_read == 0);
	lw__mem_free(n ? c : NULL);

	/* 8->9 behind G on no cycle: the gate dropped, with recheck: nothing */
	CHECK(lw__graph_add(&l[8], &l[9], &gated, 0, &c) == 0);
	CHECK(lw__graph_add(&l[8], &l[9], &open, 1, &c) == 0 && c == NULL);

	/* 10->11 behind G held exclusively, then read-held: the gate kept,
	 * read-held now (a read hold excludes no reader: check/order.c), and
	 * shown with recheck; the same again, or exclusive again: nothing */
	uint32_t g_read = G->id | LW__GATE_READ;
	struct lw__edge_info read_g = sighting(5, 1, &g_read, 0);
	pair(&l[10], &l[11], &gated);
	n = lw__graph_add(&l[10], &l[11], &read_g, 1, &c);
	CHECKF(n == 2, "gate read-held with recheck: cycle of %zu, want 2", n);
	if (n == 2)
		CHECK(c[0].info.n_gates == 1 && c[0].info.gates[0] == g_read);
	lw__mem_free(n ? c : NULL);
	CHECK(lw__graph_add(&l[10], &l[11], &read_g, 1, &c) == 0 && c == NULL);
	CHECK(lw__graph_add(&l[10], &l[11], &gated, 1, &c) == 0 && c == NULL);

	CHECK(edges_now() == base + 11); /* sightings add no edges */
	for (int i = 0; i < 14; i++)
		lw__graph_forget(&l[i], -1);
	CHECK(edges_now() == base);
	free(l);
}

/* ---- (d) a hub of many edges -------------------------------------------- */

/* Lock 0 (the cache) over each entry i, and entry i over the cache: the
 * entry's edge into the hub comes right after its edge from it (an entry
 * made and published: ghostscript's ICC link cache), or after every
 * entry's (all made first). Each closing edge is a 2-cycle, its search
 * a few steps whatever the number of entries. */
static void hub_close(struct lw__lock *l, size_t i, size_t *cycles, size_t *worst)
{
	struct lw__cycle_edge *c;
	size_t before = lw__graph_steps;
	size_t n = add(&l[i], &l[0], &c);
	if (n == 2 && c[0].from == &l[i] && c[1].to == &l[i])
		(*cycles)++;
	if (n)
		lw__mem_free(c);
	if (lw__graph_steps - before > *worst)
		*worst = lw__graph_steps - before;
}

static void hub(int all_first)
{
	enum { N = 20000 };
	struct lw__lock *l = new_locks(N + 1);
	struct lw__cycle_edge *c;
	size_t bad = 0, worst = 0, cycles = 0;
	for (size_t i = 1; i <= N; i++) {
		if (add(&l[0], &l[i], &c))
			bad++;
		if (!all_first)
			hub_close(l, i, &cycles, &worst);
	}
	for (size_t i = 1; all_first && i <= N; i++)
		hub_close(l, i, &cycles, &worst);
	CHECKF(bad == 0, "hub %d: %zu edges from the hub closed a cycle", all_first, bad);
	CHECKF(cycles == N, "hub %d: %zu of %d 2-cycles found", all_first, cycles, (int)N);
	CHECKF(worst <= 16, "hub %d: a cycle took %zu steps to find (want <= 16)", all_first,
	       worst);
	for (size_t i = 0; i <= N; i++)
		lw__graph_forget(&l[i], -1);
	free(l);
}

int main(void)
{
	unit_seed(20240611);
	size_t e, bytes;
	lw__graph_memory(&e, &bytes);
	CHECK(e == 0 && bytes == 0);

	small_cycles();
	duplicates();
	forget();
	recheck();
	chains();
	forward_edges();
	closing_edges();
	random_edges();
	hub(0);
	hub(1);

	lw__graph_memory(&e, &bytes);
	CHECK(e == 0);
	CHECK(bytes > 0 && bytes % 4096 == 0);
	return unit_end();
}
