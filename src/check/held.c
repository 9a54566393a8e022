/* held.c - the slow paths of held.h: the held-lock bookkeeping around each
 * lock call that the inline fast path does not cover, and the checks made
 * there (lock order: order.c; misuse reports: misuse.c). */
#include "held.h"
#include "hooks.h"
#include "misuse.h"
#include "order.h"
#include "stack.h"
#include "stats.h"

#include <errno.h>
#include <string.h>

#define chain_next lw__chain_next
#define find_held lw__find_held

/* May the holder take it again without blocking? */
static int reentrant(const struct lw__lock *l, const struct lw__held *h, int mode)
{
	if (l->kind == LW__MUTEX)
		return lw__lock_mutex_type(l) == PTHREAD_MUTEX_RECURSIVE;
	if (l->kind == LW__RWLOCK)
		return mode == LW__READ && h->mode == LW__READ;
	return 0;
}

/* The slow path: a chain this thread has not checked. Capture the stack,
 * add an edge from every held lock (when `edges`), remember the chain. */
static uint32_t slow_chain(struct lw__thread *t, struct lw__lock *l, int mode,
			   const struct lw__site *s, uint64_t c, int edges)
{
	int saved = errno;
	lw__guard_enter();
	t->n_slow++;
	uint32_t st = lw__stack_capture(s);
	if (edges && t->n_held)
		lw__order_check(t, l, mode, st);
	t->chains[c & (LW__CHAIN_CACHE - 1)].key = c;
	t->chains[c & (LW__CHAIN_CACHE - 1)].stack = st;
	lw__guard_leave();
	errno = saved;
	return st;
}

/* The chain that taking l now makes, into a->chain, and the stack that took
 * it, into a->stack: from the chain cache, or by the slow path (with order
 * edges for a blocking acquire, none for a try). The inline fast path in
 * core.h does the same for a cached chain, with its values in registers. */
static void checked_chain(struct lw__thread *t, struct lw__lock *l, int mode, int try_,
			  const struct lw__site *s, struct lw__acq_slow *a)
{
	uint64_t c = chain_next(lw__top_chain(t), l, mode, try_, s->pc);
	unsigned slot = c & (LW__CHAIN_CACHE - 1);
	a->chain = c;
	a->stack = t->chains[slot].key == c ? t->chains[slot].stack
					   : slow_chain(t, l, mode, s, c, !try_);
}

static void remove_held(struct lw__thread *t, struct lw__held *h);

/* A write hold whose lock another thread has since unlocked (a bad_unlock
 * was reported then): the entry no longer means anything. */
static inline int held_stale(const struct lw__thread *t, const struct lw__held *h)
{
	return h->mode == LW__WRITE && h->lock->kind != LW__SEM &&
	       lw__load(&h->lock->owner) != t;
}

/* A semaphore unit: held until posted, but outside the lock order, so it
 * leaves the chain as it was and has no edges. */
static void sem_pre(struct lw__thread *t, struct lw__lock *l, struct lw__acq_slow *a)
{
	a->recursive = find_held(t, l) != NULL;
	a->chain = lw__top_chain(t);
	a->stack = 0;
}

struct lw__acq_slow lw__acquire_pre_slow(struct lw__thread *t, struct lw__lock *l, int mode,
					 struct lw__site site)
{
	const struct lw__site *s = &site;
	struct lw__acq_slow acq = { 0, 0, 0, 0, 0, 0 }, *a = &acq;
	uint32_t tick = lw__load(&lw__tick);
	if (lw__unlikely(tick == LW__TICK_RESTART) && lw__hooks.forked_child_first_lock)
		lw__hooks.forked_child_first_lock(); /* first blocking lock of a forked child */
	/* readers do not block readers: only a write-held orphan blocks a read */
	if (lw__unlikely(l->orphan) && ((l->orphan & LW__ORPHAN_WRITE) || mode == LW__WRITE))
		lw__misuse_orphan(t, l, mode, s);
	struct lw__held *h;
	if (lw__unlikely(l->kind == LW__SEM)) {
		sem_pre(t, l, a);
		goto wait;
	}
	h = find_held(t, l);
	if (lw__unlikely(h != NULL) && lw__unlikely(held_stale(t, h))) {
		remove_held(t, h);
		h = NULL;
	}
	if (lw__unlikely(h != NULL)) {
		a->recursive = 1;
		if (!reentrant(l, h, mode))
			lw__misuse_self_deadlock(t, l, h, mode, s);
		return acq;
	}
	checked_chain(t, l, mode, 0, s, a);
wait:
	if (lw__unlikely(l->stats != NULL)) {
		a->contended = lw__load(&l->owner) != NULL;
		a->waited = 1;
		t->acq_t_ns = lw__now_ns();
	}
	lw__wait_begin(t, l, mode, 0, (uint64_t)lw__load(&lw__tick) | (uint64_t)a->stack << 32);
	return acq;
}

/* A recursive hold one deeper, or one less deep (returns the depth left).
 * The depth is count, and beyond UINT16_MAX count stays there and `deep`
 * holds the rest (glibc allows 2^32-1); deep is set when count reaches
 * UINT16_MAX, so whatever an earlier entry left there never counts. */
static void depth_up(struct lw__held *h)
{
	if (h->count < UINT16_MAX) {
		if (++h->count == UINT16_MAX)
			h->deep = 0;
	} else if (h->deep < UINT32_MAX) {
		h->deep++;
	}
	h->simple = 0;
}

static uint64_t depth_down(struct lw__held *h)
{
	if (h->count == UINT16_MAX && h->deep) {
		h->deep--;
		return (uint64_t)UINT16_MAX + h->deep;
	}
	return --h->count;
}

/* Record an acquisition made by the slow path or a try-acquire. */
static void acquired(struct lw__thread *t, struct lw__lock *l, int mode,
		     const struct lw__acq_slow *a)
{
	if (lw__unlikely(l->orphan))
		l->orphan = 0; /* it was unlocked after all, and is taken now */
	uint64_t now_ns = 0;
	if (lw__unlikely(l->stats != NULL)) {
		now_ns = lw__now_ns();
		lw__stats_acquired(l->stats, a->waited ? now_ns - t->acq_t_ns : 0,
				   a->waited && a->contended);
	}
	if (lw__unlikely(a->recursive)) {
		struct lw__held *h = find_held(t, l);
		if (h)
			depth_up(h);
		return;
	}
	int simple = l->kind != LW__SEM && l->stats == NULL;
	int i = lw__held_push(t, l, a->chain,
			      (uint64_t)lw__load(&lw__tick) | (uint64_t)a->stack << 32,
			      simple ? LW__HELD_PLAIN(mode) : (uint32_t)mode | 1u << 16,
			      mode == LW__WRITE && l->kind != LW__SEM);
	if (i >= 0)
		t->held_t_ns[i] = now_ns; /* read by this thread only */
}

void lw__acquire_post_slow(struct lw__thread *t, struct lw__lock *l, int mode, int rc,
			   struct lw__acq_slow a)
{
	lw__wait_end(t);
	if (lw__acquired(rc))
		acquired(t, l, mode, &a);
}

/* A try-acquire that took the lock: no edges, but remember how it was
 * taken (its own chain, so a try's chain never hides a blocking one's). */
void lw__try_acquired(struct lw__thread *t, struct lw__lock *l, int mode, struct lw__site s)
{
	struct lw__acq_slow a = { 0, 0, 0, 0, 0, 0 };
	a.recursive = find_held(t, l) != NULL;
	if (l->kind == LW__SEM)
		sem_pre(t, l, &a);
	else if (!a.recursive)
		checked_chain(t, l, mode, 1, &s, &a);
	acquired(t, l, mode, &a);
}

/* The site part of held entry k (see lw__chain_site). */
static uint64_t held_site(const struct lw__thread *t, unsigned k)
{
	return lw__chain_site(t->held[k].chain, k ? t->held[k - 1].chain : 0, t->held[k].lock);
}

/* Take entry h out of the held stack, re-hashing the chains above it. */
static void remove_held(struct lw__thread *t, struct lw__held *h)
{
	unsigned i = (unsigned)(h - t->held), n = t->n_held;
	if (lw__unlikely(h->lock->stats != NULL) && t->held_t_ns[i])
		lw__stats_released(h->lock->stats, lw__now_ns() - t->held_t_ns[i]);
	if (h->mode == LW__WRITE && lw__load(&h->lock->owner) == t)
		lw__store(&h->lock->owner, NULL);
	if (i + 1 == n) {
		lw__store_rel(&t->n_held, i);
		return;
	}
	uint64_t site[LW__MAX_HELD];
	for (unsigned k = i + 1; k < n; k++)
		site[k] = held_site(t, k);
	memmove(h, h + 1, (n - i - 1) * sizeof(*h));
	memmove(&t->held_t_ns[i], &t->held_t_ns[i + 1], (n - i - 1) * sizeof(t->held_t_ns[0]));
	lw__store_rel(&t->n_held, n - 1);
	for (unsigned k = i; k + 1 < n; k++) {
		struct lw__held *e = &t->held[k];
		uint64_t prev = k ? t->held[k - 1].chain : 0;
		e->chain = e->lock->kind == LW__SEM ? prev : lw__chain_rehash(prev, e->lock, site[k + 1]);
	}
}

void lw__release_slow(struct lw__thread *t, void *obj, struct lw__lock **cache, int kind,
		      struct lw__site site)
{
	const struct lw__site *s = &site;
	struct lw__held *h = NULL;
	struct lw__lock *l;
	for (unsigned i = t->n_held; i-- > 0 && !h;)
		if (t->held[i].lock->addr == obj)
			h = &t->held[i];
	if (!h) {
		l = cache ? lw__lock_cached(cache, obj, kind, site) : lw__lock_get(obj, kind, site);
		if (!l || l->kind == LW__SEM)
			return; /* a semaphore post that signals, not one that gives back */
		if (!t->overflow)
			lw__misuse_bad_unlock(t, l, s);
		else
			t->overflow--;
		return;
	}
	l = h->lock;
	if (lw__unlikely(h->count > 1)) {
		if (depth_down(h) == 1)
			h->simple = l->kind != LW__SEM && l->stats == NULL;
		return;
	}
	remove_held(t, h);
}

void lw__destroy_check(struct lw__thread *t, struct lw__lock *l, const struct lw__site *s)
{
	if (l->kind == LW__SEM)
		return; /* units are not owned: a signal semaphore is destroyed "held" */
	struct lw__held *h = find_held(t, l);
	if (h || lw__load(&l->owner))
		lw__misuse_destroy_held(t, l, h, s);
}

void lw__destroyed(struct lw__thread *t, const void *addr)
{
	struct lw__lock *l = lw__lock_find(addr);
	if (t && l) {
		struct lw__held *h = find_held(t, l);
		if (h)
			remove_held(t, h);
	}
	int saved = errno;
	lw__guard_enter();
	lw__lock_retire(addr);
	lw__guard_leave();
	errno = saved;
}

int lw__cond_release(struct lw__thread *t, struct lw__lock *l, struct lw__held *saved)
{
	struct lw__held *h = find_held(t, l);
	if (!h)
		return 0;
	*saved = *h;
	saved->chain = held_site(t, (unsigned)(h - t->held));
	remove_held(t, h);
	return 1;
}

void lw__cond_wait_begin(struct lw__thread *t, struct lw__lock *l, const struct lw__held *saved)
{
	lw__wait_begin(t, l, saved->mode, 1,
		       (uint64_t)lw__load(&lw__tick) | (uint64_t)saved->stack << 32);
}

void lw__cond_reacquire(struct lw__thread *t, struct lw__held *saved)
{
	lw__wait_end(t);
	struct lw__lock *l = saved->lock;
	int i = lw__held_push(t, l, lw__chain_rehash(lw__top_chain(t), l, saved->chain),
			      (uint64_t)lw__load(&lw__tick) | (uint64_t)saved->stack << 32,
			      saved->flags, saved->mode == LW__WRITE);
	if (i >= 0) {
		t->held[i].deep = saved->deep;
		t->held_t_ns[i] = l->stats ? lw__now_ns() : 0;
	}
}
