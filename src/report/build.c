/* build.c - the report builder (see report.h): it only copies raw facts
 * (lock ids, addresses and record pointers, depot stack ids, raw pcs and
 * short strings), so it may be used while the caller holds a lockwatch
 * lock; names come at emit time. Memory comes from lockwatch's own
 * allocator (base/mem.h: never the program's malloc, which may be the
 * very allocator whose lock call is being reported), mostly from one
 * chunked arena freed in one go. Running out of memory
 * loses detail (a name, a stack), never the process. */
#include "rb.h"
#include "deep.h"
#include "mem.h"
#include "sort.h"
#include "name.h"
#include "stack.h"
#include "verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
		c = lw__mem_alloc(sizeof(*c) + cap);
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
		lw__mem_free(c);
		c = n;
	}
}

static char *arena_strdup(struct chunk **head, const char *s);

void *lw__rb_alloc(struct lw__rb *rb, size_t n)
{
	return arena_alloc(&rb->arena, n);
}

char *lw__rb_strdup(struct lw__rb *rb, const char *s)
{
	return arena_strdup(&rb->arena, s);
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
	void *p = lw__mem_realloc(*arr, (size_t)nc * sz);
	if (!p)
		return -1;
	*arr = p;
	*cap = nc;
	return 0;
}

/* Reports being made in this process, and by this thread (a report
 * handler's exit waits for the others only: lw__report_wait). */
static unsigned long in_flight;
static LW__TLS unsigned long own_in_flight;

struct lw__rb *lw__rb_new(lw_kind_t kind, lw_severity_t sev)
{
	struct lw__rb *rb = lw__mem_calloc(1, sizeof(*rb));
	if (!rb)
		return NULL;
	rb->kind = kind;
	rb->sev = sev;
	__atomic_fetch_add(&in_flight, 1, __ATOMIC_ACQ_REL);
	own_in_flight++;
	if (sev == LW_ERROR) {
		rb->begun_error = 1;
		lw__verdict_unfinished(1);
	}
	return rb;
}

int lw__report_wait(unsigned ms)
{
	struct timespec tick = { 0, 1000000 };
	for (unsigned i = 0; i < ms; i++) {
		if (__atomic_load_n(&in_flight, __ATOMIC_ACQUIRE) <= own_in_flight)
			return 0;
		nanosleep(&tick, NULL);
	}
	return -1;
}

void lw__report_flight(int delta)
{
	if (delta > 0) {
		__atomic_fetch_add(&in_flight, 1, __ATOMIC_ACQ_REL);
		own_in_flight++;
	} else {
		own_in_flight--;
		__atomic_fetch_sub(&in_flight, 1, __ATOMIC_ACQ_REL);
	}
}

void lw__report_flight_atfork_child(void)
{
	__atomic_store_n(&in_flight, own_in_flight, __ATOMIC_RELAXED);
}

void lw__rb_free(struct lw__rb *rb)
{
	if (!rb)
		return;
	for (int i = 0; i < rb->n_threads; i++) {
		lw__mem_free(rb->threads[i].held);
		lw__mem_free(rb->threads[i].waits_for);
	}
	lw__mem_free(rb->locks);
	lw__mem_free(rb->edges);
	lw__mem_free(rb->threads);
	lw__mem_free(rb->sx);
	lw__mem_free(rb->scratch_f);
	lw__mem_free(rb->scratch_x);
	arena_free(rb->arena);
	if (rb->begun_error)
		lw__verdict_unfinished(-1);
	own_in_flight--;
	__atomic_fetch_sub(&in_flight, 1, __ATOMIC_ACQ_REL);
	lw__mem_free(rb);
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

void lw__rb_frame_info_add(struct lw__rb *rb, const lw_frame_t *frames,
			   const struct lw__frame_info *info)
{
	if (!rb || !frames || !info ||
	    grow((void **)&rb->sx, &rb->cap_sx, rb->n_sx, sizeof(*rb->sx)) < 0)
		return;
	rb->sx[rb->n_sx].frames = frames;
	rb->sx[rb->n_sx].info = info;
	rb->n_sx++;
}

static int by_frames(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct rb_stackx *)a)->frames;
	uintptr_t y = (uintptr_t)((const struct rb_stackx *)b)->frames;
	return x < y ? -1 : x > y;
}

/* By binary search over the stacks sorted by address (sorted again after
 * more were added): a 20,000-edge cycle has 40,000 stacks. */
const struct lw__frame_info *lw__rb_frame_info(const struct lw__rb *crb, const lw_stack_t *s)
{
	struct lw__rb *rb = (struct lw__rb *)(uintptr_t)crb; /* the sort is a cache */
	if (!rb || !s->frames || rb->n_sx == 0)
		return NULL;
	if (rb->sx_sorted != rb->n_sx) {
		lw__sort(rb->sx, (size_t)rb->n_sx, sizeof(*rb->sx), by_frames);
		rb->sx_sorted = rb->n_sx;
	}
	int lo = 0, hi = rb->n_sx - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (rb->sx[mid].frames == s->frames)
			return rb->sx[mid].info;
		if ((uintptr_t)rb->sx[mid].frames < (uintptr_t)s->frames)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
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
static void describe_all(void *arg)
{
	struct lw__rb *rb = arg;
	for (int i = 0; i < rb->n_locks; i++)
		describe(rb, &rb->locks[i]);
	rb->n_named = rb->n_locks;
	struct rb_lock **v = lw__mem_alloc((size_t)rb->n_locks * sizeof(*v));
	if (!v)
		return;
	for (int i = 0; i < rb->n_locks; i++)
		v[i] = &rb->locks[i];
	lw__sort(v, (size_t)rb->n_locks, sizeof(*v), by_name);
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
	lw__mem_free(v);
}

/* On a stack of its own (base/deep.h): libdw's line tables take more than
 * a small thread stack has. */
void lw__rb_describe_all(struct lw__rb *rb)
{
	if (rb->n_named != rb->n_locks)
		lw__deep(describe_all, rb);
}

const char *lw__rb_lock_name(struct lw__rb *rb, int i)
{
	if (!rb || i < 0 || i >= rb->n_locks)
		return "?";
	lw__rb_describe_all(rb);
	return rb->locks[i].name ? rb->locks[i].name : "?";
}

void lw__rb_edge(struct lw__rb *rb, int from, int to, int tid, const char *tname,
		 int from_read, int to_read, int from_timed, int to_timed,
		 int to_fresh, uint32_t from_stack, uint32_t to_stack)
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
	e->timed = (uint8_t)((from_timed ? 1 : 0) | (to_timed ? 2 : 0) | (to_fresh ? 4 : 0));
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

void lw__rb_thread_waits_for(struct lw__rb *rb, int ti, int tid)
{
	if (!rb || ti < 0 || ti >= rb->n_threads || tid <= 0)
		return;
	struct rb_thread *t = &rb->threads[ti];
	for (int k = 0; k < t->n_waits_for; k++)
		if (t->waits_for[k] == tid)
			return;
	if (grow((void **)&t->waits_for, &t->cap_waits_for, t->n_waits_for,
		 sizeof(*t->waits_for)) < 0)
		return;
	t->waits_for[t->n_waits_for++] = tid;
}

/* *dst = the formatted text, in the arena (NULL rb: nothing). */
static void vformat(struct lw__rb *rb, const char **dst, const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = rb ? vsnprintf(NULL, 0, fmt, aq) : -1;
	va_end(aq);
	char *p = n < 0 ? NULL : arena_alloc(&rb->arena, (size_t)n + 1);
	if (p) {
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		*dst = p;
	}
}

void lw__rb_headline(struct lw__rb *rb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vformat(rb, rb ? &rb->headline : NULL, fmt, ap);
	va_end(ap);
}

void lw__rb_thread_state(struct lw__rb *rb, int ti, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (rb && ti >= 0 && ti < rb->n_threads)
		vformat(rb, &rb->threads[ti].state, fmt, ap);
	va_end(ap);
}

void lw__rb_group(struct lw__rb *rb, uint64_t key)
{
	if (rb)
		rb->group_key = key;
}

void lw__rb_note(struct lw__rb *rb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vformat(rb, rb ? &rb->note : NULL, fmt, ap);
	va_end(ap);
}
