/* hooks.h - where a lower layer must set off work of a higher one, it
 * calls a hook the higher one registered at start-up (runtime/init.c).
 * Cold paths only: a lock retired, a thread exiting, a forked child's
 * first lock call, a report made, a process that may now need its
 * watchdog. A hook not (yet) registered is skipped. */
#ifndef LW_HOOKS_H
#define LW_HOOKS_H

#include "common.h"

struct lw__lock;
struct lw__thread;

struct lw__hooks {
	/* model/lock.c: a record was retired; its graph edges must go.
	 * `mapped`: 1, its memory is there (destroy, init over it, its
	 * address reused for another kind, memory about to be given back); 0,
	 * gone (its library unloaded or replaced); -1, not known (the old
	 * place of a block realloc moved) */
	void (*lock_retired)(struct lw__lock *l, int mapped);
	/* model/thread.c: a thread is exiting, with its held stack intact */
	void (*thread_exit)(struct lw__thread *t);
	/* check: the first blocking lock call of a forked child */
	void (*forked_child_first_lock)(void);
	/* report/emit.c: a full report was made and no lockwatch lock is
	 * held any more (report/order_line.c writes the lock order) */
	void (*report_made)(void);
	/* check, front: a process whose watchdog waits (lw__watchdog_idle)
	 * may need it now: always, or (0) if it has a second thread */
	void (*watchdog_wanted)(int always);
};

LW__EXTERN struct lw__hooks lw__hooks;

/* 1 while the process has no watchdog thread and needs none: it has had
 * one thread only (runtime/watchdog.c). The cold places where a second
 * thread first shows (a thread's first check of a chain: a chain-cache
 * miss, a try-acquire) or where one thread alone may wait for good (a
 * semaphore, a condition variable) call lw__watchdog_want. */
LW__EXTERN int lw__watchdog_idle;

/* In a forked child, the thread id of the thread that forked, until a
 * second thread shows (its first lockwatch call, or a join): the child
 * has that one thread, whatever glibc's __libc_single_threaded says (it
 * never turns back to 1 once the process had a thread); 0 else. The
 * forking thread's own first call (it made none before the fork) is no
 * second thread. Also in a process whose threads lockwatch ended before
 * a fork (runtime/watchdog.h's quiesce). */
LW__EXTERN int lw__forked_single;

static inline void lw__watchdog_want(int always)
{
	if (lw__unlikely(lw__load(&lw__watchdog_idle)) && lw__hooks.watchdog_wanted)
		lw__hooks.watchdog_wanted(always);
}

#endif
