/* cycles.c - the merged class graph's cycles that no single process saw.
 *
 * Tarjan's algorithm (iterative) splits the graph into strongly connected
 * components. A linear order of the classes that most edges agree with
 * (the greedy heuristic of Eades, Lin and Smyth, "A fast and effective
 * heuristic for the feedback arc set problem", IPL 47 (1993): peel sinks
 * and sources, else the class with the most out- over in-edges) leaves
 * few back edges (against the order); without them the graph has no
 * cycle, so every cycle has at least one. For each back edge, a breadth-first search
 * inside its component finds the shortest path back, as the in-process
 * graph does for the edge that closes a cycle; each distinct cycle (its
 * set of classes) is judged once. As in process, a longer cycle through
 * the same back edge is not reported on its own. A cycle one
 * process has every edge of is that process's own business (it reported
 * it, or its locks were distinct instances of these classes) and is left
 * out; the rest are reported with the in-process rules: a gate class held
 * on every edge, a class only read-held and read-awaited (not a
 * writer-preferring rwlock), every edge ending in a timed acquire, or an
 * edge ending in a fresh lock's first acquisition (held.h, LW__ACQ_FRESH)
 * make it a warning; otherwise an error. At most MAX_CYCLES are reported. */
#define _GNU_SOURCE
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CYCLES 1000

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "lockwatch report: out of memory\n");
		exit(2);
	}
	return p;
}

/* comp[v]: the component of class v, by Tarjan, without recursion */
static int *components(struct rp *rp)
{
	size_t n = rp->n_classes;
	int *index = xmalloc(n * sizeof(int)), *low = xmalloc(n * sizeof(int));
	int *comp = xmalloc(n * sizeof(int)), *stack = xmalloc(n * sizeof(int));
	int *on = xmalloc(n * sizeof(int)), *cv = xmalloc(n * sizeof(int)), *ce = xmalloc(n * sizeof(int));

	int next = 0, sp = 0, n_comp = 0;
	for (size_t i = 0; i < n; i++)
		index[i] = -1, on[i] = 0, comp[i] = -1;
	for (size_t root = 0; root < n; root++) {
		if (index[root] >= 0)
			continue;
		int depth = 0;
		cv[0] = (int)root;
		ce[0] = rp->class_out[root];
		index[root] = low[root] = next++;
		stack[sp++] = (int)root;
		on[root] = 1;
		while (depth >= 0) {
			int v = cv[depth], e = ce[depth];
			if (e >= 0) {
				ce[depth] = rp->edges[e].next_out;
				int w = rp->edges[e].to;
				if (index[w] < 0) {
					index[w] = low[w] = next++;
					stack[sp++] = w;
					on[w] = 1;
					depth++;
					cv[depth] = w;
					ce[depth] = rp->class_out[w];
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			if (low[v] == index[v]) {
				int w;
				do {
					w = stack[--sp];
					on[w] = 0;
					comp[w] = n_comp;
				} while (w != v);
				n_comp++;
			}
			depth--;
			if (depth >= 0 && low[v] < low[cv[depth]])
				low[cv[depth]] = low[v];
		}
	}
	free(index);
	free(low);
	free(stack);
	free(on);
	free(cv);
	free(ce);
	return comp;
}

/* ---- the linear order (Eades, Lin, Smyth) ----------------------------- */

struct heap {
	long long *k; /* (delta << 32) | class: the largest delta first */
	size_t n, cap;
};

static void hpush(struct heap *h, long long delta, int v)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 1024;
		h->k = realloc(h->k, h->cap * sizeof(*h->k));
		if (!h->k)
			exit(2);
	}
	long long x = delta * 4294967296LL + v;
	size_t i = h->n++;
	while (i && h->k[(i - 1) / 2] < x) {
		h->k[i] = h->k[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->k[i] = x;
}

static long long hpop(struct heap *h)
{
	long long top = h->k[0], x = h->k[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->k[c + 1] > h->k[c])
			c++;
		if (h->k[c] <= x)
			break;
		h->k[i] = h->k[c];
		i = c;
	}
	if (h->n)
		h->k[i] = x;
	return top;
}

/* Mark in back[] the edges against a greedy order of the classes. */
static void back_edges(struct rp *rp, char *back)
{
	size_t n = rp->n_classes;
	int *in_head = xmalloc(n * sizeof(int)), *next_in = xmalloc(rp->n_edges * sizeof(int));
	int *indeg = xmalloc(n * sizeof(int)), *outdeg = xmalloc(n * sizeof(int));
	int *pos = xmalloc(n * sizeof(int)), *queue = xmalloc((3 * n + 1) * sizeof(int)); /* a class enters at most 3 times */
	char *gone = xmalloc(n);
	struct heap h = { 0 };
	for (size_t i = 0; i < n; i++)
		in_head[i] = -1, indeg[i] = outdeg[i] = 0, gone[i] = 0;
	for (size_t e = 0; e < rp->n_edges; e++) {
		next_in[e] = in_head[rp->edges[e].to];
		in_head[rp->edges[e].to] = (int)e;
		indeg[rp->edges[e].to]++;
		outdeg[rp->edges[e].from]++;
	}
	long left = 0, right = (long)n; /* s1 grows from 0 up, s2 from n down */
	size_t qh = 0, qt = 0, removed = 0;
	for (size_t i = 0; i < n; i++) {
		if (!indeg[i] || !outdeg[i])
			queue[qt++] = (int)i;
		else
			hpush(&h, outdeg[i] - indeg[i], (int)i);
	}
	while (removed < n) {
		int v = -1, as_sink = 0;
		while (qh < qt && v < 0) {
			int c = queue[qh++];
			if (!gone[c])
				v = c, as_sink = outdeg[c] == 0;
		}
		while (v < 0 && h.n) {
			long long x = hpop(&h);
			int c = (int)(x & 0xffffffff);
			if (!gone[c] && (x >> 32) == outdeg[c] - indeg[c])
				v = c;
		}
		if (v < 0)
			break;
		gone[v] = 1;
		removed++;
		pos[v] = as_sink ? (int)--right : (int)left++;
		for (int e = rp->class_out[v]; e >= 0; e = rp->edges[e].next_out) {
			int w = rp->edges[e].to;
			if (gone[w])
				continue;
			if (--indeg[w] == 0)
				queue[qt++] = w;
			else
				hpush(&h, outdeg[w] - indeg[w], w);
		}
		for (int e = in_head[v]; e >= 0; e = next_in[e]) {
			int u = rp->edges[e].from;
			if (gone[u])
				continue;
			if (--outdeg[u] == 0)
				queue[qt++] = u;
			else
				hpush(&h, outdeg[u] - indeg[u], u);
		}
	}
	for (size_t e = 0; e < rp->n_edges; e++)
		back[e] = pos[rp->edges[e].from] > pos[rp->edges[e].to];
	free(h.k);
	free(in_head);
	free(next_in);
	free(indeg);
	free(outdeg);
	free(pos);
	free(queue);
	free(gone);
}

/* BFS state, reused; the out-edges as compact arrays (CSR: the edges of
 * class v are csr_edge[csr_start[v] .. csr_start[v + 1]), their targets in
 * csr_to), so a search reads memory in order */
static int *mark, *via, *queue, *csr_start, *csr_to, *csr_edge;
static int stamp;

static void csr_build(const struct rp *rp)
{
	size_t n = rp->n_classes;
	csr_start = xmalloc((n + 1) * sizeof(int));
	csr_to = xmalloc((rp->n_edges + 1) * sizeof(int));
	csr_edge = xmalloc((rp->n_edges + 1) * sizeof(int));
	int k = 0;
	for (size_t v = 0; v < n; v++) {
		csr_start[v] = k;
		for (int e = rp->class_out[v]; e >= 0; e = rp->edges[e].next_out) {
			csr_to[k] = rp->edges[e].to;
			csr_edge[k++] = e;
		}
	}
	csr_start[n] = k;
}

/* The shortest path from class a to class b inside component c; its edges
 * into path (in order); returns its length, 0 when none. */
static size_t shortest(struct rp *rp, const int *comp, int a, int b, int *path)
{
	size_t head = 0, tail = 0;
	stamp++;
	mark[a] = stamp;
	via[a] = -1;
	queue[tail++] = a;
	while (head < tail && mark[b] != stamp) {
		int v = queue[head++];
		for (int k = csr_start[v]; k < csr_start[v + 1]; k++) {
			int w = csr_to[k];
			if (mark[w] == stamp || comp[w] != comp[a])
				continue;
			mark[w] = stamp;
			via[w] = csr_edge[k];
			queue[tail++] = w;
		}
	}
	if (mark[b] != stamp)
		return 0;
	size_t len = 0;
	for (int v = b; v != a; v = rp->edges[via[v]].from)
		len++;
	size_t i = len;
	for (int v = b; v != a; v = rp->edges[via[v]].from)
		path[--i] = via[v];
	return len;
}

static int strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Does one process have every edge of the cycle? */
static int one_process(const struct rp *rp, const int *cyc, size_t n)
{
	const struct rp_edge *e0 = &rp->edges[cyc[0]];
	for (size_t k = 0; k < e0->n_procs; k++) {
		int p = e0->procs[k], all = 1;
		for (size_t i = 1; i < n && all; i++) {
			const struct rp_edge *e = &rp->edges[cyc[i]];
			int found = 0;
			for (size_t j = 0; j < e->n_procs && !found; j++)
				found = e->procs[j] == p;
			all = found;
		}
		if (all)
			return 1;
	}
	return 0;
}

static void report(struct rp *rp, const int *cyc, size_t n)
{
	char head[1024], note[1024], buf[1024];
	size_t len = 0;
	/* the verdict, as in process (check/order.c) */
	int gate = -1, reader = -1, writer_pref = -1, n_timed = 0, fresh = -1;
	const struct rp_edge *e0 = &rp->edges[cyc[0]];
	for (int g = 0; g < e0->n_gates && gate < 0; g++) {
		int cand = e0->gates[g], all = 1;
		for (size_t i = 0; i < n && all; i++) {
			const struct rp_edge *e = &rp->edges[cyc[i]];
			int found = e->from == cand || e->to == cand ? -1 : 0;
			for (int k = 0; k < e->n_gates && !found; k++)
				found = e->gates[k] == cand;
			all = found == 1;
		}
		if (all)
			gate = cand;
	}
	for (size_t i = 0; i < n; i++) {
		const struct rp_edge *in = &rp->edges[cyc[(i + n - 1) % n]], *out = &rp->edges[cyc[i]];
		n_timed += out->to_timed != 0;
		if (out->to_fresh && fresh < 0)
			fresh = (int)i;
		if (in->to_read && out->from_read) {
			if (rp->classes[out->from].writer_pref)
				writer_pref = out->from;
			else if (reader < 0)
				reader = out->from;
		}
	}
	int error = !(gate >= 0 || reader >= 0 || n_timed == (int)n || fresh >= 0);

	/* the headline, as in process: up to 8 locks, else the first three and the last */
	if (n > 8)
		len = (size_t)snprintf(head, sizeof(head), "lock-order cycle of %zu locks: ", n);
	else
		len = (size_t)snprintf(head, sizeof(head), "lock-order cycle: ");
	for (size_t i = 0; i <= n && len < sizeof(head) - 1; i++) {
		if (n > 8 && i == 3) {
			len += (size_t)snprintf(head + len, sizeof(head) - len, " -> ...");
			i = n - 1;
		}
		const char *nm = rp->classes[rp->edges[cyc[i % n]].from].name;
		int w = snprintf(head + len, sizeof(head) - len, "%s%s", i ? " -> " : "", nm);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	const char *why =
		gate >= 0 ? "every edge was taken while holding the same lock class, which "
			    "serialises them"
		: reader >= 0 ? "a lock class in it is only ever held and awaited for reading; "
				"readers do not block readers"
		: fresh >= 0 ? "one of its edges ends in the first acquisition of a lock the "
			       "thread had just initialised holding the other: no other thread "
			       "can have held it then, so that step cannot block"
		: !error ? "every edge ends in a timed acquire: the threads would give up at "
			   "their deadlines instead of deadlocking"
			 : "a process that takes these locks in these orders at the same time "
			   "deadlocks; pick one order and take them in it everywhere";
	snprintf(note, sizeof(note),
		 "no single process took all of its edges: found by merging the lock-order "
		 "graphs of %zu processes; %s%s%s%s",
		 (size_t)0, why, gate >= 0 ? " (" : "", gate >= 0 ? rp->classes[gate].name : "",
		 gate >= 0 ? ")" : "");
	(void)writer_pref;

	/* fingerprint: as an in-process cycle's (classes, functions per edge) */
	size_t cap = 64;
	for (size_t i = 0; i < n; i++)
		cap += 64 + strlen(rp->classes[rp->edges[cyc[i]].from].cls) * 3;
	char *fp = xmalloc(cap), **parts = xmalloc(2 * n * sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const struct rp_edge *e = &rp->edges[cyc[i]];
		const struct rp_frame *fa = rp_acq_frame(&e->from_stack), *fb = rp_acq_frame(&e->to_stack);
		if (asprintf(&parts[i], "class=%s", rp->classes[e->from].cls) < 0 ||
		    asprintf(&parts[n + i], "edge=%s>%s:%s/%s", rp->classes[e->from].cls,
			     rp->classes[e->to].cls, fa && fa->function ? fa->function : "?",
			     fb && fb->function ? fb->function : "?") < 0)
			exit(2);
	}
	qsort(parts, 2 * n, sizeof(char *), strcmp_p);
	size_t fl = (size_t)snprintf(fp, cap, "lock_order_cycle");
	for (size_t i = 0; i < 2 * n; i++) {
		size_t need = strlen(parts[i]) + 2;
		if (fl + need >= cap) {
			cap = 2 * (fl + need);
			char *q = realloc(fp, cap);
			if (!q)
				exit(2);
			fp = q;
		}
		fl += (size_t)snprintf(fp + fl, cap - fl, "|%s", parts[i]);
		free(parts[i]);
	}
	free(parts);

	/* the processes: distinct ones for each edge where possible */
	size_t n_procs_all = 0;
	struct rp_finding *f = rp_finding_add(rp, "lock_order_cycle", error, head, note, fp, -1);
	free(fp);
	if (!f)
		return; /* the same cycle was found otherwise (in a process's report) */
	f->cycle = xmalloc(n * sizeof(int));
	f->n_cycle = n;
	for (size_t i = 0; i < n; i++) {
		struct rp_edge *e = &rp->edges[cyc[i]];
		e->cyclic = 1;
		f->cycle[i] = cyc[i];
		for (size_t k = 0; k < e->n_procs; k++)
			n_procs_all += rp_add_unique(&f->procs, &f->n_procs, &f->cap_procs, e->procs[k]);
		const char *na = rp->classes[e->from].name, *nb = rp->classes[e->to].name;
		snprintf(buf, sizeof(buf), "edge %zu/%zu: %s taken, holding %s", i + 1, n, nb, na);
		rp_finding_loc(f, rp_acq_frame(&e->to_stack), buf, 0);
		snprintf(buf, sizeof(buf), "edge %zu/%zu: %s taken (then %s)", i + 1, n, na, nb);
		rp_finding_loc(f, rp_acq_frame(&e->from_stack), buf, 1);
		rp_finding_word(f, rp->classes[e->from].cls, 0);
		rp_finding_word(f, rp->classes[e->from].name, 0);
		for (int s = 0; s < 2; s++) {
			const struct rp_stack *st = s ? &e->to_stack : &e->from_stack;
			for (int k = 0; k < st->n; k++) {
				rp_finding_word(f, st->f[k].function, 0);
				rp_finding_word(f, st->f[k].file, 1);
				rp_finding_word(f, st->f[k].module, 1);
			}
		}
	}
	snprintf(note, sizeof(note),
		 "no single process took all of its edges: found by merging the lock-order "
		 "graphs of %zu processes; %s%s%s%s",
		 n_procs_all, why, gate >= 0 ? " (" : "", gate >= 0 ? rp->classes[gate].name : "",
		 gate >= 0 ? ")" : "");
	f->note = rp_intern(note);
}

void rp_cycles(struct rp *rp)
{
	size_t n = rp->n_classes;
	rp->class_out = xmalloc((n ? n : 1) * sizeof(int));
	for (size_t i = 0; i < n; i++)
		rp->class_out[i] = -1;
	for (size_t i = rp->n_edges; i-- > 0;) {
		rp->edges[i].next_out = rp->class_out[rp->edges[i].from];
		rp->class_out[rp->edges[i].from] = (int)i;
	}
	if (!n)
		return;
	char *back = xmalloc(rp->n_edges + 1);
	memset(back, 0, rp->n_edges + 1);
	int *comp = components(rp);
	back_edges(rp, back);
	csr_build(rp);
	mark = xmalloc(n * sizeof(int));
	via = xmalloc(n * sizeof(int));
	queue = xmalloc(n * sizeof(int));
	memset(mark, 0, n * sizeof(int));
	int *path = xmalloc((n + 1) * sizeof(int)), *cyc = xmalloc((n + 1) * sizeof(int));
	int *sorted = xmalloc((n + 1) * sizeof(int));
	/* distinct cycles by their sorted classes */
	char **seen = NULL;
	size_t n_seen = 0, cap_seen = 0, found = 0;
	for (size_t i = 0; i < rp->n_edges && found < MAX_CYCLES; i++) {
		struct rp_edge *e = &rp->edges[i];
		if (!back[i] || comp[e->from] != comp[e->to])
			continue;
		size_t len = shortest(rp, comp, e->to, e->from, path);
		if (!len)
			continue;
		cyc[0] = (int)i;
		memcpy(cyc + 1, path, len * sizeof(int));
		len++;
		for (size_t k = 0; k < len; k++)
			sorted[k] = rp->edges[cyc[k]].from;
		qsort(sorted, len, sizeof(int), cmp_int);
		char *sig = xmalloc(len * 12 + 1), *o = sig;
		for (size_t k = 0; k < len; k++)
			o += sprintf(o, "%d,", sorted[k]);
		int dup = 0;
		for (size_t k = 0; k < n_seen && !dup; k++)
			dup = strcmp(seen[k], sig) == 0;
		if (dup) {
			free(sig);
			continue;
		}
		if (n_seen == cap_seen) {
			cap_seen = cap_seen ? 2 * cap_seen : 64;
			seen = realloc(seen, cap_seen * sizeof(*seen));
			if (!seen)
				exit(2);
		}
		seen[n_seen++] = sig;
		if (one_process(rp, cyc, len))
			continue;
		/* start the ring at its first class by name, so the same cycle
		 * reads the same whichever edge found it */
		size_t best = 0;
		for (size_t k = 1; k < len; k++)
			if (strcmp(rp->classes[rp->edges[cyc[k]].from].cls,
				   rp->classes[rp->edges[cyc[best]].from].cls) < 0)
				best = k;
		for (size_t k = 0; k < len; k++)
			path[k] = cyc[(best + k) % len];
		report(rp, path, len);
		found++;
	}
	rp->cycles_capped = found >= MAX_CYCLES;
	for (size_t k = 0; k < n_seen; k++)
		free(seen[k]);
	free(seen);
	free(comp);
	free(back);
	free(csr_start);
	free(csr_to);
	free(csr_edge);
	free(mark);
	free(via);
	free(queue);
	free(path);
	free(cyc);
	free(sorted);
}
