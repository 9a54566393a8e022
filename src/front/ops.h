/* ops.h - each lock operation written once, for the three ways in: the
 * wrapper API (api.c, which caches the record in the lock), the
 * force-included header (hdr.c) and the preload library (preload.c), which
 * find the record by address (cache == NULL).
 *
 * Every op returns exactly what the real call returned and leaves errno as
 * the real call left it; a thread inside lockwatch (the guard) or exiting
 * goes straight to the real call. */
#ifndef LW_OPS_H
#define LW_OPS_H

#include "held.h"
#include "real.h"
#include "dl.h"
#include "stack.h"

/* The calling thread's first lock call: start the library, make its state
 * (ops.c). NULL when the call must pass straight through. */
struct lw__thread *lw__op_thread_first(void);

/* The calling thread's state, or NULL when the call must pass straight
 * through (inside lockwatch, or the thread is exiting). */
static inline struct lw__thread *lw__op_self(void)
{
	struct lw__thread *t = lw__guard_fast();
	if (lw__likely(t != NULL))
		return t;
	if (lw__guard_up())
		return NULL;
	return lw__op_thread_first();
}

/* Every unlock the fast path does not cover: the bookkeeping, then the
 * real unlock of obj (the pthread or sem object, by kind), as one call that
 * the fast path makes as its tail call: it then needs no registers saved
 * (ops.c). */
int lw__release_slow_call(void *obj, struct lw__lock **cache, int kind, struct lw__site s);

/* The bookkeeping of lw__release_slow_call alone, for a kind whose real
 * unlock its caller makes (libgomp's: front/omp.c). */
void lw__release_book(void *obj, struct lw__lock **cache, int kind, struct lw__site s);

/* Before a change the kernel allows only a process of one thread
 * (LW__BODY_ALONE): a program down to the calling thread has lockwatch's
 * threads end (runtime/watchdog.h, lw__watchdog_quiesce), as at a fork.
 * Not from inside lockwatch, nor under ThreadSanitizer (ops.c). */
void lw__op_alone(void);

/* A library was loaded with dlmopen into a namespace of its own: said on
 * stderr, once per process (ops.c). */
void lw__op_dlmopen_seen(const char *file);

/* The hottest entry points (a mutex's lock and unlock) start a cache line
 * of their own: a change elsewhere in their file then never moves their
 * fast path across line and fetch-block boundaries (the same code read
 * 6.42 or 6.67 ns a never-threaded lock+unlock by where it fell). */
#define LW__HOT __attribute__((aligned(64)))

/* The object's address, whatever its qualifiers (spinlocks are volatile). */
#define LW__OBJ(obj) ((void *)(uintptr_t)(obj))

static inline struct lw__lock *lw__op_lock_of(void *obj, struct lw__lock **cache, int kind,
					      struct lw__site s)
{
	return cache ? lw__lock_cached(cache, obj, kind, s) : lw__lock_get(obj, kind, s);
}

/* The record the wrapper caches, or the one the lock's hint names
 * (model/lock.h), or the one the thread last found for this address in
 * its small cache, or the address map's (one inline probe), into *l, and
 * 1; else 0: no call, no store. The caller checks its kind and that it is
 * live (lw__lock_plain does both; an empty slot's lw__lock_none never
 * passes), then its address (lw__acquire_pre: any of them may name a
 * record reused since, or another lock's: a copied lock). */
static LW__ALWAYS_INLINE int lw__op_lock_fast(struct lw__thread *t, void *obj,
					       struct lw__lock **cache, int kind,
					       struct lw__lock **l)
{
	if (cache)
		return (*l = lw__load_acq(cache)) != NULL;
	if (lw__lock_hinted_to(obj, kind, l))
		return 1;
	if (lw__unlikely(lw__lock_fresh(obj, kind)))
		return 0; /* a first use, or made again in place: the slow way */
	unsigned i = lw__addr_slot(obj);
	if (lw__unlikely(t->addr_key[i] != obj)) {
		/* one probe of the process's map, inline: a table of more
		 * locks than the cache holds goes on the fast way */
		struct lw__lock *m = lw__map_get_once(&lw__locks_by_addr, (uint64_t)(uintptr_t)obj);
		if (!m)
			return 0;
		t->addr_lock[i] = m; /* checked by its user, as any entry */
		t->addr_key[i] = obj;
		*l = m;
		return 1;
	}
	*l = t->addr_lock[i];
	return 1;
}

/* The record of obj: the wrapper's, or the one the lock's hint names
 * (model/lock.h), or the thread's cached one, else found or registered
 * (and cached by the thread, and the hint written). A retired record is
 * never returned. */
static LW__ALWAYS_INLINE struct lw__lock *lw__op_lock_for(struct lw__thread *t, void *obj,
					       struct lw__lock **cache, int kind,
					       struct lw__site s)
{
	if (cache) {
		if (!lw__load_acq(cache)) { /* a first use, or made again */
			lw__dl_met(obj);
			lw__lock_made_again(obj, kind, (const void *const *)cache, &s);
		}
		return lw__lock_cached(cache, obj, kind, s);
	}
	struct lw__lock *l = lw__lock_hinted(obj, kind);
	if (lw__likely(l != NULL && lw__lock_is(l, obj, kind)))
		return l;
	unsigned i = lw__addr_slot(obj);
	if (lw__lock_fresh(obj, kind)) {
		/* a first use, or made again: the address map decides (this
		 * thread's cache may name a record parked since), once the
		 * object it lies in (a static lock) was checked for another
		 * one loaded where it was */
		lw__dl_met(obj);
		lw__lock_made_again(obj, kind, (const void *const *)lw__hint_word(obj, kind), &s);
		t->addr_key[i] = NULL;
	}
	l = t->addr_lock[i];
	if (!(lw__likely(t->addr_key[i] == obj && lw__lock_is(l, obj, kind)))) {
		l = lw__lock_get(obj, kind, s);
		if (!l)
			return NULL;
		/* a signal handler's lookup between the two stores may pair
		 * another address with this record: its user checks */
		t->addr_lock[i] = l;
		t->addr_key[i] = obj;
	}
	if (lw__hint_word(obj, kind))
		lw__lock_hint(l, obj, kind); /* none, or another record's */
	return l;
}

/* The bodies of the entry points. Each macro below is the whole body of
 * one entry point, braces included: the entry points themselves (api.c,
 * hdr.c, preload.c) are written out with their names and signatures, and
 * only their bodies come from here. Every body declares `site_`, the call
 * site, from its `site` argument (a parenthesised struct lw__site value),
 * except the slow twins, which take it as their last parameter, `site_`.
 * `call` is the real call, evaluated once; in the preload library the fast
 * bodies use the real-function table directly (LW_REAL_FAST): a thread has
 * state only after the table was filled (ops.c). */

/* C11's mtx_* return thrd_* codes, not errno values, through the same
 * bodies: thrd_success is 0, the one code that means "acquired" (and "made"
 * for mtx_init), and no other equals EOWNERDEAD, so lw__acquired() and the
 * bodies' rc == 0 read both kinds of code right, at no cost. */
_Static_assert(thrd_success == 0 && thrd_busy != EOWNERDEAD && thrd_error != EOWNERDEAD &&
		       thrd_nomem != EOWNERDEAD && thrd_timedout != EOWNERDEAD,
	       "thrd_* codes read as pthread codes");

/* A blocking acquire. The fast path makes no call but the real one, and
 * keeps four values across it (thread, record, chain, when), all in
 * registers. Anything else (first call of a thread, a lock not found in a
 * cache, a chain not checked before, recursion, semaphores, stats) returns
 * `slow`: a tail call of the op's slow twin (its extra state never costs
 * the fast path a saved register). */
#define LW__BODY_ACQUIRE(obj, cache, kind, mode, site, call, slow)                 \
	{                                                                          \
		struct lw__site site_ = site;                                      \
		struct lw__thread *t_ = lw__self_fast();                           \
		struct lw__lock *l_;                                               \
		struct lw__acq a_;                                                 \
		if (lw__likely(t_ != NULL) &&                                      \
		    lw__likely(lw__op_lock_fast(t_, LW__OBJ(obj), (cache), (kind), &l_)) &&       \
		    lw__likely(lw__acquire_pre(t_, l_, (kind), (mode), site_.pc,     \
					       1, LW__OBJ(obj), &a_))) {     \
			int rc_ = (call);                                          \
			lw__acquire_post(t_, l_, (mode), rc_, &a_);                \
			return rc_;                                                \
		}                                                                  \
		return (slow);                                                     \
	}

/* The slow twin of an acquire, `static int twin(params..., struct lw__site
 * site_)`: every case, step by step. A lock that was only missing from the
 * thread's address cache, or whose chain only from its chain cache (but
 * some thread checked it), goes on as the fast path would. A timed
 * acquire's twin (_TIMED) says so to the slow path, which marks its order
 * edges timed; the fast path never needs to know (its chain was checked). */
#define LW__BODY_ACQUIRE_SLOW(obj, cache, kind, mode, call)                        \
	LW__BODY_ACQUIRE_SLOW_AS(obj, cache, kind, mode, (mode), call)
#define LW__BODY_ACQUIRE_SLOW_TIMED(obj, cache, kind, mode, call)                  \
	LW__BODY_ACQUIRE_SLOW_AS(obj, cache, kind, mode, (mode) | LW__ACQ_TIMED, call)
#define LW__BODY_ACQUIRE_SLOW_AS(obj, cache, kind, mode, how, call)                \
	{                                                                          \
		struct lw__thread *t_ = lw__op_self();                             \
		lw__stack_memo_open(&site_, LW__RA_SLOT());                        \
		struct lw__lock *l_ = t_ ? lw__op_lock_for(t_, LW__OBJ(obj), (cache), (kind), site_) \
					 : NULL;                                   \
		struct lw__acq a_;                                                 \
		if (lw__unlikely(!l_)) {                                           \
			lw__stack_memo_close();                                    \
			return (call);                                             \
		}                                                                  \
		if (lw__acquire_pre_any(t_, l_, (kind), (mode), site_.pc, &a_)) {  \
			lw__stack_memo_close();                                    \
			int rc_ = (call);                                          \
			lw__acquire_post(t_, l_, (mode), rc_, &a_);                \
			return rc_;                                                \
		}                                                                  \
		struct lw__acq_slow s_ = lw__acquire_pre_slow(t_, l_, (how), site_); \
		lw__stack_memo_close();                                            \
		int rc_ = (call);                                                  \
		lw__acquire_post_slow(t_, l_, (mode), rc_, s_);                    \
		return rc_;                                                        \
	}

/* A try-acquire: never blocks, so no order edge. One that took the lock
 * on a chain checked before goes the fast way (lw__try_fast). */
#define LW__BODY_TRY(obj, cache, kind, mode, site, call)                           \
	{                                                                          \
		struct lw__site site_ = site;                                      \
		struct lw__thread *t_ = lw__op_self();                             \
		int rc_ = (call);                                                  \
		if (t_ && lw__acquired(rc_)) {                                     \
			lw__stack_memo_open(&site_, LW__RA_SLOT());                \
			struct lw__lock *l_ = lw__op_lock_for(t_, LW__OBJ(obj), (cache), (kind), site_); \
			if (l_ && !lw__try_fast(t_, l_, (kind), (mode), site_.pc)) \
				lw__try_acquired(t_, l_, (mode), site_);           \
			lw__stack_memo_close();                                    \
		}                                                                  \
		return rc_;                                                        \
	}

/* An unlock: bookkeeping first, so the next holder never sees us as owner.
 * Both ways end in a tail call (the slow one makes the real call itself),
 * so the fast path saves no registers. The wrapper types keep the pthread
 * object first, so obj is the real object in every way in. */
#define LW__BODY_RELEASE(obj, cache, kind, site, call)                              \
	{                                                                          \
		struct lw__site site_ = site;                                      \
		struct lw__thread *t_ = lw__self_fast();                           \
		if (lw__likely(t_ != NULL) && lw__likely(lw__release(t_, LW__OBJ(obj)))) \
			return (call);                                             \
		return lw__release_slow_call(LW__OBJ(obj), (cache), (kind), site_); \
	}

/* An unlock whose real call returns nothing, of a lock that another
 * thread may have taken (OpenMP's: a task's lock, let go where the task
 * resumed: front/omp.c): the slow bookkeeping, which sees a hand-over,
 * then the real call. */
#define LW__BODY_RELEASE_VOID(obj, cache, kind, site, call)                         \
	{                                                                          \
		struct lw__site site_ = site;                                      \
		lw__release_book(LW__OBJ(obj), (cache), (kind), site_);            \
		(call);                                                            \
	}

/* Init: a lock initialised at a known address is a new lock; it is
 * registered at its first use, so a lock never used costs one lookup that
 * finds nothing. Before the real call, the check (the lock is held); after
 * it, the old record (if any) retired, then `made` (a statement). A
 * mutex's init (_MUTEX) notes a robust one made process-private
 * (lw__op_mutex_made). */
#define LW__BODY_INIT(obj, cache, kind, site, call)                                \
	LW__BODY_INIT_THEN(obj, cache, kind, site, call, (void)0)
#define LW__BODY_INIT_MUTEX(obj, cache, attr, site, call)                          \
	LW__BODY_INIT_THEN(obj, cache, LW__MUTEX, site, call,                      \
			   lw__op_mutex_made(LW__OBJ(obj), (attr)))
#define LW__BODY_INIT_THEN(obj, cache, kind, site, call, made)                     \
	{                                                                          \
		struct lw__site site_ = site;                                      \
		struct lw__thread *t_ = lw__op_self();                             \
		struct lw__lock *l_ = t_ ? lw__op_resetting(t_, LW__OBJ(obj), 0, &site_) : NULL; \
		int rc_ = (call);                                                  \
		if (rc_ == 0 && t_) {                                              \
			lw__op_reset(t_, LW__OBJ(obj), (cache), l_, 0, site_.src); \
			made;                                                      \
		}                                                                  \
		return rc_;                                                        \
	}

#define LW__BODY_DESTROY(obj, cache, site, call)                                   \
	{                                                                          \
		struct lw__site site_ = site;                                      \
		struct lw__thread *t_ = lw__op_self();                             \
		struct lw__lock *l_ = t_ ? lw__op_resetting(t_, LW__OBJ(obj), 1, &site_) : NULL; \
		int rc_ = (call);                                                  \
		if (rc_ == 0 && t_)                                                \
			lw__op_reset(t_, LW__OBJ(obj), (cache), l_, 1, site_.src); \
		return rc_;                                                        \
	}

/* C11's mtx_destroy returns nothing (and cannot fail). */
#define LW__BODY_DESTROY_VOID(obj, cache, site, call)                              \
	{                                                                          \
		struct lw__site site_ = site;                                      \
		struct lw__thread *t_ = lw__op_self();                             \
		struct lw__lock *l_ = t_ ? lw__op_resetting(t_, LW__OBJ(obj), 1, &site_) : NULL; \
		(call);                                                            \
		if (t_)                                                            \
			lw__op_reset(t_, LW__OBJ(obj), (cache), l_, 1, site_.src); \
	}

/* A thread cancelled in the wait gets the mutex back inside glibc before
 * its cleanup handlers run, and the code after the real call never runs:
 * a cleanup handler around the call records the re-acquire (ops.c), so the
 * program's own handler that unlocks the mutex is not a bad unlock. */
struct lw__cond_cancel {
	struct lw__thread *t;
	struct lw__held *saved; /* NULL: the mutex was not tracked */
};
void lw__cond_cancelled(void *arg);

/* A condition-variable wait on mutex m. (pthread_cleanup_push and _pop
 * open and close one block.) */
#define LW__BODY_COND_WAIT(m, cache, site, call)                                   \
	{                                                                          \
		struct lw__site site_ = site;                                      \
		struct lw__thread *t_ = lw__op_self();                             \
		struct lw__lock *l_ = t_ ? lw__op_lock_for(t_, LW__OBJ(m), (cache), LW__MUTEX, site_) \
					 : NULL;                                   \
		struct lw__held saved_;                                            \
		int had_ = l_ ? lw__cond_release(t_, l_, &saved_) : 0;             \
		if (had_)                                                          \
			lw__cond_wait_begin(t_, l_, &saved_);                      \
		struct lw__cond_cancel cancel_ = { t_, had_ ? &saved_ : NULL };    \
		int rc_;                                                           \
		/* nothing kept in a register across its setjmp: from cancel_ */  \
		pthread_cleanup_push(lw__cond_cancelled, &cancel_);                \
		rc_ = (call);                                                      \
		pthread_cleanup_pop(0);                                            \
		if (cancel_.saved)                                                 \
			lw__cond_reacquire(cancel_.t, cancel_.saved);              \
		return rc_;                                                        \
	}

/* A join of thread th: for the deadlock search, the calling thread waits
 * for th until the call returns (or it is cancelled in it: a cleanup
 * handler ends the wait). A timed or try join (pthread_timedjoin_np,
 * pthread_tryjoin_np) always returns: not interposed. */
void lw__op_join_begin(struct lw__thread *t, pthread_t th, struct lw__site s);
void lw__op_join_cancelled(void *arg);

#define LW__BODY_JOIN(th, site, call)                                              \
	{                                                                          \
		struct lw__site site_ = site;                                      \
		/* nothing kept in a register across its setjmp: from memory */   \
		struct lw__thread *t_[1] = { lw__op_self() };                      \
		if (t_[0])                                                         \
			lw__op_join_begin(t_[0], (th), site_);                     \
		int rc_;                                                           \
		pthread_cleanup_push(lw__op_join_cancelled, t_);                   \
		rc_ = (call);                                                      \
		pthread_cleanup_pop(1);                                            \
		return rc_;                                                        \
	}

/* dlclose: the locks in an unloaded library's memory are retired with it
 * (another library mapped there later must not inherit their records,
 * edges and names), and libunwind's rules and the symbol tables for its
 * addresses are dropped (front/dl.c). */
#define LW__BODY_DLCLOSE(call)                                                     \
	{                                                                          \
		if (lw__guard_up())                                               \
			return (call);                                             \
		struct lw__dl_before b_;                                           \
		lw__dl_before(&b_);                                                \
		int rc_ = (call);                                                  \
		lw__dl_after(&b_);                                                 \
		return rc_;                                                        \
	}

/* dlmopen into a namespace other than the program's: LD_PRELOAD does not
 * reach there, so the library's own lock calls go unchecked; said once
 * (lw__op_dlmopen_seen), the call's result untouched. */
#define LW__BODY_DLMOPEN(lmid, file, call)                                          \
	{                                                                          \
		void *h_ = (call);                                                 \
		if (h_ && (lmid) != LM_ID_BASE && !lw__guard_up())                 \
			lw__op_dlmopen_seen(file);                                 \
		return h_;                                                         \
	}

/* unshare and setns: the kernel lets only a process of one thread enter a
 * new user namespace, or (setns) a mount namespace, or unshare its memory
 * or signal handlers; a program whose threads have all ended may, as
 * natively, once lockwatch's own threads have ended too, as at a fork
 * (lw__op_alone). `need` says whether the call is such a change. */
#define LW__BODY_ALONE(need, call)                                                 \
	{                                                                          \
		if (need)                                                          \
			lw__op_alone();                                            \
		return (call);                                                     \
	}
#define LW__UNSHARE_ALONE(flags) (((flags) & (CLONE_NEWUSER | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) != 0)
#define LW__SETNS_ALONE(nstype) ((nstype) == 0 || ((nstype) & (CLONE_NEWUSER | CLONE_NEWNS)) != 0)

/* sem waits are not restarted after a signal handler: when the EINTR came
 * from the watchdog's stack signal, not the program's, wait again. */
#define LW__SEM_RETRY(call)                                                       \
	({                                                                    \
		int r_;                                                       \
		do {                                                          \
			lw__tls_signalled = 0;                                \
			r_ = (call);                                          \
		} while (r_ == -1 && errno == EINTR && lw__tls_signalled);    \
		r_;                                                           \
	})

/* The call site of an entry point: its return address, and the header's
 * static record of the source position (or NULL). */
#define LW__RA() ((uintptr_t)__builtin_return_address(0))
/* Where this function's return address lies, just below its canonical
 * frame address: the call site's, when the site is this function's caller
 * (the entry point, or a slow twin it tail-called; model/stack.h's memo
 * checks). One instruction, where it is used. */
#define LW__RA_SLOT() ((uintptr_t)__builtin_dwarf_cfa() - sizeof(uintptr_t))
#define LW__SITE(src) ((struct lw__site){ LW__RA(), (src) })

/* Before a destroy (destroy = 1) or an init: the lock's live record, or
 * NULL, checked (a held lock is reported: lw__reset_check). */
static inline struct lw__lock *lw__op_resetting(struct lw__thread *t, void *obj, int destroy,
						const struct lw__site *s)
{
	struct lw__lock *l = lw__lock_find(obj);
	if (lw__unlikely(l != NULL))
		lw__reset_check(t, l, destroy, s);
	return l;
}

/* After a successful init or destroy: the wrapper's cache reset, the init
 * site noted (header way) or dropped, and the old record l (if any)
 * retired (lw__destroyed). */
static inline void lw__op_reset(struct lw__thread *t, void *obj, struct lw__lock **cache,
				struct lw__lock *l, int destroy, const lw_site_t *src)
{
	if (cache)
		lw__store_rel(cache, (struct lw__lock *)NULL);
	if (src) {
		if (destroy)
			lw__init_site_drop(obj);
		else
			lw__init_site_note(obj, src);
	}
	if (!destroy)
		lw__held_made(t, obj);
	if (lw__unlikely(l != NULL))
		lw__destroyed(t, obj);
}

/* After a successful pthread_mutex_init of the mutex at obj (the pthread
 * object first) with attr: a robust one (kind bit 16; the default
 * attribute is not) made process-private is noted in its record, since
 * glibc's kind says process-shared for every robust mutex (model/lock.h,
 * lw__lock_pshared). Any other costs one load. */
static inline void lw__op_mutex_made(void *obj, const pthread_mutexattr_t *attr)
{
	int ps;
	if (lw__unlikely(((const pthread_mutex_t *)obj)->__data.__kind & 16) && attr &&
	    pthread_mutexattr_getpshared(attr, &ps) == 0 && ps == PTHREAD_PROCESS_PRIVATE) {
		int saved = errno;
		lw__guard_enter();
		lw__lock_note_private(obj);
		lw__guard_leave();
		errno = saved;
	}
}

/* sem_init and sem_destroy for real; one that works notes whether the
 * semaphore was made with no unit (model/lock.h, lw__sem_event_note). */
static inline int lw__op_sem_init(sem_t *sem, int pshared, unsigned value)
{
	int rc = LW_REAL_FN(sem_init)(sem, pshared, value);
	if (rc == 0)
		lw__sem_event_note(sem, value == 0);
	return rc;
}

static inline int lw__op_sem_destroy(sem_t *sem)
{
	int rc = LW_REAL_FN(sem_destroy)(sem);
	if (rc == 0)
		lw__sem_event_note(sem, 0);
	return rc;
}

/* The real function: in the preload library's fast bodies, straight from
 * the table (complete once any thread has state). */
#ifdef LW_PRELOAD
#define LW_REAL_FAST(name) (lw__real.name)
#else
#define LW_REAL_FAST(name) name
#endif

#endif
