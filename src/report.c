/* report.c - the report builder and emitter (see report.h).
 *
 * A builder (struct lw__rb) only copies raw facts: lock ids, addresses and
 * record pointers, depot stack ids, raw pcs and short strings. Everything
 * slow - lock names, symbols, text and JSON - happens in lw__report_emit(),
 * under one report mutex so that reports never interleave. The program's
 * handler is called under that mutex too: reports reach it one at a time,
 * in order, and a handler must therefore not wait for another thread that
 * may itself be making a report. A report made inside the handler, in the
 * handler's own thread, is written and counted but not handed to the
 * handler again.
 *
 * Memory: the builder and everything emit derives from it come from
 * malloc (callers hold the guard, so the host's allocator never sees a
 * tracked lock of ours), mostly from one chunked arena freed in one go.
 * Running out of memory loses detail (a name, a stack, a line of text),
 * never the process. Also here: the public counters and handler setter,
 * the growable string used by report_text.c and report_json.c, and the
 * fork hooks of the report mutex. */
#include "report.h"
#include "out.h"
#include "real.h"
#include "stack.h"
#include "symbols.h"
#include "verdict.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NAME_MAX_LEN 256

/* ---- arena ------------------------------------------------------------ */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	_Alignas(16) char data[];
};

static void *arena_alloc(struct chunk **head, size_t n)
{
	struct chunk *c = *head;
	n = (n + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 4000 ? n : 4000;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = *head;
		*head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

static void arena_free(struct chunk *c)
{
	while (c) {
		struct chunk *n = c->next;
		free(c);
		c = n;
	}
}

static char *arena_strdup(struct chunk **head, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *p = arena_alloc(head, n + 1);
	if (p)
		memcpy(p, s, n + 1);
	return p;
}

/* A copy of a name with control characters (a newline that would forge a
 * log line, escapes) replaced by '?'. */
static char *arena_name(struct chunk **head, const char *s)
{
	char *p = arena_strdup(head, s);
	for (char *q = p; q && *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	return p;
}

/* Grow *arr (of elements of size sz) so that index n fits. */
static int grow(void **arr, int *cap, int n, size_t sz)
{
	if (n < *cap)
		return 0;
	int nc = *cap ? *cap * 2 : 4;
	void *p = realloc(*arr, (size_t)nc * sz);
	if (!p)
		return -1;
	*arr = p;
	*cap = nc;
	return 0;
}

/* ---- the builder ---------------------------------------------------------- */

struct rb_lock {
	const struct lw__lock *rec;
	uint32_t id;
	int kind;
	uintptr_t addr;
	const char *name, *cls; /* NULL until described */
};

struct rb_edge {
	int from, to, tid, from_read, to_read;
	const char *tname;
	uint32_t from_stack, to_stack;
};

struct rb_thread {
	int tid;
	const char *name, *role;
	int lock;
	uint64_t duration_ms;
	uint32_t stack;
	int *held, n_held, cap_held;
	uintptr_t *now;
	int n_now;
	const char *now_note;
};

struct lw__rb {
	lw_kind_t kind;
	lw_severity_t sev;
	const char *headline, *note;
	struct rb_lock *locks;
	int n_locks, cap_locks;
	int n_named;            /* locks already through describe_all() */
	struct rb_edge *edges;
	int n_edges, cap_edges;
	struct rb_thread *threads;
	int n_threads, cap_threads;
	struct chunk *arena;
};

struct lw__rb *lw__rb_new(lw_kind_t kind, lw_severity_t sev)
{
	struct lw__rb *rb = calloc(1, sizeof(*rb));
	if (!rb)
		return NULL;
	rb->kind = kind;
	rb->sev = sev;
	return rb;
}

void lw__rb_free(struct lw__rb *rb)
{
	if (!rb)
		return;
	for (int i = 0; i < rb->n_threads; i++)
		free(rb->threads[i].held);
	free(rb->locks);
	free(rb->edges);
	free(rb->threads);
	arena_free(rb->arena);
	free(rb);
}

int lw__rb_lock(struct lw__rb *rb, const struct lw__lock *l)
{
	if (!rb || !l)
		return -1;
	for (int i = 0; i < rb->n_locks; i++)
		if (rb->locks[i].id == l->id)
			return i;
	if (grow((void **)&rb->locks, &rb->cap_locks, rb->n_locks, sizeof(*rb->locks)) < 0)
		return -1;
	struct rb_lock *x = &rb->locks[rb->n_locks];
	memset(x, 0, sizeof(*x));
	x->rec = l;
	x->id = l->id;
	x->kind = l->kind;
	x->addr = (uintptr_t)l->addr;
	return rb->n_locks++;
}

/* Fill in the name and class of lock i, once. */
static void describe(struct lw__rb *rb, struct rb_lock *x)
{
	char name[NAME_MAX_LEN], cls[NAME_MAX_LEN];
	if (x->name)
		return;
	name[0] = cls[0] = 0;
	lw__lock_describe(x->rec, name, sizeof(name), cls, sizeof(cls));
	name[sizeof(name) - 1] = cls[sizeof(cls) - 1] = 0;
	x->name = arena_name(&rb->arena, name[0] ? name : "?");
	x->cls = arena_name(&rb->arena, cls[0] ? cls : (name[0] ? name : "?"));
}

static int by_name(const void *a, const void *b)
{
	const struct rb_lock *x = *(struct rb_lock *const *)a, *y = *(struct rb_lock *const *)b;
	return strcmp(x->name, y->name);
}

/* Describe every lock of the report, once per set of locks; two different
 * locks with the same name (two unnamed heap locks made at one line) get
 * their ids appended, "mutex@bank.c:42#7", so a reader can tell them
 * apart. Sorting finds the duplicates: n log n for a 20,000-lock cycle. */
static void describe_all(struct lw__rb *rb)
{
	if (rb->n_named == rb->n_locks)
		return;
	for (int i = 0; i < rb->n_locks; i++)
		describe(rb, &rb->locks[i]);
	rb->n_named = rb->n_locks;
	struct rb_lock **v = malloc((size_t)rb->n_locks * sizeof(*v));
	if (!v)
		return;
	for (int i = 0; i < rb->n_locks; i++)
		v[i] = &rb->locks[i];
	qsort(v, (size_t)rb->n_locks, sizeof(*v), by_name);
	for (int i = 0; i < rb->n_locks;) {
		int j = i + 1;
		while (j < rb->n_locks && strcmp(v[j]->name, v[i]->name) == 0)
			j++;
		for (int k = i; j - i > 1 && k < j; k++) {
			char b[NAME_MAX_LEN + 16];
			snprintf(b, sizeof(b), "%s#%u", v[k]->name, v[k]->id);
			v[k]->name = arena_name(&rb->arena, b);
		}
		i = j;
	}
	free(v);
}

const char *lw__rb_lock_name(struct lw__rb *rb, int i)
{
	if (!rb || i < 0 || i >= rb->n_locks)
		return "?";
	describe_all(rb);
	return rb->locks[i].name ? rb->locks[i].name : "?";
}

void lw__rb_edge(struct lw__rb *rb, int from, int to, int tid, const char *tname,
		 int from_read, int to_read, uint32_t from_stack, uint32_t to_stack)
{
	if (!rb)
		return;
	if (grow((void **)&rb->edges, &rb->cap_edges, rb->n_edges, sizeof(*rb->edges)) < 0)
		return;
	struct rb_edge *e = &rb->edges[rb->n_edges++];
	e->from = from;
	e->to = to;
	e->tid = tid;
	e->tname = arena_name(&rb->arena, tname);
	e->from_read = !!from_read;
	e->to_read = !!to_read;
	e->from_stack = from_stack;
	e->to_stack = to_stack;
}

int lw__rb_thread(struct lw__rb *rb, int tid, const char *name, const char *role,
		  int lock, uint64_t duration_ms, uint32_t stack)
{
	if (!rb)
		return -1;
	if (grow((void **)&rb->threads, &rb->cap_threads, rb->n_threads,
		 sizeof(*rb->threads)) < 0)
		return -1;
	struct rb_thread *t = &rb->threads[rb->n_threads];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->name = arena_name(&rb->arena, name);
	t->role = arena_strdup(&rb->arena, role ? role : "thread");
	t->lock = lock;
	t->duration_ms = duration_ms;
	t->stack = stack;
	return rb->n_threads++;
}

void lw__rb_thread_held(struct lw__rb *rb, int ti, int lock)
{
	if (!rb || ti < 0 || ti >= rb->n_threads || lock < 0)
		return;
	struct rb_thread *t = &rb->threads[ti];
	if (grow((void **)&t->held, &t->cap_held, t->n_held, sizeof(*t->held)) < 0)
		return;
	t->held[t->n_held++] = lock;
}

void lw__rb_thread_now(struct lw__rb *rb, int ti, const uintptr_t *pcs, int n,
		       const char *note)
{
	if (!rb || ti < 0 || ti >= rb->n_threads)
		return;
	struct rb_thread *t = &rb->threads[ti];
	if (n > LW__STACK_MAX)
		n = LW__STACK_MAX;
	t->n_now = 0;
	if (pcs && n > 0) {
		t->now = arena_alloc(&rb->arena, (size_t)n * sizeof(*pcs));
		if (t->now) {
			memcpy(t->now, pcs, (size_t)n * sizeof(*pcs));
			t->n_now = n;
		}
	}
	t->now_note = arena_strdup(&rb->arena, note);
}

static const char *vformat(struct lw__rb *rb, const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(&rb->arena, (size_t)n + 1);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

void lw__rb_headline(struct lw__rb *rb, const char *fmt, ...)
{
	va_list ap;
	if (!rb)
		return;
	va_start(ap, fmt);
	rb->headline = vformat(rb, fmt, ap);
	va_end(ap);
}

void lw__rb_note(struct lw__rb *rb, const char *fmt, ...)
{
	va_list ap;
	if (!rb)
		return;
	va_start(ap, fmt);
	rb->note = vformat(rb, fmt, ap);
	va_end(ap);
}

/* ---- counters and handler -------------------------------------------- */

static unsigned long counts[LW_KIND_COUNT];
static unsigned long total_count, error_count;

static pthread_mutex_t report_mu = PTHREAD_MUTEX_INITIALIZER;
/* Guards the handler pair so that fn and arg are always read together; held
 * only to copy them, never across the call. Order: report_mu, handler_mu. */
static pthread_mutex_t handler_mu = PTHREAD_MUTEX_INITIALIZER;
static lw_report_fn handler_fn;
static void *handler_arg;

/* > 0 while this thread is inside lw__report_emit (holding report_mu). */
static LW__TLS int in_report;
/* This thread's fork prepare found report_mu already held by itself. */
static LW__TLS int fork_nested;

void lw_set_report_handler(lw_report_fn fn, void *arg)
{
	LW_REAL_FN(pthread_mutex_lock)(&handler_mu);
	handler_fn = fn;
	handler_arg = arg;
	LW_REAL_FN(pthread_mutex_unlock)(&handler_mu);
}

unsigned long lw_report_count(lw_kind_t kind)
{
	if (kind == LW_KIND_COUNT)
		return lw__load(&total_count);
	if ((unsigned)kind >= LW_KIND_COUNT)
		return 0;
	return lw__load(&counts[kind]);
}

unsigned long lw_error_count(void)
{
	return lw__load(&error_count);
}

unsigned long lw__report_errors(void)
{
	return lw__load(&error_count);
}

static void count(lw_kind_t kind, lw_severity_t sev)
{
	if ((unsigned)kind < LW_KIND_COUNT)
		__atomic_fetch_add(&counts[kind], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&total_count, 1, __ATOMIC_RELAXED);
	if (sev == LW_ERROR)
		__atomic_fetch_add(&error_count, 1, __ATOMIC_RELAXED);
	lw__verdict_count(kind, sev);
}

/* ---- emit -------------------------------------------------------------- */

static const char *const kind_names[LW_KIND_COUNT] = {
	[LW_LOCK_ORDER_CYCLE] = "lock_order_cycle",
	[LW_DEADLOCK] = "deadlock",
	[LW_SELF_DEADLOCK] = "self_deadlock",
	[LW_BAD_UNLOCK] = "bad_unlock",
	[LW_DESTROY_HELD] = "destroy_held",
	[LW_THREAD_EXIT_HOLDING] = "thread_exit_holding",
	[LW_LONG_HOLD] = "long_hold",
	[LW_LONG_WAIT] = "long_wait",
};

/* Symbolise depot stack `id` into rb's arena. A stack with a call site
 * from the force-included header uses it for the innermost frame when
 * debug info gave no file; a site without any pcs becomes a one-frame
 * stack. */
static lw_stack_t depot_stack(struct lw__rb *rb, uint32_t id)
{
	lw_stack_t s = { 0, NULL };
	uintptr_t pcs[LW__STACK_MAX];
	struct lw__site site;
	int n;

	if (id == 0)
		return s;
	memset(&site, 0, sizeof(site));
	n = lw__stack_get(id, pcs, LW__STACK_MAX, &site);
	if (n > LW__STACK_MAX)
		n = LW__STACK_MAX;
	if (n <= 0) {
		if (!site.src)
			return s;
		pcs[0] = site.pc;
		n = 1;
	}
	lw_frame_t *f = arena_alloc(&rb->arena, (size_t)n * sizeof(*f));
	if (!f)
		return s;
	for (int i = 0; i < n; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		if (pcs[i])
			lw__sym_frame(pcs[i], 1, &f[i]);
		f[i].pc = pcs[i];
	}
	if (site.src && !f[0].file) {
		f[0].file = site.src->file;
		f[0].line = site.src->line;
		if (!f[0].function && site.src->func)
			f[0].function = site.src->func;
	}
	s.depth = n;
	s.frames = f;
	return s;
}

/* Symbolise raw pcs from a signal context: frame 0 is the exact pc. */
static lw_stack_t raw_stack(struct lw__rb *rb, const uintptr_t *pcs, int n)
{
	lw_stack_t s = { 0, NULL };
	if (n <= 0 || !pcs)
		return s;
	lw_frame_t *f = arena_alloc(&rb->arena, (size_t)n * sizeof(*f));
	if (!f)
		return s;
	for (int i = 0; i < n; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		if (pcs[i])
			lw__sym_frame(pcs[i], i == 0 ? 0 : 1, &f[i]);
		f[i].pc = pcs[i];
	}
	s.depth = n;
	s.frames = f;
	return s;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int valid_lock(const struct lw__rb *rb, int i)
{
	return i >= 0 && i < rb->n_locks ? i : -1;
}

/* Fill r from rb; every allocation comes from rb's arena. */
static void build(struct lw__rb *rb, lw_report_t *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = rb->kind;
	r->severity = rb->sev;
	r->kind_name = (unsigned)rb->kind < LW_KIND_COUNT ? kind_names[rb->kind] : "unknown";
	r->severity_name = rb->sev == LW_ERROR ? "error" : "warning";
	r->headline = rb->headline ? rb->headline : r->kind_name;
	r->note = rb->note;
	r->pid = (int)getpid();
	r->time_ms = now_ms();

	lw_report_lock_t *locks =
		rb->n_locks ? arena_alloc(&rb->arena, (size_t)rb->n_locks * sizeof(*locks)) : NULL;
	if (locks) {
		describe_all(rb);
		for (int i = 0; i < rb->n_locks; i++) {
			struct rb_lock *x = &rb->locks[i];
			locks[i].id = x->id;
			locks[i].address = x->addr;
			locks[i].kind = lw__lock_kind_name(x->kind);
			if (!locks[i].kind)
				locks[i].kind = "lock";
			locks[i].name = x->name ? x->name : "?";
			locks[i].class_ = x->cls ? x->cls : locks[i].name;
		}
		r->locks = locks;
		r->n_locks = rb->n_locks;
	}
	/* Without the lock table no index may point into it. */
	int nl = r->n_locks;

	lw_report_edge_t *edges =
		rb->n_edges ? arena_alloc(&rb->arena, (size_t)rb->n_edges * sizeof(*edges)) : NULL;
	if (edges) {
		for (int i = 0; i < rb->n_edges; i++) {
			struct rb_edge *e = &rb->edges[i];
			edges[i].from = nl ? valid_lock(rb, e->from) : -1;
			edges[i].to = nl ? valid_lock(rb, e->to) : -1;
			edges[i].tid = e->tid;
			edges[i].thread_name = e->tname;
			edges[i].from_read = e->from_read;
			edges[i].to_read = e->to_read;
			edges[i].from_stack = depot_stack(rb, e->from_stack);
			edges[i].to_stack = depot_stack(rb, e->to_stack);
		}
		r->edges = edges;
		r->n_edges = rb->n_edges;
	}

	lw_report_thread_t *threads =
		rb->n_threads ? arena_alloc(&rb->arena, (size_t)rb->n_threads * sizeof(*threads))
			      : NULL;
	if (threads) {
		for (int i = 0; i < rb->n_threads; i++) {
			struct rb_thread *t = &rb->threads[i];
			lw_report_thread_t *o = &threads[i];
			o->tid = t->tid;
			o->name = t->name;
			o->role = t->role ? t->role : "thread";
			o->lock = nl ? valid_lock(rb, t->lock) : -1;
			o->duration_ms = t->duration_ms;
			o->n_held = 0;
			o->held = NULL;
			if (nl && t->n_held) {
				int *h = arena_alloc(&rb->arena, (size_t)t->n_held * sizeof(*h));
				if (h) {
					for (int k = 0; k < t->n_held; k++)
						if (valid_lock(rb, t->held[k]) >= 0)
							h[o->n_held++] = t->held[k];
					o->held = h;
				}
			}
			o->stack = depot_stack(rb, t->stack);
			o->now = raw_stack(rb, t->now, t->n_now);
			o->now_note = t->now_note;
		}
		r->threads = threads;
		r->n_threads = rb->n_threads;
	}
}

void lw__report_emit(struct lw__rb *rb)
{
	struct lw__buf text = { 0, 0, 0 }, json = { 0, 0, 0 };
	lw_report_t r;
	lw_report_fn fn = NULL;
	void *arg = NULL;
	int saved = errno;

	if (!rb)
		return;
	if (in_report == 0)
		LW_REAL_FN(pthread_mutex_lock)(&report_mu);
	in_report++;

	build(rb, &r);
	lw__report_text(&r, &text);
	lw__report_json(&r, &json);
	r.text = text.p ? text.p : "";
	r.json = json.p ? json.p : "{}";

	if (text.p)
		lw__out_log(text.p, text.len);
	if (json.p) {
		/* one write with the newline; r.json keeps none */
		lw__buf_put(&json, "\n", 1);
		lw__out_json(json.p, json.len);
		if (json.len > 0 && json.p[json.len - 1] == '\n')
			json.p[--json.len] = 0;
		r.json = json.p;
	}

	/* counted before the handler, so that it sees itself in the counts */
	count(r.kind, r.severity);

	if (in_report == 1) {
		LW_REAL_FN(pthread_mutex_lock)(&handler_mu);
		fn = handler_fn;
		arg = handler_arg;
		LW_REAL_FN(pthread_mutex_unlock)(&handler_mu);
		if (fn)
			fn(&r, arg);
	}

	free(text.p);
	free(json.p);
	lw__rb_free(rb);
	in_report--;
	if (in_report == 0)
		LW_REAL_FN(pthread_mutex_unlock)(&report_mu);
	errno = saved;
}

/* ---- growable strings -------------------------------------------------- */

/* Make room for n more bytes and the NUL; -1 when out of memory. */
static int buf_reserve(struct lw__buf *b, size_t n)
{
	if (b->cap - b->len > n && b->p)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= n)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

void lw__buf_put(struct lw__buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void lw__buf_puts(struct lw__buf *b, const char *s)
{
	lw__buf_put(b, s, strlen(s));
}

void lw__buf_printf(struct lw__buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (buf_reserve(b, 128) < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->p[b->len] = 0;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (buf_reserve(b, (size_t)n) < 0) {
			b->p[b->len] = 0; /* drop the truncated tail */
			return;
		}
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not. */
static int utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	int n;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000;
	else
		return 0;
	unsigned cp = c & (0x3fu >> (n - 1));
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void lw__buf_json_str(struct lw__buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!s) {
		lw__buf_put(b, "null", 4);
		return;
	}
	lw__buf_put(b, "\"", 1);
	while (*p) {
		const unsigned char *run = p;
		/* copy plain bytes in runs */
		while (*p >= 0x20 && *p != '"' && *p != '\\' && *p < 0x80)
			p++;
		if (p > run)
			lw__buf_put(b, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		switch (*p) {
		case '"': lw__buf_put(b, "\\\"", 2); p++; continue;
		case '\\': lw__buf_put(b, "\\\\", 2); p++; continue;
		case '\n': lw__buf_put(b, "\\n", 2); p++; continue;
		case '\r': lw__buf_put(b, "\\r", 2); p++; continue;
		case '\t': lw__buf_put(b, "\\t", 2); p++; continue;
		default: break;
		}
		if (*p < 0x20) {
			lw__buf_printf(b, "\\u%04x", *p);
			p++;
			continue;
		}
		int n = utf8_len(p);
		if (n > 0) {
			lw__buf_put(b, (const char *)p, (size_t)n);
			p += n;
		} else {
			/* not UTF-8: keep the byte's value, as a Latin-1 character */
			lw__buf_printf(b, "\\u%04x", *p);
			p++;
		}
	}
	lw__buf_put(b, "\"", 1);
}

/* ---- fork ---------------------------------------------------------------- */

void lw__report_atfork_prepare(void)
{
	/* A handler that forks already holds report_mu in this thread. */
	fork_nested = in_report > 0;
	if (!fork_nested)
		LW_REAL_FN(pthread_mutex_lock)(&report_mu);
	LW_REAL_FN(pthread_mutex_lock)(&handler_mu);
}

void lw__report_atfork_parent(void)
{
	LW_REAL_FN(pthread_mutex_unlock)(&handler_mu);
	if (!fork_nested)
		LW_REAL_FN(pthread_mutex_unlock)(&report_mu);
	fork_nested = 0;
}

void lw__report_atfork_child(void)
{
	static const pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	memcpy(&report_mu, &fresh, sizeof(fresh));
	memcpy(&handler_mu, &fresh, sizeof(fresh));
	/* The forking thread may be inside a handler: it will unlock on return. */
	if (in_report > 0)
		LW_REAL_FN(pthread_mutex_lock)(&report_mu);
	fork_nested = 0;
}
