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
#include "stack.h"

/* The calling thread's first lock call: start the library, make its state
 * (ops.c). NULL when the call must pass straight through. */
struct lw__thread *lw__op_thread_first(void);

/* The calling thread's state, or NULL when the call must pass straight
 * through (inside lockwatch, or the thread is exiting). */
static inline struct lw__thread *lw__op_self(void)
{
	if (lw__unlikely(lw__tls_guard))
		return NULL;
	struct lw__thread *t = lw__tls_self;
	if (lw__likely(t != NULL))
		return t;
	return lw__op_thread_first();
}

/* Every unlock the fast path does not cover: the bookkeeping, then the
 * real unlock of obj (the pthread or sem object, by kind), as one call that
 * the fast path makes as its tail call: it then needs no registers saved
 * (ops.c). */
int lw__release_slow_call(void *obj, struct lw__lock **cache, int kind, struct lw__site s);

/* The object's address, whatever its qualifiers (spinlocks are volatile). */
#define LW__OBJ(obj) ((void *)(uintptr_t)(obj))

static inline struct lw__lock *lw__op_lock_of(void *obj, struct lw__lock **cache, int kind,
					      struct lw__site s)
{
	return cache ? lw__lock_cached(cache, obj, kind, s) : lw__lock_get(obj, kind, s);
}

/* The record the wrapper caches, or the one the thread last found at this
 * address (its small cache), else NULL: no call, no store. The caller
 * checks its kind and that it is live (lw__lock_plain does both). */
static inline struct lw__lock *lw__op_lock_fast(struct lw__thread *t, void *obj,
						struct lw__lock **cache)
{
	if (cache)
		return lw__load_acq(cache);
	unsigned i = lw__addr_slot(obj);
	return t->by_addr[i].addr == obj ? t->by_addr[i].lock : NULL;
}

/* The record of obj: cached, else found or registered (and cached by the
 * thread). A retired record is never returned. */
static inline struct lw__lock *lw__op_lock_for(struct lw__thread *t, void *obj,
					       struct lw__lock **cache, int kind,
					       struct lw__site s)
{
	if (cache)
		return lw__lock_cached(cache, obj, kind, s);
	unsigned i = lw__addr_slot(obj);
	struct lw__lock *l = lw__op_lock_fast(t, obj, NULL);
	if (lw__likely(l != NULL && l->kind == kind && !lw__load(&l->retired)))
		return l;
	l = lw__lock_get(obj, kind, s);
	if (l) {
		t->by_addr[i].addr = obj;
		t->by_addr[i].lock = l;
	}
	return l;
}

/* A blocking acquire: `call` is the real call, evaluated once. The fast
 * path makes no call but the real one, and keeps four values across it
 * (thread, record, chain, when), all in registers. Anything else (first
 * call of a thread, a lock not found in a cache, a chain not checked
 * before, recursion, semaphores, stats) returns `slow`: a tail call of the
 * op's slow twin, made with LW__TWIN (its extra state never costs the fast
 * path a saved register). */
#define LW__OP_ACQUIRE(obj, cache, kind, mode, site, call, slow)                   \
	do {                                                                       \
		struct lw__thread *t_ = lw__self_fast();                           \
		struct lw__lock *l_;                                               \
		struct lw__acq a_;                                                 \
		if (lw__likely(t_ != NULL) &&                                      \
		    lw__likely((l_ = lw__op_lock_fast(t_, LW__OBJ(obj), (cache))) != NULL) && \
		    lw__likely(lw__acquire_pre(t_, l_, (kind), (mode), (site)->pc, &a_))) \
			LW__ACQUIRE_CALL(t_, l_, (mode), a_, call);                \
		return (slow);                                                     \
	} while (0)

/* The real call of an acquire whose lw__acquire_pre returned 1, and the
 * return. */
#define LW__ACQUIRE_CALL(t, l, mode, a, call)                                      \
	do {                                                                       \
		int rc_ = (call);                                                  \
		lw__acquire_post((t), (l), (mode), rc_, &(a));                     \
		return rc_;                                                        \
	} while (0)

/* The slow twin: every case, step by step. A lock that was only missing
 * from the thread's address cache goes on as the fast path would. */
#define LW__OP_ACQUIRE_SLOW(obj, cache, kind, mode, site, call)                    \
	do {                                                                       \
		struct lw__thread *t_ = lw__op_self();                                \
		if (lw__unlikely(!t_))                                             \
			return (call);                                             \
		struct lw__lock *l_ = lw__op_lock_for(t_, LW__OBJ(obj), (cache), (kind), *(site)); \
		if (lw__unlikely(!l_))                                             \
			return (call);                                             \
		struct lw__acq a_;                                                 \
		if (lw__acquire_pre(t_, l_, (kind), (mode), (site)->pc, &a_))      \
			LW__ACQUIRE_CALL(t_, l_, (mode), a_, call);                \
		struct lw__acq_slow s_ = lw__acquire_pre_slow(t_, l_, (mode), *(site)); \
		int rc_ = (call);                                                  \
		lw__acquire_post_slow(t_, l_, (mode), rc_, s_);                    \
		return rc_;                                                        \
	} while (0)

/* The slow twin of an acquire: a function `static int twin(params...,
 * struct lw__site site_)`, defined before the function whose fast path
 * tail-calls it (the ops that have none expand to nothing). */
#define LW__TWIN(op, twin, params, obj, cache, kind, mode, call)                   \
	LW__TWIN_##op(twin, params, obj, cache, kind, mode, call)
#define LW__TWIN_ACQUIRE(twin, params, obj, cache, kind, mode, call)                 \
	static __attribute__((noinline)) int twin(LW__UNPAREN params, struct lw__site site_) \
	{                                                                          \
		LW__OP_ACQUIRE_SLOW(obj, cache, kind, mode, &site_, call);         \
	}
#define LW__TWIN_SEM_ACQUIRE(twin, params, obj, cache, kind, mode, call)             \
	LW__TWIN_ACQUIRE(twin, params, obj, cache, kind, mode, LW__SEM_RETRY(call))
#define LW__TWIN_TRY(...)
#define LW__TWIN_RELEASE(...)
#define LW__TWIN_INIT(...)
#define LW__TWIN_DESTROY(...)
#define LW__TWIN_COND_WAIT(...)
#define LW__TWIN_DLCLOSE(...)
#define LW__TWIN_NONE(...)

/* A try-acquire: never blocks, so no order edge. */
#define LW__OP_TRY(obj, cache, kind, mode, site, call, slow)                             \
	do {                                                                       \
		struct lw__thread *t_ = lw__op_self();                                \
		if (lw__unlikely(!t_))                                             \
			return (call);                                             \
		int rc_ = (call);                                                  \
		if (lw__acquired(rc_)) {                                           \
			struct lw__lock *l_ = lw__op_lock_for(t_, LW__OBJ(obj), (cache), (kind), *(site)); \
			if (l_)                                                    \
				lw__try_acquired(t_, l_, (mode), *(site));         \
		}                                                                  \
		return rc_;                                                        \
	} while (0)

/* An unlock: bookkeeping first, so the next holder never sees us as owner.
 * Both ways end in a tail call (the slow one makes the real call itself),
 * so the fast path saves no registers. The wrapper types keep the pthread
 * object first, so obj is the real object in every way in. */
#define LW__OP_RELEASE(obj, cache, kind, mode, site, call, slow)                               \
	do {                                                                       \
		struct lw__thread *t_ = lw__self_fast();                           \
		if (lw__likely(t_ != NULL) && lw__likely(lw__release(t_, LW__OBJ(obj)))) \
			return (call);                                             \
		return lw__release_slow_call(LW__OBJ(obj), (cache), (kind), *(site)); \
	} while (0)

/* Init: a lock initialised at a known address is a new lock. */
#define LW__OP_INIT(obj, cache, kind, mode, site, call, slow)                                  \
	do {                                                                       \
		int rc_ = (call);                                                  \
		struct lw__thread *t_ = lw__op_self();                                \
		if (rc_ == 0 && t_) {                                              \
			lw__destroyed(t_, LW__OBJ(obj));                                  \
			struct lw__lock **c_ = (cache);                            \
			if (c_)                                                    \
				lw__store_rel(c_, (struct lw__lock *)NULL);        \
			lw__op_lock_of(LW__OBJ(obj), c_, (kind), *(site));                \
		}                                                                  \
		return rc_;                                                        \
	} while (0)

#define LW__OP_DESTROY(obj, cache, kind, mode, site, call, slow)                               \
	do {                                                                       \
		struct lw__thread *t_ = lw__op_self();                                \
		if (lw__unlikely(!t_))                                             \
			return (call);                                             \
		struct lw__lock *l_ = lw__lock_find(LW__OBJ(obj));                          \
		if (l_)                                                            \
			lw__destroy_check(t_, l_, (site));                         \
		int rc_ = (call);                                                  \
		if (rc_ == 0) {                                                    \
			lw__destroyed(t_, LW__OBJ(obj));                                  \
			struct lw__lock **c_ = (cache);                            \
			if (c_)                                                    \
				lw__store_rel(c_, (struct lw__lock *)NULL);        \
		}                                                                  \
		return rc_;                                                        \
	} while (0)

/* A condition-variable wait on mutex m. */
#define LW__OP_COND_WAIT(m, cache, kind, mode, site, call, slow)                                     \
	do {                                                                       \
		struct lw__thread *t_ = lw__op_self();                                \
		if (lw__unlikely(!t_))                                             \
			return (call);                                             \
		struct lw__lock *l_ = lw__op_lock_for(t_, LW__OBJ(m), (cache), LW__MUTEX, *(site)); \
		struct lw__held saved_;                                            \
		int had_ = l_ ? lw__cond_release(t_, l_, &saved_) : 0;             \
		if (had_)                                                          \
			lw__cond_wait_begin(t_, l_, &saved_);                      \
		int rc_ = (call);                                                  \
		if (had_)                                                          \
			lw__cond_reacquire(t_, &saved_);                           \
		return rc_;                                                        \
	} while (0)

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

/* A semaphore wait: an acquire, restarted after the watchdog's signal. */
#define LW__OP_SEM_ACQUIRE(obj, cache, kind, mode, site, call, slow)               \
	LW__OP_ACQUIRE(obj, cache, kind, mode, site, LW__SEM_RETRY(call), slow)

/* dlclose: libunwind caches unwind rules by address; code unloaded and
 * replaced at the same addresses must not be unwound with stale rules. */
#define LW__OP_DLCLOSE(obj, cache, kind, mode, site, call, slow)                        \
	do {                                                                       \
		int rc_ = (call);                                                  \
		(void)(site);                                                      \
		lw__stack_flush();                                                 \
		return rc_;                                                        \
	} while (0)

/* The parameter list of a real.def row without its parentheses. */
#define LW__UNPAREN(...) __VA_ARGS__

#define LW__RA() ((uintptr_t)__builtin_return_address(0))

#endif
