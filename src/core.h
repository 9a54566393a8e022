/* core.h - what happens around each lock call: the checks before a
 * blocking acquire (self-deadlock, lock-order edges), the bookkeeping after
 * it (the held stack), and the checks at unlock, destroy and
 * condition-variable waits.
 *
 * The fast path: the chain of locks a thread holds is hashed as it grows;
 * a chain this thread checked before is found in its chain cache and costs
 * a few loads and stores of thread-local state and of the lock's own
 * record. Only a chain never seen by the thread takes the slow path (stack
 * capture, graph update), under the guard. */
#ifndef LW_CORE_H
#define LW_CORE_H

#include "common.h"
#include "lock.h"
#include "thread.h"
#include "watchdog.h"

#include <errno.h>

/* State carried from lw__acquire_pre to lw__acquire_post by the caller. */
struct lw__acq {
	uint64_t chain;
	uint32_t stack;
	uint8_t recursive; /* re-acquire of a lock the thread holds */
	uint8_t contended; /* option stats: another thread held it when asked */
	uint8_t plain;     /* the fast path: no recursion, semaphore or stats */
	uint8_t pad;
};

/* The slow paths behind the inline fast paths below (core.c). The *_v
 * forms take the site and results by value: the fast path then never
 * takes their addresses and keeps them in registers, so the stores that
 * a lock call makes before glibc's atomic instruction (which waits for all
 * of them) stay few. */
struct lw__acq lw__acquire_pre_slow_v(struct lw__thread *t, struct lw__lock *l, int mode,
				      struct lw__site s);
void lw__acquire_post_slow_v(struct lw__thread *t, struct lw__lock *l, int mode, int ok,
			     int has_acq, struct lw__acq a, struct lw__site s);
void lw__release_slow_v(struct lw__thread *t, void *obj, struct lw__lock **cache, int kind,
			struct lw__site s);
uint32_t lw__slow_chain_v(struct lw__thread *t, struct lw__lock *l, int mode, struct lw__site s,
			  uint64_t chain);
void lw__acquire_pre_slow(struct lw__thread *t, struct lw__lock *l, int mode,
			  const struct lw__site *s, struct lw__acq *a);
void lw__acquire_post_slow(struct lw__thread *t, struct lw__lock *l, int mode, int ok,
			   struct lw__acq *a, const struct lw__site *s);
void lw__release_slow(struct lw__thread *t, void *obj, struct lw__lock **cache, int kind,
		      const struct lw__site *s);
uint32_t lw__slow_chain(struct lw__thread *t, struct lw__lock *l, int mode,
		       const struct lw__site *s, uint64_t chain, int edges);

/* The hash of a held chain extended by lock l at call site pc (never 0):
 * the chain so far rotated, each lock's random 64-bit key, the site, and
 * the mode in the top bits (code addresses stay below 2^47). Chains made of
 * different locks differ in their random keys; the same locks in another
 * order differ by the rotation; the same locks at another site by pc. */
static inline uint64_t lw__chain_next(uint64_t prev, const struct lw__lock *l, int mode,
				      int try_, uintptr_t pc)
{
	uint64_t h = ((prev << 7) | (prev >> 57)) ^ l->key ^ (uint64_t)pc ^
		     ((uint64_t)(mode << 1 | try_) << 60);
	return h | 1;
}

/* The chain hash of everything the thread holds (0: nothing). */
static inline uint64_t lw__top_chain(const struct lw__thread *t)
{
	return t->n_held ? t->held[t->n_held - 1].chain : 0;
}

static inline struct lw__held *lw__find_held(struct lw__thread *t, const struct lw__lock *l)
{
	for (unsigned i = t->n_held; i-- > 0;)
		if (t->held[i].lock == l)
			return &t->held[i];
	return NULL;
}

/* Before a blocking acquire: self-deadlock check, order edges (only for a
 * chain this thread has not seen), and "waiting for l". */
static inline struct lw__acq lw__acquire_pre(struct lw__thread *t, struct lw__lock *l, int mode,
					     const struct lw__site *s)
{
	struct lw__acq a;
	uint32_t tick = lw__load(&lw__tick);
	if (lw__unlikely(tick == LW__TICK_RESTART))
		lw__watchdog_restart(); /* first blocking lock of a forked child */
	if (lw__unlikely(l->kind == LW__SEM || l->stats != NULL || l->orphan ||
			 lw__find_held(t, l) != NULL))
		return lw__acquire_pre_slow_v(t, l, mode, *s);
	uint64_t c = lw__chain_next(lw__top_chain(t), l, mode, 0, s->pc);
	unsigned slot = c & (LW__CHAIN_CACHE - 1);
	a.chain = c;
	a.recursive = 0;
	a.contended = 0;
	a.plain = 1;
	a.pad = 0;
	if (lw__likely(t->cache_key[slot] == c))
		a.stack = t->cache_stack[slot];
	else
		a.stack = lw__slow_chain_v(t, l, mode, *s, c);
	lw__wait_begin(t, l, mode, 0, tick, a.stack);
	return a;
}

/* After an acquire (a == NULL for a try-acquire, which adds no edge). */
static inline void lw__acquire_post(struct lw__thread *t, struct lw__lock *l, int mode, int ok,
				    struct lw__acq *a, const struct lw__site *s)
{
	if (lw__likely(a != NULL))
		lw__wait_end(t);
	if (lw__unlikely(!ok))
		return;
	if (lw__unlikely(a == NULL || !a->plain || t->n_held == LW__MAX_HELD)) {
		struct lw__acq none = { 0, 0, 0, 0, 0, 0 };
		lw__acquire_post_slow_v(t, l, mode, ok, a != NULL, a ? *a : none, *s);
		return;
	}
	struct lw__held *h = &t->held[t->n_held];
	h->lock = l;
	h->chain = a->chain;
	h->stack = a->stack;
	h->tick = (uint32_t)t->wait_when;
	h->mode = (uint8_t)mode;
	h->simple = 1;
	h->count = 1;
	h->pc = s->pc;
	lw__store_rel(&t->n_held, t->n_held + 1);
	if (mode == LW__WRITE)
		lw__store(&l->owner, t);
}

/* Before an unlock of obj: pop it from the held stack. The common case, the
 * innermost lock, needs no lookup at all. */
static inline void lw__release(struct lw__thread *t, void *obj, struct lw__lock **cache, int kind,
			       const struct lw__site *s)
{
	unsigned n = t->n_held;
	if (lw__likely(n != 0)) {
		struct lw__held *h = &t->held[n - 1];
		struct lw__lock *l = h->lock;
		if (lw__likely(l->addr == obj && h->simple)) {
			if (h->mode == LW__WRITE && lw__load(&l->owner) == t)
				lw__store(&l->owner, NULL);
			lw__store_rel(&t->n_held, n - 1);
			return;
		}
	}
	lw__release_slow_v(t, obj, cache, kind, *s);
}

/* Before destroy; after a successful destroy call lw__destroyed(). */
void lw__destroy_check(struct lw__thread *t, struct lw__lock *l, const struct lw__site *s);
void lw__destroyed(struct lw__thread *t, const void *addr);

/* Condition-variable wait: the mutex is released before and re-held after,
 * with no order edge. `saved` carries the held entry across the wait. */
int lw__cond_release(struct lw__thread *t, struct lw__lock *l, struct lw__held *saved);
/* While in the wait the thread cannot return without the mutex: for the
 * deadlock check it waits for it (never a long wait: it waits for a
 * signal). lw__cond_reacquire() ends it. */
void lw__cond_wait_begin(struct lw__thread *t, struct lw__lock *l, const struct lw__held *saved);
void lw__cond_reacquire(struct lw__thread *t, struct lw__held *saved);

/* Fork: the lock of the misuse reports' de-duplication set. */
void lw__core_atfork_prepare(void);
void lw__core_atfork_parent(void);
void lw__core_atfork_child(void);

/* Did a pthread/sem call with this result acquire the lock? */
static inline int lw__acquired(int rc)
{
	return rc == 0 || rc == EOWNERDEAD;
}

#endif
