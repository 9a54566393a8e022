/* load.c - reading the JSON Lines of many processes into the model of
 * report.h: every report becomes a finding, deduplicated across processes
 * by its fingerprint (kind, lock classes, the functions of each
 * acquisition; never addresses, line numbers or durations); every order
 * line (option edges) is merged into one class-level graph, flags merged
 * as the in-process graph merges sightings. The order lines of one
 * process (a pid in a file, and its "image") are one graph, their union:
 * an edge in several of them is one sighting of that process. A line that is not JSON, or
 * not of a known shape, is reported with its file and line and skipped. */
#define _GNU_SOURCE
#include "report.h"
#include "jsonr.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- small helpers ------------------------------------------------------ */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fprintf(stderr, "lockwatch report: out of memory\n");
		exit(2);
	}
	return q;
}

#define GROW(arr, n, cap)                                                        \
	do {                                                                     \
		if ((n) >= (cap)) {                                              \
			(cap) = (cap) ? (cap) * 2 : 16;                          \
			(arr) = xrealloc((arr), (cap) * sizeof(*(arr)));         \
		}                                                                \
	} while (0)

static uint64_t fnv(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}
#define FNV0 14695981039346656037ull

/* interned strings: one copy each, never freed */
static struct {
	const char **slot;
	size_t mask, n;
} strs;

const char *rp_intern(const char *s)
{
	if (!s)
		return NULL;
	if (2 * (strs.n + 1) > strs.mask) {
		size_t nm = strs.mask ? 2 * strs.mask + 1 : 4095;
		const char **ns = calloc(nm + 1, sizeof(*ns));
		if (!ns)
			exit(2);
		for (size_t i = 0; strs.slot && i <= strs.mask; i++)
			if (strs.slot[i]) {
				size_t j = fnv(strs.slot[i], FNV0) & nm;
				while (ns[j])
					j = (j + 1) & nm;
				ns[j] = strs.slot[i];
			}
		free(strs.slot);
		strs.slot = ns;
		strs.mask = nm;
	}
	size_t i = fnv(s, FNV0) & strs.mask;
	while (strs.slot[i] && strcmp(strs.slot[i], s) != 0)
		i = (i + 1) & strs.mask;
	if (!strs.slot[i]) {
		strs.slot[i] = strdup(s);
		if (!strs.slot[i])
			exit(2);
		strs.n++;
	}
	return strs.slot[i];
}

int rp_add_unique(int **v, size_t *n, size_t *cap, int x)
{
	/* processes come in order: the last one is the likely duplicate */
	for (size_t i = *n; i-- > 0;)
		if ((*v)[i] == x)
			return 0;
	GROW(*v, *n, *cap);
	(*v)[(*n)++] = x;
	return 1;
}

const struct rp_frame *rp_acq_frame(const struct rp_stack *s)
{
	for (int i = 0; i < s->n; i++)
		if (s->f[i].function)
			return &s->f[i];
	return s->n ? &s->f[0] : NULL;
}

static const char *acq_function(const struct rp_stack *s)
{
	const struct rp_frame *f = rp_acq_frame(s);
	return f && f->function ? f->function : "?";
}

/* ---- processes ----------------------------------------------------------- */

static struct {
	int *slot; /* proc index + 1 */
	size_t mask;
} procmap;

static int proc_of(struct rp *rp, int file, long pid)
{
	if (2 * (rp->n_procs + 1) > procmap.mask) {
		size_t nm = procmap.mask ? 2 * procmap.mask + 1 : 1023;
		int *ns = calloc(nm + 1, sizeof(*ns));
		if (!ns)
			exit(2);
		for (size_t i = 0; i < rp->n_procs; i++) {
			size_t j = (size_t)(rp->procs[i].pid * 31 + rp->procs[i].file) & nm;
			while (ns[j])
				j = (j + 1) & nm;
			ns[j] = (int)i + 1;
		}
		free(procmap.slot);
		procmap.slot = ns;
		procmap.mask = nm;
	}
	size_t j = (size_t)(pid * 31 + file) & procmap.mask;
	while (procmap.slot[j]) {
		struct rp_proc *p = &rp->procs[procmap.slot[j] - 1];
		if (p->pid == pid && p->file == file)
			return procmap.slot[j] - 1;
		j = (j + 1) & procmap.mask;
	}
	GROW(rp->procs, rp->n_procs, rp->cap_procs);
	struct rp_proc *p = &rp->procs[rp->n_procs];
	memset(p, 0, sizeof(*p));
	p->file = file;
	p->pid = pid;
	p->next_image = -1;
	procmap.slot[j] = (int)rp->n_procs + 1;
	return (int)rp->n_procs++;
}

/* The process of an order line of process `proc` (a pid in a file) that
 * names its image: the first image met is proc itself, another one (a
 * program the process exec'd) a process of its own. */
static int image_proc(struct rp *rp, int proc, const char *image)
{
	if (!image)
		return proc;
	image = rp_intern(image);
	if (!rp->procs[proc].image) {
		rp->procs[proc].image = image;
		return proc;
	}
	int last = proc;
	for (int i = proc; i >= 0; i = rp->procs[i].next_image) {
		if (rp->procs[i].image == image)
			return i;
		last = i;
	}
	GROW(rp->procs, rp->n_procs, rp->cap_procs);
	struct rp_proc *p = &rp->procs[rp->n_procs];
	memset(p, 0, sizeof(*p));
	p->file = rp->procs[proc].file;
	p->pid = rp->procs[proc].pid;
	p->image = image;
	p->next_image = -1;
	rp->procs[last].next_image = (int)rp->n_procs;
	return (int)rp->n_procs++;
}

/* exe and argv, when the line has them */
static void proc_names(struct rp_proc *p, const struct jr_val *line)
{
	const char *exe = jr_str(jr_get(line, "exe"));
	const struct jr_val *argv = jr_get(line, "argv");
	if (exe && !p->exe)
		p->exe = rp_intern(exe);
	if (argv && argv->type == JR_ARR && argv->n && !p->argv) {
		char buf[1024];
		size_t len = 0;
		buf[0] = 0;
		for (size_t i = 0; i < argv->n && len < sizeof(buf) - 1; i++) {
			const char *a = jr_str(jr_at(argv, i));
			int w = snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "", a ? a : "?");
			if (w < 0)
				break;
			len += (size_t)w;
		}
		p->argv = rp_intern(buf);
	}
}

void rp_proc_label(const struct rp *rp, int proc, char *buf, size_t n)
{
	const struct rp_proc *p = &rp->procs[proc];
	if (p->argv)
		snprintf(buf, n, "pid %ld (%.*s%s)", p->pid, 100, p->argv,
			 strlen(p->argv) > 100 ? "..." : "");
	else if (p->exe)
		snprintf(buf, n, "pid %ld (%s)", p->pid, p->exe);
	else
		snprintf(buf, n, "pid %ld (%s)", p->pid, rp->files[p->file]);
}

/* ---- stacks ------------------------------------------------------------- */

static struct rp_stack stack_of(const struct jr_val *v)
{
	struct rp_stack s = { 0, NULL };
	if (!v || v->type != JR_ARR || !v->n)
		return s;
	s.f = xrealloc(NULL, v->n * sizeof(*s.f));
	for (size_t i = 0; i < v->n; i++) {
		const struct jr_val *f = jr_at(v, i);
		s.f[s.n].function = rp_intern(jr_str(jr_get(f, "function")));
		s.f[s.n].file = rp_intern(jr_str(jr_get(f, "file")));
		s.f[s.n].module = rp_intern(jr_str(jr_get(f, "module")));
		s.f[s.n].line = (int)jr_int(jr_get(f, "line"), 0);
		s.n++;
	}
	return s;
}

static void stack_free(struct rp_stack *s)
{
	free(s->f);
	s->f = NULL;
	s->n = 0;
}

/* ---- findings ----------------------------------------------------------- */

static struct {
	int *slot; /* finding index + 1, by fingerprint */
	size_t mask;
} fmap;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct rp_finding *rp_finding_add(struct rp *rp, const char *kind, int error,
				  const char *headline, const char *note, const char *fp_text,
				  int proc)
{
	uint64_t h = fnv(fp_text, FNV0);
	if (2 * (rp->n_findings + 1) > fmap.mask) {
		size_t nm = fmap.mask ? 2 * fmap.mask + 1 : 255;
		int *ns = calloc(nm + 1, sizeof(*ns));
		if (!ns)
			exit(2);
		for (size_t i = 0; i < rp->n_findings; i++) {
			size_t j = fnv(rp->findings[i].fp_text, FNV0) & nm;
			while (ns[j])
				j = (j + 1) & nm;
			ns[j] = (int)i + 1;
		}
		free(fmap.slot);
		fmap.slot = ns;
		fmap.mask = nm;
	}
	size_t j = h & fmap.mask;
	while (fmap.slot[j]) {
		struct rp_finding *f = &rp->findings[fmap.slot[j] - 1];
		if (strcmp(f->fp_text, fp_text) == 0) {
			if (proc >= 0)
				rp_add_unique(&f->procs, &f->n_procs, &f->cap_procs, proc);
			if (error && !f->error) { /* seen as an error somewhere: an error */
				f->error = 1;
				f->headline = rp_intern(headline);
				f->note = rp_intern(note);
			}
			return NULL; /* known */
		}
		j = (j + 1) & fmap.mask;
	}
	GROW(rp->findings, rp->n_findings, rp->cap_findings);
	struct rp_finding *f = &rp->findings[rp->n_findings];
	memset(f, 0, sizeof(*f));
	f->kind = rp_intern(kind);
	f->error = error;
	f->headline = rp_intern(headline);
	f->note = rp_intern(note);
	f->fp_text = rp_intern(fp_text);
	snprintf(f->fp, sizeof(f->fp), "%016llx", (unsigned long long)h);
	if (proc >= 0)
		rp_add_unique(&f->procs, &f->n_procs, &f->cap_procs, proc);
	fmap.slot[j] = (int)rp->n_findings + 1;
	rp->n_findings++;
	return f;
}

void rp_finding_word(struct rp_finding *f, const char *w, int path)
{
	if (!w)
		return;
	if (f->n_words >= f->cap_words) {
		f->cap_words = f->cap_words ? f->cap_words * 2 : 16;
		f->words = xrealloc(f->words, f->cap_words * sizeof(*f->words));
		f->word_path = xrealloc(f->word_path, f->cap_words);
	}
	f->word_path[f->n_words] = (unsigned char)path;
	f->words[f->n_words++] = w;
}

void rp_finding_loc(struct rp_finding *f, const struct rp_frame *fr, const char *what,
		    int related)
{
	if (!fr)
		return;
	GROW(f->locs, f->n_locs, f->cap_locs);
	struct rp_loc *l = &f->locs[f->n_locs++];
	l->function = fr->function;
	l->file = fr->file;
	l->module = fr->module;
	l->line = fr->line;
	l->what = rp_intern(what);
	l->related = related;
}

static void stack_words(struct rp_finding *f, const struct rp_stack *s)
{
	for (int i = 0; i < s->n; i++) {
		rp_finding_word(f, s->f[i].function, 0);
		rp_finding_word(f, s->f[i].file, 1);
		rp_finding_word(f, s->f[i].module, 1);
	}
}

/* The name and class of lock `id` of a report. */
static const struct jr_val *lock_by_id(const struct jr_val *locks, long long id)
{
	for (size_t i = 0; locks && i < locks->n; i++)
		if (jr_int(jr_get(jr_at(locks, i), "id"), -1) == id)
			return jr_at(locks, i);
	return NULL;
}

static const char *lock_field(const struct jr_val *locks, long long id, const char *key)
{
	const char *s = jr_str(jr_get(lock_by_id(locks, id), key));
	return s ? s : "?";
}

/* growable text for a fingerprint: sorted parts joined */
struct parts {
	const char **p;
	size_t n, cap;
};

static void part(struct parts *ps, const char *s)
{
	GROW(ps->p, ps->n, ps->cap);
	ps->p[ps->n++] = rp_intern(s);
}

static char *join(struct parts *ps, const char *head)
{
	if (ps->n)
		qsort(ps->p, ps->n, sizeof(*ps->p), cmp_str);
	size_t len = strlen(head) + 2;
	for (size_t i = 0; i < ps->n; i++)
		len += strlen(ps->p[i]) + 1;
	char *out = xrealloc(NULL, len), *o = out;
	o += sprintf(o, "%s", head);
	for (size_t i = 0; i < ps->n; i++)
		if (!i || strcmp(ps->p[i], ps->p[i - 1]) != 0)
			o += sprintf(o, "|%s", ps->p[i]);
	free(ps->p);
	ps->p = NULL;
	ps->n = ps->cap = 0;
	return out;
}

/* Which threads' acquisitions make a report what it is (the fingerprint
 * leaves out bystanders, whose number varies from run to run). */
static int key_thread(const char *kind, const char *role)
{
	if (!role)
		return 0;
	if (strcmp(kind, "long_hold") == 0)
		return strcmp(role, "holder") == 0;
	if (strcmp(kind, "long_wait") == 0 || strcmp(kind, "hang") == 0)
		return strcmp(role, "waiter") == 0;
	return 1;
}

static void add_report(struct rp *rp, const struct jr_val *r, int proc)
{
	const char *kind = jr_str(jr_get(r, "kind"));
	const char *sev = jr_str(jr_get(r, "severity"));
	const char *headline = jr_str(jr_get(r, "headline"));
	const struct jr_val *locks = jr_get(r, "locks"), *edges = jr_get(r, "edges"),
			    *threads = jr_get(r, "threads");
	struct parts ps = { 0 };
	char buf[2048];

	rp->n_reports++;
	for (size_t i = 0; locks && i < locks->n; i++) {
		const char *c = jr_str(jr_get(jr_at(locks, i), "class"));
		snprintf(buf, sizeof(buf), "class=%s", c ? c : "?");
		part(&ps, buf);
	}
	struct rp_stack *st = NULL;
	size_t n_st = 0;
	for (size_t i = 0; edges && i < edges->n; i++) {
		const struct jr_val *e = jr_at(edges, i);
		long long a = jr_int(jr_get(e, "from"), -1), b = jr_int(jr_get(e, "to"), -1);
		st = xrealloc(st, (n_st + 2) * sizeof(*st));
		st[n_st] = stack_of(jr_get(e, "from_stack"));
		st[n_st + 1] = stack_of(jr_get(e, "to_stack"));
		snprintf(buf, sizeof(buf), "edge=%s>%s:%s/%s", lock_field(locks, a, "class"),
			 lock_field(locks, b, "class"), acq_function(&st[n_st]),
			 acq_function(&st[n_st + 1]));
		part(&ps, buf);
		n_st += 2;
	}
	size_t first_thread = n_st;
	for (size_t i = 0; threads && i < threads->n; i++) {
		const struct jr_val *t = jr_at(threads, i);
		const char *role = jr_str(jr_get(t, "role"));
		st = xrealloc(st, (n_st + 2) * sizeof(*st));
		st[n_st] = stack_of(jr_get(t, "stack"));
		st[n_st + 1] = stack_of(jr_get(t, "now"));
		if (key_thread(kind, role) && !(edges && edges->n)) {
			snprintf(buf, sizeof(buf), "thread=%s:%s", role, acq_function(&st[n_st]));
			part(&ps, buf);
		}
		n_st += 2;
	}
	char *fp = join(&ps, kind);
	struct rp_finding *f = rp_finding_add(rp, kind, sev && strcmp(sev, "error") == 0,
					      headline ? headline : kind,
					      jr_str(jr_get(r, "note")), fp, proc);
	free(fp);
	if (f) { /* new: its locations and the words suppressions match */
		for (size_t i = 0; locks && i < locks->n; i++) {
			rp_finding_word(f, rp_intern(jr_str(jr_get(jr_at(locks, i), "name"))), 0);
			rp_finding_word(f, rp_intern(jr_str(jr_get(jr_at(locks, i), "class"))), 0);
		}
		for (size_t i = 0; edges && i < edges->n; i++) {
			const struct jr_val *e = jr_at(edges, i);
			long long a = jr_int(jr_get(e, "from"), -1), b = jr_int(jr_get(e, "to"), -1);
			const char *na = lock_field(locks, a, "name"), *nb = lock_field(locks, b, "name");
			snprintf(buf, sizeof(buf), "edge %zu/%zu: %s taken, holding %s", i + 1,
				 edges->n, nb, na);
			rp_finding_loc(f, rp_acq_frame(&st[2 * i + 1]), buf, 0);
			snprintf(buf, sizeof(buf), "edge %zu/%zu: %s taken (then %s)", i + 1,
				 edges->n, na, nb);
			rp_finding_loc(f, rp_acq_frame(&st[2 * i]), buf, 1);
		}
		for (size_t i = 0; threads && i < threads->n; i++) {
			const struct jr_val *t = jr_at(threads, i);
			const char *role = jr_str(jr_get(t, "role"));
			long long lk = jr_int(jr_get(t, "lock"), -1);
			snprintf(buf, sizeof(buf), "thread %lld, %s%s%s", jr_int(jr_get(t, "tid"), 0),
				 role ? role : "thread", lk >= 0 ? " of " : "",
				 lk >= 0 ? lock_field(locks, lk, "name") : "");
			rp_finding_loc(f, rp_acq_frame(&st[first_thread + 2 * i]), buf,
				       !key_thread(kind, role) || (edges && edges->n));
			snprintf(buf, sizeof(buf), "thread %lld, doing now",
				 jr_int(jr_get(t, "tid"), 0));
			if (st[first_thread + 2 * i + 1].n)
				rp_finding_loc(f, &st[first_thread + 2 * i + 1].f[0], buf, 1);
		}
		for (size_t i = 0; i < n_st; i++)
			stack_words(f, &st[i]);
	}
	for (size_t i = 0; i < n_st; i++)
		stack_free(&st[i]);
	free(st);
}

/* ---- the order lines: one class graph ---------------------------------- */

static struct {
	int *cslot; /* class index + 1, by class text */
	size_t cmask;
	int *eslot; /* edge index + 1, by (from, to) */
	size_t emask;
} gmap;

static int class_of(struct rp *rp, const struct jr_val *lk)
{
	const char *cls = jr_str(jr_get(lk, "class"));
	if (!cls)
		return -1;
	cls = rp_intern(cls);
	if (2 * (rp->n_classes + 1) > gmap.cmask) {
		size_t nm = gmap.cmask ? 2 * gmap.cmask + 1 : 1023;
		int *ns = calloc(nm + 1, sizeof(*ns));
		if (!ns)
			exit(2);
		for (size_t i = 0; i < rp->n_classes; i++) {
			size_t j = ((uintptr_t)rp->classes[i].cls >> 3) * 0x9e3779b97f4a7c15ull >> 20 & nm;
			while (ns[j])
				j = (j + 1) & nm;
			ns[j] = (int)i + 1;
		}
		free(gmap.cslot);
		gmap.cslot = ns;
		gmap.cmask = nm;
	}
	size_t j = ((uintptr_t)cls >> 3) * 0x9e3779b97f4a7c15ull >> 20 & gmap.cmask;
	while (gmap.cslot[j]) {
		if (rp->classes[gmap.cslot[j] - 1].cls == cls) {
			struct rp_class *c = &rp->classes[gmap.cslot[j] - 1];
			c->writer_pref |= jr_true(jr_get(lk, "prefers_writers"));
			if (!c->kind && jr_str(jr_get(lk, "kind"))) { /* first met as a gate */
				const char *name = jr_str(jr_get(lk, "name"));
				c->kind = rp_intern(jr_str(jr_get(lk, "kind")));
				c->name = rp_intern(name ? name : cls);
			}
			return gmap.cslot[j] - 1;
		}
		j = (j + 1) & gmap.cmask;
	}
	GROW(rp->classes, rp->n_classes, rp->cap_classes);
	struct rp_class *c = &rp->classes[rp->n_classes];
	const char *name = jr_str(jr_get(lk, "name")), *kind = jr_str(jr_get(lk, "kind"));
	c->cls = cls;
	c->name = rp_intern(name ? name : cls);
	c->kind = rp_intern(kind); /* NULL: known only as a gate so far */
	c->writer_pref = jr_true(jr_get(lk, "prefers_writers"));
	gmap.cslot[j] = (int)rp->n_classes + 1;
	return (int)rp->n_classes++;
}

static size_t edge_hash(int a, int b)
{
	return (size_t)(((uint64_t)(unsigned)a * 0x9e3779b97f4a7c15ull) ^
			((uint64_t)(unsigned)b * 0xc2b2ae3d27d4eb4full)) >> 7;
}

static struct rp_edge *edge_of(struct rp *rp, int a, int b, int *fresh)
{
	if (2 * (rp->n_edges + 1) > gmap.emask) {
		size_t nm = gmap.emask ? 2 * gmap.emask + 1 : 4095;
		int *ns = calloc(nm + 1, sizeof(*ns));
		if (!ns)
			exit(2);
		for (size_t i = 0; i < rp->n_edges; i++) {
			size_t j = edge_hash(rp->edges[i].from, rp->edges[i].to) & nm;
			while (ns[j])
				j = (j + 1) & nm;
			ns[j] = (int)i + 1;
		}
		free(gmap.eslot);
		gmap.eslot = ns;
		gmap.emask = nm;
	}
	size_t j = edge_hash(a, b) & gmap.emask;
	while (gmap.eslot[j]) {
		struct rp_edge *e = &rp->edges[gmap.eslot[j] - 1];
		if (e->from == a && e->to == b) {
			*fresh = 0;
			return e;
		}
		j = (j + 1) & gmap.emask;
	}
	GROW(rp->edges, rp->n_edges, rp->cap_edges);
	struct rp_edge *e = &rp->edges[rp->n_edges];
	memset(e, 0, sizeof(*e));
	e->from = a;
	e->to = b;
	e->proc = -1;
	gmap.eslot[j] = (int)rp->n_edges + 1;
	rp->n_edges++;
	*fresh = 1;
	return e;
}

static void add_order_edge(struct rp *rp, const struct jr_val *x, int proc)
{
	int a = class_of(rp, jr_get(x, "from")), b = class_of(rp, jr_get(x, "to"));
	if (a < 0 || b < 0 || a == b)
		return;
	int gates[RP_MAX_GATES], n_gates = 0;
	const struct jr_val *g = jr_get(x, "gates");
	for (size_t i = 0; g && g->type == JR_ARR && i < g->n && n_gates < RP_MAX_GATES; i++) {
		const char *s = jr_str(jr_at(g, i));
		if (!s)
			continue;
		/* a gate is a class: find or make it (by its class text) */
		struct jr_val kv[2];
		kv[0].type = JR_STR, kv[0].u.str = "class", kv[0].n = 5;
		kv[1].type = JR_STR, kv[1].u.str = s, kv[1].n = strlen(s);
		struct jr_val obj = { JR_OBJ, 1, { .items = kv } };
		int c = class_of(rp, &obj);
		if (c >= 0)
			gates[n_gates++] = c;
	}
	int fresh, worse = 0;
	struct rp_edge *e = edge_of(rp, a, b, &fresh);
	int fr = jr_true(jr_get(x, "from_read")), tr = jr_true(jr_get(x, "to_read"));
	int ft = jr_true(jr_get(x, "from_timed")), tt = jr_true(jr_get(x, "to_timed"));
	int tf = jr_true(jr_get(x, "to_fresh"));
	if (fresh) {
		e->from_read = fr, e->to_read = tr, e->from_timed = ft, e->to_timed = tt;
		e->to_fresh = tf;
		e->n_gates = n_gates;
		memcpy(e->gates, gates, sizeof(gates));
		worse = 1;
	} else {
		int k = 0;
		for (int i = 0; i < e->n_gates; i++) {
			int found = 0;
			for (int j = 0; j < n_gates; j++)
				found |= gates[j] == e->gates[i];
			if (found)
				e->gates[k++] = e->gates[i];
			else
				worse = 1;
		}
		e->n_gates = k;
		if (e->from_read && !fr)
			e->from_read = 0, worse = 1;
		if (e->to_read && !tr)
			e->to_read = 0, worse = 1;
		if (e->to_timed && !tt)
			e->to_timed = 0, worse = 1;
		if (e->from_timed && !ft)
			e->from_timed = 0;
		if (e->to_fresh && !tf)
			e->to_fresh = 0, worse = 1;
	}
	/* several lines of one process are one graph: one sighting each */
	rp->n_sightings += (size_t)rp_add_unique(&e->procs, &e->n_procs, &e->cap_procs, proc);
	if (worse) {
		const struct jr_val *t = jr_get(x, "thread");
		stack_free(&e->from_stack);
		stack_free(&e->to_stack);
		e->proc = proc;
		e->tid = (int)jr_int(jr_get(t, "tid"), 0);
		e->tname = rp_intern(jr_str(jr_get(t, "name")));
		e->from_stack = stack_of(jr_get(x, "from_stack"));
		e->to_stack = stack_of(jr_get(x, "to_stack"));
	}
}

/* ---- files --------------------------------------------------------------- */

static void problem(struct rp *rp, const char *file, size_t line, const char *fmt,
		    const char *what)
{
	if (line)
		fprintf(stderr, "lockwatch report: %s:%zu: ", file, line);
	else
		fprintf(stderr, "lockwatch report: %s: ", file);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	rp->input_errors++;
}

static void load_file(struct rp *rp, const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		problem(rp, path, 0, "cannot be read: %s", strerror(errno));
		return;
	}
	GROW(rp->files, rp->n_files, rp->cap_files);
	int file = (int)rp->n_files;
	rp->files[rp->n_files++] = rp_intern(path);
	struct jr_arena a = { 0 };
	char *line = NULL, err[128], msg[256];
	size_t cap = 0, no = 0, ours = 0, others = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, fp)) > 0) {
		no++;
		if (line[len - 1] == '\n')
			line[--len] = 0;
		if (len == 0)
			continue;
		struct jr_val v;
		size_t col = 0;
		jr_reset(&a);
		if (memchr(line, 0, (size_t)len)) {
			problem(rp, path, no, "%s", "not JSON: a NUL byte in the line");
			continue;
		}
		if (jr_parse(&a, line, (size_t)len, &v, &col, err, sizeof(err)) < 0) {
			snprintf(msg, sizeof(msg), "not JSON: %s at column %zu", err, col);
			problem(rp, path, no, "%s", msg);
			continue;
		}
		const struct jr_val *pid = jr_get(&v, "pid");
		const char *kind = jr_str(jr_get(&v, "kind"));
		const struct jr_val *edges = jr_get(&v, "edges");
		if (v.type != JR_OBJ) {
			problem(rp, path, no, "%s", "not a JSON object");
			continue;
		}
		if (!pid || pid->type != JR_NUM) {
			/* a report or an order line needs its process; a line of
			 * another shape is not this command's to judge */
			if (kind || (edges && edges->type == JR_ARR))
				problem(rp, path, no, "%s", "a report or order line without a pid");
			else
				others++;
			continue;
		}
		ours++;
		int proc = proc_of(rp, file, jr_int(pid, 0));
		if (!kind && edges && edges->type == JR_ARR)
			proc = image_proc(rp, proc, jr_str(jr_get(&v, "image")));
		proc_names(&rp->procs[proc], &v);
		if (kind) {
			if (!jr_str(jr_get(&v, "severity")) || !edges || edges->type != JR_ARR ||
			    jr_get(&v, "locks") == NULL || jr_get(&v, "locks")->type != JR_ARR) {
				problem(rp, path, no, "%s", "a report without severity, locks or edges");
				continue;
			}
			add_report(rp, &v, proc);
		} else if (edges && edges->type == JR_ARR) {
			rp->n_order_lines++;
			/* each line counts what its process left out of the graph
			 * as it was then: the process's count is the largest */
			size_t d = (size_t)jr_int(jr_get(&v, "dropped"), 0);
			if (d > rp->procs[proc].dropped) {
				rp->dropped += d - rp->procs[proc].dropped;
				rp->procs[proc].dropped = d;
			}
			for (size_t i = 0; i < edges->n; i++)
				add_order_edge(rp, jr_at(edges, i), proc);
		} /* else another line (stats): nothing to merge */
	}
	if (ferror(fp))
		problem(rp, path, no, "read error: %s", strerror(errno));
	else if (others && !ours) /* a wrong file, not an empty run */
		problem(rp, path, 0, "%s",
			"no lockwatch line in it (a SARIF log, or another tool's JSON?)");
	free(line);
	jr_free(&a);
	fclose(fp);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A *.json file found in a directory is taken when it is lockwatch's JSON
 * Lines (`lockwatch run --json out/run.json`): its first line a report or
 * an order line. Any other JSON there (a package.json, a SARIF log) is no
 * input, and no error. */
static int lockwatch_json(const char *path)
{
	char head[16] = "";
	FILE *fp = fopen(path, "re");
	if (!fp)
		return 1; /* load_file says why */
	size_t n = fread(head, 1, sizeof(head) - 1, fp);
	fclose(fp);
	head[n] = 0;
	return strncmp(head, "{\"kind\":\"", 9) == 0 || strncmp(head, "{\"edges\":", 9) == 0;
}

static void load_dir(struct rp *rp, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		problem(rp, dir, 0, "cannot be read: %s", strerror(errno));
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		GROW(names, n, cap);
		if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0)
			exit(2);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		size_t len = strlen(names[i]);
		if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode))
			load_dir(rp, names[i]);
		else if (len > 6 && strcmp(names[i] + len - 6, ".jsonl") == 0)
			load_file(rp, names[i]);
		else if (len > 5 && strcmp(names[i] + len - 5, ".json") == 0 &&
			 lockwatch_json(names[i]))
			load_file(rp, names[i]);
		free(names[i]);
	}
	free(names);
}

void rp_load_path(struct rp *rp, const char *path)
{
	struct stat st;
	size_t before = rp->n_files;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		load_dir(rp, path);
		/* no file is no error (a process writes one only when it has
		 * something to say), but a wrong directory should be noticed */
		if (rp->n_files == before)
			fprintf(stderr, "lockwatch report: %s: no lockwatch JSON file in it (*.jsonl, or *.json made by lockwatch run)\n", path);
	} else {
		load_file(rp, path);
	}
}
