/* held.c - the slow paths of held.h: the held-lock bookkeeping around each
 * lock call that the inline fast path does not cover, and the checks made
 * there (lock order: order.c; misuse reports: misuse.c). */
#include "held.h"
#include "chains.h"
#include "hooks.h"
#include "misuse.h"
#include "order.h"
#include "stack.h"
#include "stats.h"

#include <errno.h>
#include <semaphore.h>
#include <string.h>

#define chain_next lw__chain_next
#define find_held lw__held_find
#define remove_held lw__held_remove

/* The slow paths see the whole held stack: the inline array, then the deep
 * entries (model/thread.h). While the inline array is full, the entry on
 * top of it is never `simple` when deep entries lie above it (seal), and a
 * chain checked then is cached under another key (DEEP_KEY, even, so the
 * key stays odd), one the fast path never computes: so the fast path,
 * which sees only the inline array, never acquires or releases there. */
#define DEEP_KEY 0x5bd1e9955bd1e994ull

struct lw__held *lw__held_find(struct lw__thread *t, const struct lw__lock *l)
{
	for (unsigned k = lw__held_depth(t); k-- > 0;)
		if (lw__held_at(t, k)->lock == l)
			return lw__held_at(t, k);
	return NULL;
}

static unsigned held_index(const struct lw__thread *t, const struct lw__held *h)
{
	if (h >= t->held && h < t->held + LW__MAX_HELD)
		return (unsigned)(h - t->held);
	return LW__MAX_HELD + (unsigned)((const struct lw__held_more *)(const void *)h - t->more);
}

/* Entry k's option-stats time. */
static uint64_t *held_t_ns(struct lw__thread *t, unsigned k)
{
	return k < LW__MAX_HELD ? &t->held_t_ns[k] : &t->more[k - LW__MAX_HELD].t_ns;
}

static uint64_t top_chain(struct lw__thread *t)
{
	unsigned n = lw__held_depth(t);
	return n ? lw__held_at(t, n - 1)->chain : 0;
}

/* The top inline entry is simple only with nothing above it. */
static void seal(struct lw__thread *t)
{
	if (t->n_held < LW__MAX_HELD)
		return;
	struct lw__held *h = &t->held[LW__MAX_HELD - 1];
	const struct lw__lock *l = lw__load(&h->lock); /* once: lw__release_slow */
	if (!l)
		return;
	h->simple = !t->n_more && h->count == 1 && l->kind != LW__SEM && !l->counted;
}

/* Pop the entries without a lock off the top of the inline stack. */
static void drop_holes(struct lw__thread *t)
{
	unsigned n;
	while ((n = t->n_held) != 0 && n <= LW__MAX_HELD && !lw__held_live(lw__held_at(t, n - 1)))
		lw__held_pop(t, lw__held_at(t, n - 1), n);
}

/* A semaphore's entry below the top is cleared where it is, not removed:
 * the post that gives it back may be a signal handler's, made while the
 * thread is in a lock call on the entries above it (a pop, a push), which
 * entries moved down under it would leave wrong (a popped lock still
 * held: a false cycle). It counts in no chain (sem_pre), so the chains
 * above stay right; every reader skips an entry without its lock, and
 * the thread's next removal or semaphore call pops it once on top. */
static void clear_in_place(struct lw__thread *t, struct lw__held *h)
{
	lw__held_clear(h);
	drop_holes(t);
}

/* Push an entry on top of the whole held stack: inline, else a deep one
 * (its array grown under the guard). Returns its stats-time slot, or NULL
 * when out of memory (the acquisition is counted, not tracked). */
static uint64_t *push_any(struct lw__thread *t, struct lw__lock *l, uint64_t chain,
			  uint64_t when, uint32_t flags, int own)
{
	if (t->n_held < LW__MAX_HELD)
		return &t->held_t_ns[lw__held_push(t, l, chain, when, flags, own)];
	int saved = errno;
	lw__guard_enter();
	int room = lw__thread_more_room(t);
	lw__guard_leave();
	errno = saved;
	if (room < 0) {
		t->overflow++;
		return NULL;
	}
	struct lw__held_more *m = &t->more[t->n_more];
	lw__held_write(&m->h, l, chain, when, flags);
	m->h.count_extra = 0;
	m->t_ns = 0;
	lw__store_rel(&t->n_more, t->n_more + 1);
	lw__signal_fence();
	if (lw__differs(&m->h.chain, chain)) { /* a handler's entry (lw__held_push) */
		lw__held_write(&m->h, l, chain, when, flags);
		m->h.count_extra = 0;
		m->t_ns = 0;
	}
	if (own)
		lw__store(&l->owner, t);
	seal(t);
	return &m->t_ns;
}

/* May the holder take it again without blocking? */
static int reentrant(const struct lw__lock *l, const struct lw__held *h, int mode)
{
	if (l->kind == LW__MUTEX)
		return lw__lock_mutex_type(l) == PTHREAD_MUTEX_RECURSIVE;
	if (l->kind == LW__RWLOCK) /* a writer queued in between blocks the
				    * second read of a writer-preferring lock */
		return mode == LW__READ && h->mode == LW__READ && !lw__lock_prefers_writers(l);
	return 0;
}

/* The slow path: a chain no thread has checked. Capture the stack, add an
 * edge from every held lock (when `edges`), remember the chain, in the
 * thread's cache and in the process's table of validated chains. `mode`
 * may carry LW__ACQ_TIMED (checked_chain's too). */
static uint32_t slow_chain(struct lw__thread *t, struct lw__lock *l, int mode,
			   const struct lw__site *s, uint64_t key, int edges)
{
	int saved = errno;
	lw__guard_enter();
	t->n_slow++;
	if (!lw__load(&l->seen) && l->kind != LW__SEM)
		lw__store(&l->seen, 1);
	uint32_t st = lw__stack_capture(s);
	if (edges && lw__held_depth(t))
		lw__order_check(t, l, mode, st);
	else if (mode & LW__ACQ_TIMED)
		lw__order_timed(st);
	lw__chains_add(key, st);
	t->chains[key & (LW__CHAIN_CACHE - 1)].key = key;
	t->chains[key & (LW__CHAIN_CACHE - 1)].stack = st;
	lw__guard_leave();
	errno = saved;
	return st;
}

/* The chain that taking l now makes, into a->chain, and the stack that took
 * it, into a->stack: from the thread's chain cache, else the process's
 * table of validated chains, else by the slow path (with order edges for a
 * blocking acquire, none for a try). The inline fast path in held.h does
 * the first for a cached chain, with its values in registers. */
static void checked_chain(struct lw__thread *t, struct lw__lock *l, int mode, int try_,
			  const struct lw__site *s, struct lw__acq_slow *a)
{
	uint64_t top = top_chain(t);
	/* the first acquisition of a lock this thread made holding what it
	 * holds now (LW__ACQ_FRESH): its chain is kept as a try's, so a later
	 * acquisition of it under the same locks, which may block, is checked
	 * again and its edges lose the mark */
	int fresh = 0;
	if (lw__unlikely(t->reinit == l->addr))
		t->reinit = NULL; /* made again, and taken again: its unlock is right */
	if (lw__unlikely(t->made != NULL) && t->made == l->addr) {
		fresh = !try_ && top && top == t->made_chain && !lw__load(&l->seen) &&
			lw__held_at(t, lw__held_depth(t) - 1)->when == t->made_when;
		t->made = NULL;
	}
	uint64_t c = chain_next(top, l, LW__ACQ_MODE(mode), try_ | fresh, s->pc);
	uint64_t key = t->n_held == LW__MAX_HELD ? c ^ DEEP_KEY : c;
	a->chain = c;
	if (!lw__known_chain(t, key, &a->stack))
		a->stack = slow_chain(t, l, mode | (fresh ? LW__ACQ_FRESH : 0), s, key, !try_);
	if (key == c && lw__held_depth(t) < LW__MAX_HELD)
		lw__keep_chain(t, l, c, a->stack);
}


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
	drop_holes(t);
	a->recursive = find_held(t, l) != NULL;
	a->chain = top_chain(t);
	a->stack = 0;
}

/* One thread alone waiting on an empty semaphore may wait for good (a
 * semaphore that will not block needs no watchdog). */
static void sem_wanted(const struct lw__thread *t, struct lw__lock *l)
{
	int v;
	if (lw__unlikely(lw__load(&lw__watchdog_idle)) &&
	    (sem_getvalue((sem_t *)(uintptr_t)lw__load(&l->addr), &v) != 0 || v <= 0))
		lw__held_want(t, 1);
}

struct lw__acq_slow lw__acquire_pre_slow(struct lw__thread *t, struct lw__lock *l, int mode,
					 struct lw__site site)
{
	const struct lw__site *s = &site;
	struct lw__acq_slow acq = { 0, 0, 0, 0, 0, 0 }, *a = &acq;
	int how = mode; /* with LW__ACQ_TIMED, for the order check */
	mode = LW__ACQ_MODE(mode);
	uint32_t tick = lw__load(&lw__tick);
	/* a forked child's first blocking lock (held.h's lw__held_want: not
	 * with an allocator's lock held) */
	if (lw__unlikely(tick == LW__TICK_RESTART) && lw__hooks.forked_child_first_lock &&
	    (!lw__alloc_foreign || t->n_held == 0))
		lw__hooks.forked_child_first_lock();
	lw__held_want(t, 0);
	/* readers do not block readers: only a write-held orphan blocks a
	 * read; a timed acquire returns ETIMEDOUT, no deadlock */
	if (lw__unlikely(l->orphan) && ((l->orphan & LW__ORPHAN_WRITE) || mode == LW__WRITE) &&
	    !(how & LW__ACQ_TIMED))
		lw__misuse_orphan(t, l, mode, s);
	struct lw__held *h;
	if (lw__unlikely(l->kind == LW__SEM)) {
		sem_wanted(t, l);
		sem_pre(t, l, a);
		goto wait;
	}
	h = find_held(t, l);
	/* stale: another thread unlocked it (reported then), or the lock is
	 * free, let go where lockwatch could not see (not a self-deadlock) */
	if (lw__unlikely(h != NULL) &&
	    lw__unlikely(held_stale(t, h) || (h->mode == LW__WRITE && lw__lock_free_now(l)))) {
		remove_held(t, h);
		h = NULL;
	}
	if (lw__unlikely(h != NULL)) {
		a->recursive = 1;
		if (reentrant(l, h, mode))
			return acq;
		lw__misuse_self_deadlock(t, l, h, mode, how & LW__ACQ_TIMED, s);
		/* a second read of a writer-preferring rwlock blocks only behind a
		 * queued writer: a wait the deadlock search must see */
		if (l->kind == LW__RWLOCK && mode == LW__READ && h->mode == LW__READ)
			lw__wait_begin(t, l, mode, 0, (uint64_t)lw__load(&lw__tick) |
							(uint64_t)h->stack << 32);
		return acq;
	}
	checked_chain(t, l, how, 0, s, a);
wait:
	if (lw__unlikely(l->counted)) {
		a->contended = lw__load(&l->owner) != NULL;
		a->waited = 1;
		t->acq_t_ns = lw__now_ns();
	}
	lw__wait_begin(t, l, mode, 0, (uint64_t)lw__load(&lw__tick) | (uint64_t)a->stack << 32);
	return acq;
}

/* A recursive hold one deeper, or one less deep (returns the depth left).
 * The depth is count, and beyond UINT16_MAX count stays there and `deep`
 * holds the rest (glibc allows 2^32-1); count_extra is set when count reaches
 * UINT16_MAX, so whatever an earlier entry left there never counts. */
static void depth_up(struct lw__held *h)
{
	if (h->count < UINT16_MAX) {
		if (++h->count == UINT16_MAX)
			h->count_extra = 0;
	} else if (h->count_extra < UINT32_MAX) {
		h->count_extra++;
	}
	h->simple = 0;
}

static uint64_t depth_down(struct lw__held *h)
{
	if (h->count == UINT16_MAX && h->count_extra) {
		h->count_extra--;
		return (uint64_t)UINT16_MAX + h->count_extra;
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
	if (lw__unlikely(l->counted)) {
		now_ns = lw__now_ns();
		lw__stats_acquired(lw__lock_stats(l), a->waited ? now_ns - t->acq_t_ns : 0,
				   a->waited && a->contended);
	}
	if (lw__unlikely(a->recursive)) {
		struct lw__held *h = find_held(t, l);
		if (h)
			depth_up(h);
		return;
	}
	int simple = l->kind != LW__SEM && !l->counted;
	uint64_t *ns = push_any(t, l, a->chain,
				(uint64_t)lw__load(&lw__tick) | (uint64_t)a->stack << 32,
				simple ? LW__HELD_PLAIN(mode) : (uint32_t)mode | 1u << 16,
				mode == LW__WRITE && l->kind != LW__SEM);
	if (ns)
		*ns = now_ns; /* read by this thread only */
}

/* The hold recorded before the wait ends, as on the fast path
 * (lw__acquire_post): a fork in between finds one of them. */
void lw__acquire_post_slow(struct lw__thread *t, struct lw__lock *l, int mode, int rc,
			   struct lw__acq_slow a)
{
	if (lw__acquired(rc))
		acquired(t, l, mode, &a);
	lw__wait_end(t);
}

/* A try-acquire that took the lock: no edges, but remember how it was
 * taken (its own chain, so a try's chain never hides a blocking one's). */
void lw__try_acquired(struct lw__thread *t, struct lw__lock *l, int mode, struct lw__site s)
{
	struct lw__acq_slow a = { 0, 0, 0, 0, 0, 0 };
	lw__held_want(t, 0);
	a.recursive = find_held(t, l) != NULL;
	if (l->kind == LW__SEM)
		sem_pre(t, l, &a);
	else if (!a.recursive)
		checked_chain(t, l, mode, 1, &s, &a);
	acquired(t, l, mode, &a);
}

/* The site part of held entry k (see lw__chain_site). */
static uint64_t held_site(struct lw__thread *t, unsigned k)
{
	return lw__chain_site(lw__held_at(t, k)->chain, k ? lw__held_at(t, k - 1)->chain : 0,
			      lw__held_at(t, k)->lock);
}

void lw__held_remove(struct lw__thread *t, struct lw__held *h)
{
	unsigned i = held_index(t, h), n = lw__held_depth(t);
	uint64_t *ns = held_t_ns(t, i);
	if (lw__unlikely(h->lock->counted) && *ns)
		lw__stats_released(lw__lock_stats(h->lock), lw__now_ns() - *ns);
	if (h->mode == LW__WRITE && lw__load(&h->lock->owner) == t)
		lw__store(&h->lock->owner, NULL);
	if (h->lock->kind == LW__SEM && i + 1 < n && n <= LW__MAX_HELD) {
		clear_in_place(t, h);
		return;
	}
	uint64_t prev_old = h->chain, prev_new = i ? lw__held_at(t, i - 1)->chain : 0;
	for (unsigned k = i; k + 1 < n; k++) {
		struct lw__held e = *lw__held_at(t, k + 1);
		uint64_t old = e.chain;
		/* an entry without its lock (lw__held_pop) moves as a semaphore's:
		 * it counts in no chain */
		e.chain = !e.lock || e.lock->kind == LW__SEM ? prev_new
							     : lw__chain_moved(&e, prev_old, prev_new);
		prev_old = old;
		prev_new = e.chain;
		*lw__held_at(t, k) = e;
		*held_t_ns(t, k) = *held_t_ns(t, k + 1);
	}
	if (n > LW__MAX_HELD) {
		lw__store_rel(&t->n_more, t->n_more - 1);
		lw__signal_fence();
		lw__held_clear(lw__held_at(t, n - 1));
	} else {
		lw__held_pop(t, lw__held_at(t, n - 1), n);
		drop_holes(t);
	}
	seal(t);
}

/* An unlock of a lock this thread was not seen taking: taken in code
 * lockwatch does not see (a library built without the header, a call
 * through a function pointer) and given back by code it does. Not a
 * mistake when the lock says so: a mutex names its owner (glibc's
 * __owner), which must be this thread (else the unlock of an unlocked
 * mutex, or of one another thread holds, is reported, and an
 * error-checking mutex fails it with EPERM); then a holder lockwatch
 * still records elsewhere let it go unseen (its entry goes stale). Other
 * kinds cannot tell: given the benefit of the doubt when no thread was
 * ever seen taking them, else checked. A C++ static's guard and a once
 * are let go by the code that took them (the compiler's, once.c's): never
 * a mistake. */
static int taken_unseen(const struct lw__thread *t, struct lw__lock *l)
{
	if (l->kind == LW__STATIC || l->kind == LW__ONCE)
		return 1;
	if (l->kind == LW__MUTEX) {
		if (((const pthread_mutex_t *)l->addr)->__data.__owner != t->tid)
			return 0;
		struct lw__thread *o = lw__load(&l->owner);
		if (o && o != t)
			lw__store(&l->owner, (struct lw__thread *)NULL);
		return 1;
	}
	return !lw__load(&l->seen) && !lw__load(&l->owner);
}

void lw__release_slow(struct lw__thread *t, void *obj, struct lw__lock **cache, int kind,
		      struct lw__site site)
{
	const struct lw__site *s = &site;
	struct lw__held *h = NULL;
	struct lw__lock *l = NULL;
	/* each entry's lock read once: a signal handler's semaphore call may
	 * clear an entry meanwhile (lw__held_clear) */
	for (unsigned k = lw__held_depth(t); k-- > 0 && !h;) {
		struct lw__lock *e = lw__load(&lw__held_at(t, k)->lock);
		if (e && e->addr == obj)
			h = lw__held_at(t, k), l = e;
	}
	if (!h) {
		l = cache ? lw__lock_cached(cache, obj, kind, site) : lw__lock_get(obj, kind, site);
		if (!l || l->kind == LW__SEM)
			return; /* a semaphore post that signals, not one that gives back */
		if (lw__unlikely(lw__load(&l->orphan)) && lw__lock_unlocked_by_any(l))
			lw__store(&l->orphan, (uint8_t)0); /* freed for the dead
							    * holder: no orphan now */
		if (t->overflow)
			t->overflow--;
		else if (t->reinit == obj) {
			t->reinit = NULL; /* the init_held mistake: reported already, */
			if (t->reinit_quiet) /* or now */
				lw__misuse_init_held_unlocked(t, l, s);
		}
		else if (lw__lock_task_held(l) && lw__load(&l->owner))
			/* a hand-over: the holder's entry is stale from now
			 * (held_stale) */
			lw__store(&l->owner, (struct lw__thread *)NULL);
		else if (!taken_unseen(t, l))
			lw__misuse_bad_unlock(t, l, s);
		return;
	}
	if (lw__unlikely(h->count > 1)) {
		if (depth_down(h) == 1) {
			h->simple = l->kind != LW__SEM && !l->counted;
			seal(t);
		}
		return;
	}
	lw__store(&t->released, (uintptr_t)l);
	if (lw__lock_task_held(l) && lw__load(&l->owner) != t)
		lw__store(&l->owner, (struct lw__thread *)NULL); /* its entry was stale: a
								   * hand-over (above) */
	remove_held(t, h);
}

int lw__cond_release(struct lw__thread *t, struct lw__lock *l, struct lw__held *saved)
{
	struct lw__held *h = find_held(t, l);
	if (!h) {
		lw__held_want(t, 1); /* one thread alone would wait for good */
		return 0;
	}
	*saved = *h;
	saved->chain = held_site(t, held_index(t, h));
	remove_held(t, h);
	lw__held_want(t, 1); /* the mutex let go first: it held none but that */
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
	uint64_t *ns = push_any(t, l, lw__chain_rehash(top_chain(t), l, saved->chain),
				(uint64_t)lw__load(&lw__tick) | (uint64_t)saved->stack << 32,
				saved->flags, saved->mode == LW__WRITE);
	if (ns) {
		lw__held_at(t, lw__held_depth(t) - 1)->count_extra = saved->count_extra;
		*ns = l->counted ? lw__now_ns() : 0;
	}
}
