/* mutex.h - lockwatch's own mutex: one type for every internal lock, taken
 * through the real-function table (never through lockwatch's interposers),
 * with the three fork steps. runtime/init.c takes all of them around fork()
 * in one documented order (its fork table); each is only ever held for a
 * short, non-blocking piece of work.
 *
 * Holding one enters the "inside lockwatch" guard (guard.h), and letting
 * it go leaves it: whatever runs while an internal lock is held (libdw's
 * or the demangler's malloc while a report is made, an allocator that
 * takes pthread locks of its own, a signal handler that locks) passes
 * straight through to the real calls and can never come back into
 * lockwatch and wait for the lock its own thread holds. lockwatch's own
 * memory never comes from malloc (base/mem.h): a program's allocator that
 * another thread is inside, holding its heap lock and waiting for one of
 * these, is never waited for under one. The
 * lock and unlock fast path never takes one. */
#ifndef LW_MUTEX_H
#define LW_MUTEX_H

#include "common.h"
#include "guard.h"
#include "real.h"

#include <string.h>

struct lw__mutex {
	pthread_mutex_t m;
};

#define LW__MUTEX_INIT { PTHREAD_MUTEX_INITIALIZER }

static inline void lw__mutex_lock(struct lw__mutex *mu)
{
	lw__guard_enter();
	LW_REAL_FN(pthread_mutex_lock)(&mu->m);
}

static inline void lw__mutex_unlock(struct lw__mutex *mu)
{
	LW_REAL_FN(pthread_mutex_unlock)(&mu->m);
	lw__guard_leave();
}

/* 0 when taken (the guard entered), else non-zero (the guard as it was). */
static inline int lw__mutex_trylock(struct lw__mutex *mu)
{
	lw__guard_enter();
	int rc = LW_REAL_FN(pthread_mutex_trylock)(&mu->m);
	if (rc != 0)
		lw__guard_leave();
	return rc;
}

/* Fork: prepare takes it, the parent lets it go, the child starts afresh
 * (the child's only thread is the one that took it in prepare). The child
 * step only makes the mutex afresh (it also serves a mutex some other,
 * vanished thread held) and leaves the guard count alone: the fork
 * handlers put the forking thread's guard back as it was before prepare
 * (runtime/init.c). */
static inline void lw__mutex_prefork(struct lw__mutex *mu) { lw__mutex_lock(mu); }
static inline void lw__mutex_postfork_parent(struct lw__mutex *mu) { lw__mutex_unlock(mu); }
static inline void lw__mutex_postfork_child(struct lw__mutex *mu)
{
	static const pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	memcpy(&mu->m, &fresh, sizeof(fresh));
}

#endif
