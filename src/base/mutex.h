/* mutex.h - lockwatch's own mutex: one type for every internal lock, taken
 * through the real-function table (never through lockwatch's interposers),
 * with the three fork steps. runtime/init.c takes all of them around fork()
 * in one documented order (its fork table); each is only ever held for a
 * short, non-blocking piece of work. */
#ifndef LW_MUTEX_H
#define LW_MUTEX_H

#include "common.h"
#include "real.h"

#include <string.h>

struct lw__mutex {
	pthread_mutex_t m;
};

#define LW__MUTEX_INIT { PTHREAD_MUTEX_INITIALIZER }

static inline void lw__mutex_lock(struct lw__mutex *mu)
{
	LW_REAL_FN(pthread_mutex_lock)(&mu->m);
}

static inline void lw__mutex_unlock(struct lw__mutex *mu)
{
	LW_REAL_FN(pthread_mutex_unlock)(&mu->m);
}

/* Fork: prepare takes it, the parent lets it go, the child starts afresh
 * (the child's only thread is the one that took it in prepare). */
static inline void lw__mutex_prefork(struct lw__mutex *mu) { lw__mutex_lock(mu); }
static inline void lw__mutex_postfork_parent(struct lw__mutex *mu) { lw__mutex_unlock(mu); }
static inline void lw__mutex_postfork_child(struct lw__mutex *mu)
{
	static const pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	memcpy(&mu->m, &fresh, sizeof(fresh));
}

#endif
