/* hooks.h - where a lower layer must set off work of a higher one, it
 * calls a hook the higher one registered at start-up (runtime/init.c).
 * Cold paths only: a lock retired, a thread exiting, a forked child's
 * first lock call, a report made. A hook not (yet) registered is skipped. */
#ifndef LW_HOOKS_H
#define LW_HOOKS_H

#include "common.h"

struct lw__lock;
struct lw__thread;

struct lw__hooks {
	/* model/lock.c: a record was retired (destroy, init over it, or its
	 * address reused for another kind); its graph edges must go */
	void (*lock_retired)(struct lw__lock *l);
	/* model/thread.c: a thread is exiting, with its held stack intact */
	void (*thread_exit)(struct lw__thread *t);
	/* check: the first blocking lock call of a forked child */
	void (*forked_child_first_lock)(void);
	/* report/emit.c: a full report was made and no lockwatch lock is
	 * held any more (report/order_line.c writes the lock order) */
	void (*report_made)(void);
};

extern struct lw__hooks lw__hooks;

#endif
