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

#include "core.h"
#include "real.h"
#include "stack.h"

/* The object's address, whatever its qualifiers (spinlocks are volatile). */
#define LW__OBJ(obj) ((void *)(uintptr_t)(obj))

static inline struct lw__lock *lw__op_lock_of(void *obj, struct lw__lock **cache, int kind,
					      struct lw__site s)
{
	return cache ? lw__lock_cached(cache, obj, kind, s) : lw__lock_get(obj, kind, s);
}

/* The same for the acquiring thread, through its small cache of the locks
 * it last found by address (a retired record is never returned). */
static inline struct lw__lock *lw__op_lock_for(struct lw__thread *t, void *obj,
					       struct lw__lock **cache, int kind,
					       struct lw__site s)
{
	if (cache)
		return lw__lock_cached(cache, obj, kind, s);
	unsigned i = ((uintptr_t)obj >> 3) & 7;
	struct lw__lock *l = t->addr_lock[i];
	if (lw__likely(t->addr_key[i] == obj && l->kind == kind && !lw__load(&l->retired)))
		return l;
	l = lw__lock_get(obj, kind, s);
	if (l) {
		t->addr_key[i] = obj;
		t->addr_lock[i] = l;
	}
	return l;
}

/* A blocking acquire: `call` is the real call, evaluated once. The fast
 * path keeps four values across it (thread, record, chain, when), all in
 * registers; anything else takes the slow path, written out separately so
 * that its extra state never costs the fast one. */
#define LW__OP_ACQUIRE(obj, cache, kind, mode, site, call)                         \
	do {                                                                       \
		struct lw__thread *t_ = lw__self();                                \
		if (lw__unlikely(!t_))                                             \
			return (call);                                             \
		struct lw__lock *l_ = lw__op_lock_for(t_, LW__OBJ(obj), (cache), (kind), *(site)); \
		if (lw__unlikely(!l_))                                             \
			return (call);                                             \
		struct lw__acq a_;                                                 \
		if (lw__likely(lw__acquire_pre(t_, l_, (mode), *(site), &a_))) {   \
			int rc_ = (call);                                          \
			lw__acquire_post(t_, l_, (mode), rc_, &a_);                \
			return rc_;                                                \
		}                                                                  \
		struct lw__acq_slow s_ = lw__acquire_pre_slow(t_, l_, (mode), *(site)); \
		int rc_ = (call);                                                  \
		lw__acquire_post_slow(t_, l_, (mode), rc_, s_);                    \
		return rc_;                                                        \
	} while (0)

/* A try-acquire: never blocks, so no order edge. */
#define LW__OP_TRY(obj, cache, kind, mode, site, call)                             \
	do {                                                                       \
		struct lw__thread *t_ = lw__self();                                \
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

/* An unlock: bookkeeping first, so the next holder never sees us as owner. */
#define LW__OP_RELEASE(obj, cache, kind, mode, site, call)                               \
	do {                                                                       \
		struct lw__thread *t_ = lw__self();                                \
		if (lw__likely(t_ != NULL))                                        \
			lw__release(t_, LW__OBJ(obj), (cache), (kind), *(site));  \
		return (call);                                                     \
	} while (0)

/* Init: a lock initialised at a known address is a new lock. */
#define LW__OP_INIT(obj, cache, kind, mode, site, call)                                  \
	do {                                                                       \
		int rc_ = (call);                                                  \
		struct lw__thread *t_ = lw__self();                                \
		if (rc_ == 0 && t_) {                                              \
			lw__destroyed(t_, LW__OBJ(obj));                                  \
			struct lw__lock **c_ = (cache);                            \
			if (c_)                                                    \
				lw__store_rel(c_, (struct lw__lock *)NULL);        \
			lw__op_lock_of(LW__OBJ(obj), c_, (kind), *(site));                \
		}                                                                  \
		return rc_;                                                        \
	} while (0)

#define LW__OP_DESTROY(obj, cache, kind, mode, site, call)                               \
	do {                                                                       \
		struct lw__thread *t_ = lw__self();                                \
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
#define LW__OP_COND_WAIT(m, cache, kind, mode, site, call)                                     \
	do {                                                                       \
		struct lw__thread *t_ = lw__self();                                \
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
#define LW__OP_SEM_ACQUIRE(obj, cache, kind, mode, site, call)                     \
	LW__OP_ACQUIRE(obj, cache, kind, mode, site, LW__SEM_RETRY(call))

/* dlclose: libunwind caches unwind rules by address; code unloaded and
 * replaced at the same addresses must not be unwound with stale rules. */
#define LW__OP_DLCLOSE(obj, cache, kind, mode, site, call)                        \
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
