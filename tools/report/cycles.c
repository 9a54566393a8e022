/* cycles.c - the merged class graph's cycles that no single process saw.
 *
 * Tarjan's algorithm (iterative) splits the graph into strongly connected
 * components; only an edge inside a component can lie on a cycle. For each
 * such edge, a breadth-first search inside its component finds the
 * shortest path back, as the in-process graph does for a closing edge;
 * each distinct cycle (its set of classes) is judged once. A cycle one
 * process has every edge of is that process's own business (it reported
 * it, or its locks were distinct instances of these classes) and is left
 * out; the rest are reported with the in-process rules: a gate class held
 * on every edge, a class only read-held and read-awaited (not a
 * writer-preferring rwlock), or every edge ending in a timed acquire make
 * it a warning; otherwise an error. At most MAX_CYCLES are reported. */
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

/* BFS state, reused */
static int *mark, *via, *queue;
static int stamp;

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
		for (int e = rp->class_out[v]; e >= 0; e = rp->edges[e].next_out) {
			int w = rp->edges[e].to;
			if (comp[w] != comp[a] || mark[w] == stamp)
				continue;
			mark[w] = stamp;
			via[w] = e;
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
	int gate = -1, reader = -1, writer_pref = -1, n_timed = 0;
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
		if (in->to_read && out->from_read) {
			if (rp->classes[out->from].writer_pref)
				writer_pref = out->from;
			else if (reader < 0)
				reader = out->from;
		}
	}
	int error = !(gate >= 0 || reader >= 0 || n_timed == (int)n);

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
		rp_finding_word(f, rp->classes[e->from].cls);
		rp_finding_word(f, rp->classes[e->from].name);
		for (int s = 0; s < 2; s++) {
			const struct rp_stack *st = s ? &e->to_stack : &e->from_stack;
			for (int k = 0; k < st->n; k++) {
				rp_finding_word(f, st->f[k].function);
				rp_finding_word(f, st->f[k].file);
				rp_finding_word(f, st->f[k].module);
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
	int *comp = components(rp);
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
		if (comp[e->from] != comp[e->to])
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
	free(mark);
	free(via);
	free(queue);
	free(path);
	free(cyc);
	free(sorted);
}
