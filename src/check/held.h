/* held.h - what happens around each lock call: the checks before a
 * blocking acquire (self-deadlock, lock-order edges), the bookkeeping after
 * it (the held stack), and the checks at unlock, destroy and
 * condition-variable waits.
 *
 * The fast path: the chain of locks a thread holds is hashed as it grows;
 * a chain this thread checked before is found in its chain cache and costs
 * a few loads and stores of thread-local state and of the lock's own
 * record. Only a chain never seen by the thread takes the slow path (stack
 * capture, graph update), under the guard. */
#ifndef LW_HELD_H
#define LW_HELD_H

#include "common.h"
#include "alloc.h"
#include "hooks.h"
#include "chains.h"
#include "lock.h"
#include "thread.h"

#include <errno.h>

/* Did a pthread/sem call with this result acquire the lock? */
static inline int lw__acquired(int rc)
{
	return rc == 0 || rc == EOWNERDEAD;
}

/* The fast path's state across the real call: two registers. */
struct lw__acq {
	uint64_t chain; /* the chain with the lock on top */
	uint64_t when;  /* tick | stack << 32, as in lw__held */
};

/* The slow path's state across the real call (16 bytes: registers too). */
struct lw__acq_slow {
	uint64_t chain;
	uint32_t stack;
	uint8_t recursive; /* re-acquire of a lock the thread holds */
	uint8_t contended; /* option stats: another thread held it when asked */
	uint8_t waited;    /* option stats: acq_t_ns was set */
	uint8_t pad;
};

/* A timed acquire (pthread_mutex_timedlock, the clock variants,
 * mtx_timedlock, sem_timedwait, ...) gives up at its deadline: its slow
 * twin alone passes this bit with the mode to lw__acquire_pre_slow (the
 * fast path never sees it), and the order check marks its edges timed. */
#define LW__ACQ_TIMED 0x100
/* The first acquisition of a lock the thread initialised holding what it
 * holds now: no other thread can have taken it yet (unless the program
 * shared it before locking it), so it cannot block; the held stack's
 * check passes this bit to the order check, which marks its edges fresh. */
#define LW__ACQ_FRESH 0x200
#define LW__ACQ_MODE(m) ((m) & 0xff)

/* Inside the check layer (held.c, reset.c): t's entry for l, or NULL; and
 * entry h taken out of t's held stack, the chains above it re-hashed. */
struct lw__held *lw__held_find(struct lw__thread *t, const struct lw__lock *l);
void lw__held_remove(struct lw__thread *t, struct lw__held *h);

/* t initialised the lock at obj: remembered with the chain t holds now
 * and when its top entry was taken (when it holds any), for that lock's
 * first acquisition (LW__ACQ_FRESH): the same top entry then, not one
 * taken again since (at another tick or from another stack). */
static inline void lw__held_made(struct lw__thread *t, const void *obj)
{
	unsigned n = lw__held_depth(t);
	t->made = n ? obj : NULL;
	t->made_chain = n ? lw__held_at(t, n - 1)->chain : 0;
	t->made_when = n ? lw__held_at(t, n - 1)->when : 0;
}

/* The slow paths behind the inline fast paths below (held.c). The site
 * goes by value: two words, in registers, so the fast path never stores it
 * to memory. (Stores before glibc's atomic instruction are what the fast
 * path pays for most: the atomic waits for all of them.) */
struct lw__acq_slow lw__acquire_pre_slow(struct lw__thread *t, struct lw__lock *l, int mode,
					 struct lw__site s); /* mode | LW__ACQ_TIMED */
void lw__acquire_post_slow(struct lw__thread *t, struct lw__lock *l, int mode, int rc,
			   struct lw__acq_slow a);
void lw__try_acquired(struct lw__thread *t, struct lw__lock *l, int mode, struct lw__site s);
void lw__release_slow(struct lw__thread *t, void *obj, struct lw__lock **cache, int kind,
		      struct lw__site s);

/* The hash of a held chain extended by lock l at call site pc (never 0):
 * the chain so far rotated, each lock's random 64-bit key, the site, and
 * the mode in the top bits (code addresses stay below 2^47). Chains made of
 * different locks differ in their random keys; the same locks in another
 * order differ by the rotation; the same locks at another site by pc. */
static inline uint64_t lw__rotl7(uint64_t x)
{
	return (x << 7) | (x >> 57);
}

static inline uint64_t lw__chain_next(uint64_t prev, const struct lw__lock *l, int mode,
				      int try_, uintptr_t pc)
{
	return (lw__rotl7(prev) ^ l->key ^ (uint64_t)pc ^ ((uint64_t)(mode << 1 | try_) << 60)) | 1;
}

/* A held entry keeps no call site: its site part (pc and mode bits, bit 0
 * aside, which the hash sets anyway) is recovered from the chain, and a
 * chain is re-hashed over a new prefix with it. */
static inline uint64_t lw__chain_site(uint64_t chain, uint64_t prev, const struct lw__lock *l)
{
	return chain ^ lw__rotl7(prev) ^ l->key;
}

static inline uint64_t lw__chain_rehash(uint64_t prev, const struct lw__lock *l, uint64_t site)
{
	return (lw__rotl7(prev) ^ l->key ^ site) | 1;
}

/* The chain of held entry e (not a semaphore unit's: that one is the
 * chain below it) once an entry below it is gone: re-hashed from the
 * chain below it then (prev_old) to the one now (prev_new). */
static inline uint64_t lw__chain_moved(const struct lw__held *e, uint64_t prev_old,
				       uint64_t prev_new)
{
	return lw__chain_rehash(prev_new, e->lock, lw__chain_site(e->chain, prev_old, e->lock));
}

static inline struct lw__held *lw__find_held(struct lw__thread *t, const struct lw__lock *l)
{
	for (unsigned i = t->n_held; i-- > 0;)
		if (t->held[i].lock == l)
			return &t->held[i];
	return NULL;
}

/* Can an acquire of l go the fast way at all? A live lock of this kind,
 * not a semaphore, not orphaned, no stats, not in a forked child whose
 * watchdog waits; when by_addr (a constant: l came from the thread's
 * address cache), the lock at addr (checked after its state: the record
 * may have been reused). That the thread does not hold it already,
 * lw__pre_chain checks. */
static LW__ALWAYS_INLINE int lw__pre_usable(struct lw__lock *l, int kind, uint32_t tick,
					    int by_addr, const void *addr)
{
	return !lw__unlikely(kind == LW__SEM || !lw__lock_plain(l, kind) ||
			     (by_addr && lw__differs((const uint64_t *)(const void *)&l->addr, (uintptr_t)addr)) ||
			     tick == LW__TICK_RESTART);
}

/* The acquire goes the fast way on chain c, taken by stack st: the two
 * values kept across the real call, and "waiting for l". */
static LW__ALWAYS_INLINE void lw__pre_begin(struct lw__thread *t, struct lw__lock *l, int mode,
					    uint64_t c, uint32_t tick, uint32_t st,
					    struct lw__acq *a)
{
	a->chain = c;
	a->when = (uint64_t)tick | (uint64_t)st << 32;
	lw__wait_begin(t, l, mode, 0, a->when);
}

/* Chains kept with the locks (model/lock.h): does a slot (tag, high half)
 * hold chain c, both halves? */
static LW__ALWAYS_INLINE int lw__kept_match(uint64_t tag, uint32_t hi, uint64_t c)
{
	return (uint32_t)tag == (uint32_t)c && hi == (uint32_t)(c >> 32);
}

/* The chain taking l now makes, into *c, and whether it is kept with l
 * (on top) or with the top held lock (above it): 1 (its stack id into
 * *st), 0 (not kept: *c still set), or -1 when the thread holds l already
 * (nothing set). A held entry a signal handler's pop left without its
 * lock (lw__held_clear) keeps nothing. A try-acquire's chain (try_ = 1, a
 * constant) is another chain, kept the same way. With nothing held (a
 * lock table's every call) there is no held stack to search and no order
 * to check: only the stack to find, and the low half is enough (another
 * chain of l with the same low half, one in 2^32, would only lend its
 * stack). */
static LW__ALWAYS_INLINE int lw__pre_chain(struct lw__thread *t, const struct lw__lock *l,
					   int mode, int try_, uintptr_t pc, uint64_t *c,
					   uint32_t *st)
{
	uint64_t tag;
	unsigned n = t->n_held;
	if (lw__likely(n == 0)) {
		*c = lw__chain_next(0, l, mode, try_, pc);
		tag = lw__load(&l->top_tag);
		if ((uint32_t)tag != (uint32_t)*c)
			return 0;
		goto hit;
	}
	if (lw__unlikely(lw__find_held(t, l) != NULL))
		return -1;
	const struct lw__held *h = &t->held[n - 1];
	*c = lw__chain_next(h->chain, l, mode, try_, pc);
	/* above the top held lock first: a lock taken under many others (a
	 * striped table's global lock) has its chain there */
	const struct lw__lock *p = h->lock;
	if (lw__likely(p != NULL)) {
		tag = lw__load(&p->above_tag);
		if (lw__likely(lw__kept_match(tag, lw__load(&p->above_hi), *c)))
			goto hit;
	}
	tag = lw__load(&l->top_tag);
	if (!lw__kept_match(tag, lw__load(&l->top_hi), *c))
		return 0;
hit:
	*st = (uint32_t)(tag >> 32);
	return 1;
}

static inline void lw__keep_in(uint64_t *tag_p, uint32_t *hi_p, uint64_t tag, uint32_t hi)
{
	if (lw__load(tag_p) != tag || lw__load(hi_p) != hi) {
		lw__store(tag_p, tag);
		lw__store(hi_p, hi);
	}
}

/* Keep validated chain c (the acquirer's own, of a blocking acquire or a try, made
 * by taking l with the thread's held stack as it is) with l and with the
 * top held lock, with its stack id: the last one wins. Not for a full
 * inline stack, whose chains the fast path never takes. */
static inline void lw__keep_chain(const struct lw__thread *t, struct lw__lock *l, uint64_t c,
				  uint32_t st)
{
	uint64_t tag = (uint64_t)st << 32 | (uint32_t)c;
	uint32_t hi = (uint32_t)(c >> 32);
	unsigned n = t->n_held;
	if (n >= LW__MAX_HELD)
		return;
	lw__keep_in(&l->top_tag, &l->top_hi, tag, hi);
	struct lw__lock *p = n ? t->held[n - 1].lock : NULL;
	if (p)
		lw__keep_in(&p->above_tag, &p->above_hi, tag, hi);
}

/* Before a blocking acquire, the fast path: lw__pre_usable, on a chain
 * kept with the lock or the top held one (lw__pre_chain). Marks "waiting
 * for l" and returns 1; anything else returns 0 having done nothing, and
 * the caller takes the slow path (lw__acquire_pre_slow). */
static LW__ALWAYS_INLINE int lw__acquire_pre(struct lw__thread *t, struct lw__lock *l, int kind, int mode,
				  uintptr_t pc, int by_addr, const void *addr,
				  struct lw__acq *a)
{
	uint32_t tick = lw__load(&lw__tick);
	uint64_t c;
	uint32_t st;
	if (!lw__pre_usable(l, kind, tick, by_addr, addr) ||
	    lw__unlikely(lw__pre_chain(t, l, mode, 0, pc, &c, &st) <= 0))
		return 0;
	lw__pre_begin(t, l, mode, c, tick, st, a);
	return 1;
}

/* The idle watchdog wanted from a lock call of t (lw__watchdog_want):
 * not while t holds a lock when the program brings its own allocator
 * (lw__alloc_foreign): starting a thread allocates through the program's
 * malloc (glibc's pthread_create: the new thread's TLS block), which
 * would wait for good for the heap lock t may hold. A later lock call
 * with nothing held, a thread's first, or a join starts it
 * (ways_alloc_watchdog_start). */
static inline void lw__held_want(const struct lw__thread *t, int always)
{
	if (lw__unlikely(lw__load(&lw__watchdog_idle)) && (!lw__alloc_foreign || t->n_held == 0))
		lw__watchdog_want(always);
}

/* Chain key checked by this thread (its chain cache) or by any (the
 * process's table of validated chains, model/chains.h: one inline probe,
 * then into the thread's cache): 1 and its stack id into *st; else 0. */
static LW__ALWAYS_INLINE int lw__known_chain(struct lw__thread *t, uint64_t key, uint32_t *st)
{
	unsigned slot = key & (LW__CHAIN_CACHE - 1);
	if (t->chains[slot].key == key) {
		*st = t->chains[slot].stack;
		return 1;
	}
	if (!lw__chains_find(key, st))
		return 0;
	t->chains[slot].key = key;
	t->chains[slot].stack = *st;
	return 1;
}

/* The checks of lw__acquire_pre, for the slow twins (the fast path
 * missed) and for a try that took its lock (try_ = 1, a constant): 1 with
 * the tick, the chain and its stack id, else 0; a new thread's first lock
 * call comes here. A chain not kept with the locks is looked up in the thread's
 * chain cache, then in the process's table of validated chains
 * (model/chains.h), one inline probe, and kept (lw__keep_chain) and
 * cached; so a chain another thread checked, or one another chain
 * displaced, still goes the fast way, with the chain computed once. (A
 * thread holding LW__MAX_HELD locks has deeper chains under other keys:
 * the slow path's.) */
static LW__ALWAYS_INLINE int lw__chain_any(struct lw__thread *t, struct lw__lock *l, int kind,
					    int mode, int try_, uintptr_t pc, uint32_t *tick,
					    uint64_t *c, uint32_t *st)
{
	*tick = lw__load(&lw__tick);
	lw__held_want(t, 0);
	if (!lw__pre_usable(l, kind, *tick, 0, NULL))
		return 0;
	int kept = lw__pre_chain(t, l, mode, try_, pc, c, st);
	if (lw__likely(kept > 0))
		return 1;
	if (kept < 0 || t->n_held >= LW__MAX_HELD || !lw__known_chain(t, *c, st))
		return 0;
	lw__keep_chain(t, l, *c, *st);
	return 1;
}

/* lw__acquire_pre for the slow twins: lw__chain_any, then "waiting for l". */
static LW__ALWAYS_INLINE int lw__acquire_pre_any(struct lw__thread *t, struct lw__lock *l, int kind,
				      int mode, uintptr_t pc, struct lw__acq *a)
{
	uint32_t tick, st;
	uint64_t c;
	if (!lw__chain_any(t, l, kind, mode, 0, pc, &tick, &c, &st))
		return 0;
	lw__pre_begin(t, l, mode, c, tick, st, a);
	return 1;
}

/* Write held entry h: its chain first, then the rest. */
static inline void lw__held_write(struct lw__held *h, struct lw__lock *l, uint64_t chain,
				  uint64_t when, uint32_t flags)
{
	h->chain = chain;
	lw__signal_fence();
	h->lock = l;
	h->when = when;
	h->flags = flags;
}

/* A popped entry keeps no lock. A signal handler's lock call that came
 * while this thread was writing an entry (lw__held_push) wrote its own
 * entry in that slot and popped it; until the writer finds out and writes
 * its entry again, that slot is published with whatever the handler's pop
 * left there: no lock, which every reader skips (lw__held_live). Were the
 * handler's lock left there, a second handler call would find it held
 * (a false self-deadlock, or a "stale" entry removed with the writer's
 * own below it: its lock lost, then a false bad_unlock). */
static inline void lw__held_clear(struct lw__held *h)
{
	lw__store(&h->lock, (struct lw__lock *)NULL);
}

/* Pop top entry h of an inline stack n deep: the count first, then the
 * entry cleared, so a signal handler's lock call in between (a sem_post
 * is async-signal-safe) never finds a counted top entry without its lock
 * (it read that entry's lock, NULL, and crashed). One the handler pushed
 * over it meanwhile and left there (a sem_trywait that took its
 * semaphore) is cleared with it: a counted entry without a lock, which
 * every reader skips. (An entry can also be counted without its lock for
 * a moment while lw__held_push writes it again: readers of the top entry
 * check its lock.) */
static inline void lw__held_pop(struct lw__thread *t, struct lw__held *h, unsigned n)
{
	lw__store_rel(&t->n_held, n - 1);
	lw__signal_fence();
	lw__held_clear(h);
}

static inline int lw__held_live(const struct lw__held *h)
{
	return lw__load(&h->lock) != NULL;
}

/* Write held entry n, publish it, and own l when `own`; signal-safe. */
static LW__ALWAYS_INLINE void lw__held_put(struct lw__thread *t, unsigned n, struct lw__lock *l,
					   uint64_t chain, uint64_t when, uint32_t flags, int own)
{
	struct lw__held *h = &t->held[n];
	lw__held_write(h, l, chain, when, flags);
	lw__store_rel(&t->n_held, n + 1);
	lw__signal_fence();
	/* A signal handler's lock call made while the entry was being written
	 * (before it was published) pushed its own entry in this slot and
	 * popped it (leaving no lock: lw__held_clear). The chain, written
	 * first, tells: one that came after it changed it (one before was
	 * written over whole); the entry is then written again, in place. */
	if (lw__unlikely(lw__differs(&h->chain, chain)))
		lw__held_write(h, l, chain, when, flags);
	if (own)
		lw__store(&l->owner, t);
}

/* Push a held entry (lw__held_put): its index, or -1 when the stack is
 * full (counted). Nothing held (a lock table's every call): a copy of its
 * own, at a constant place. */
static inline int lw__held_push(struct lw__thread *t, struct lw__lock *l, uint64_t chain,
				uint64_t when, uint32_t flags, int own)
{
	unsigned n = t->n_held;
	if (lw__likely(n == 0)) {
		lw__held_put(t, 0, l, chain, when, flags, own);
		return 0;
	}
	if (lw__unlikely(n == LW__MAX_HELD)) {
		t->overflow++;
		return -1;
	}
	lw__held_put(t, n, l, chain, when, flags, own);
	return (int)n;
}

/* After the real call, for an acquire whose lw__acquire_pre returned 1:
 * the hold pushed before the wait ends, so that a fork in between finds
 * one of them (model/thread.c's window_orphan). */
static inline void lw__acquire_post(struct lw__thread *t, struct lw__lock *l, int mode, int rc,
				    const struct lw__acq *a)
{
	if (lw__likely(lw__acquired(rc)))
		lw__held_push(t, l, a->chain, a->when, LW__HELD_PLAIN(mode), mode == LW__WRITE);
	lw__wait_end(t);
}

/* After a try-acquire took l, the fast way: what lw__try_acquired does for
 * a chain checked before (kept with the locks, in the thread's chain
 * cache or the process's table; then kept with the locks): the held
 * entry pushed, no edge (a try never blocks). 0, having done nothing,
 * for anything else (a lock the thread holds already, a semaphore,
 * stats, an orphan, a chain never checked): the caller calls
 * lw__try_acquired. */
static LW__ALWAYS_INLINE int lw__try_fast(struct lw__thread *t, struct lw__lock *l, int kind,
					  int mode, uintptr_t pc)
{
	uint32_t tick, st;
	uint64_t c;
	if (!lw__chain_any(t, l, kind, mode, 1, pc, &tick, &c, &st))
		return 0;
	lw__held_push(t, l, c, (uint64_t)tick | (uint64_t)st << 32, LW__HELD_PLAIN(mode),
		      mode == LW__WRITE);
	return 1;
}

/* An unlock of obj held just below the innermost lock (hand-over-hand
 * locking: take the next, let go of the one before), both simple: what
 * the slow path's removal does (check/held.c remove_held), in the same
 * order of stores: the top entry moves down over obj's, its chain
 * re-hashed over the entries below, then the stack shrinks. 1, or 0
 * having done nothing. */
static inline int lw__release_below(struct lw__thread *t, void *obj, unsigned n)
{
	struct lw__held *h = &t->held[n - 2], *top = &t->held[n - 1];
	struct lw__lock *l = h->lock;
	if (!(l && top->lock && l->addr == obj && h->simple && top->simple))
		return 0;
	if (h->mode == LW__WRITE && lw__load(&l->owner) == t)
		lw__store(&l->owner, NULL);
	lw__store(&t->released, (uintptr_t)l);
	struct lw__held e = *top;
	e.chain = lw__chain_moved(&e, h->chain, n > 2 ? t->held[n - 3].chain : 0);
	*h = e;
	lw__held_pop(t, top, n);
	return 1;
}

/* Before an unlock of obj, the fast path: pop the innermost lock, with no
 * lookup at all, and return 1; else 0, having done nothing (the caller's
 * slow way tries lw__release_below first: kept out of here, so this
 * path saves no registers). No copy for one lock held (as the push's for
 * none): a nested pair's unlocks took it in turn, 1 ns slower. */
static LW__ALWAYS_INLINE int lw__release(struct lw__thread *t, void *obj)
{
	unsigned n = t->n_held;
	if (lw__likely(n != 0)) {
		struct lw__held *h = &t->held[n - 1];
		struct lw__lock *l = h->lock;
		if (lw__likely(l != NULL && l->addr == obj && h->simple)) {
			if (h->mode == LW__WRITE && lw__load(&l->owner) == t)
				lw__store(&l->owner, NULL);
			lw__store(&t->released, (uintptr_t)l);
			lw__held_pop(t, h, n);
			return 1;
		}
	}
	return 0;
}

/* Before a destroy (destroy_held) or an init (init_held) of l: report it
 * when l is held. After a successful destroy call lw__destroyed(). */
void lw__reset_check(struct lw__thread *t, struct lw__lock *l, int destroy,
		     const struct lw__site *s);
void lw__destroyed(struct lw__thread *t, const void *addr);
/* In a fork's child, for the forking thread t: the process-shared locks
 * it held are still held by the parent, not by the child: forgotten. */
void lw__held_atfork_child(struct lw__thread *t);

/* Condition-variable wait: the mutex is released before and re-held after,
 * with no order edge. `saved` carries the held entry across the wait, its
 * chain replaced by the entry's site part (lw__chain_site). */
int lw__cond_release(struct lw__thread *t, struct lw__lock *l, struct lw__held *saved);
/* While in the wait the thread cannot return without the mutex: for the
 * deadlock check it waits for it (never a long wait: it waits for a
 * signal). lw__cond_reacquire() ends it. */
void lw__cond_wait_begin(struct lw__thread *t, struct lw__lock *l, const struct lw__held *saved);
void lw__cond_reacquire(struct lw__thread *t, struct lw__held *saved);

#endif
