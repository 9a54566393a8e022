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

#include <errno.h>

/* State carried from lw__acquire_pre to lw__acquire_post by the caller. */
struct lw__acq {
	uint64_t chain;
	uint32_t stack;
	int recursive; /* re-acquire of a lock the thread holds */
	int contended; /* option stats: another thread held it when asked */
	uint64_t t_ns; /* option stats: when it was asked for */
};

void lw__acquire_pre(struct lw__thread *t, struct lw__lock *l, int mode,
		     const struct lw__site *s, struct lw__acq *a);
/* For a try-acquire, pass a == NULL: no order edges, no waiting. */
void lw__acquire_post(struct lw__thread *t, struct lw__lock *l, int mode, int ok,
		      struct lw__acq *a, const struct lw__site *s);
void lw__release(struct lw__thread *t, struct lw__lock *l, const struct lw__site *s);

/* Before destroy; after a successful destroy call lw__destroyed(). */
void lw__destroy_check(struct lw__thread *t, struct lw__lock *l, const struct lw__site *s);
void lw__destroyed(struct lw__thread *t, const void *addr);

/* Condition-variable wait: the mutex is released before and re-held after,
 * with no order edge. `saved` carries the held entry across the wait. */
int lw__cond_release(struct lw__thread *t, struct lw__lock *l, struct lw__held *saved);
void lw__cond_reacquire(struct lw__thread *t, struct lw__held *saved);

/* Did a pthread/sem call with this result acquire the lock? */
static inline int lw__acquired(int rc)
{
	return rc == 0 || rc == EOWNERDEAD;
}

#endif
