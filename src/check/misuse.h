/* misuse.h - reports of a lock used wrongly by one thread: self-deadlock,
 * unlock of a lock it does not hold, destroy of a held lock, exit while
 * holding locks, and (in a forked child) a wait for a lock that a thread
 * of the parent held at the fork. Each is made once per kind, lock and call
 * site, so a mistake repeated in a loop makes one report. Slow paths
 * only; each saves errno and enters the guard itself. */
#ifndef LW_MISUSE_H
#define LW_MISUSE_H

#include "common.h"
#include "thread.h"

/* t, holding l (entry h), asks for it again in `mode`; not re-entrant;
 * `timed`: a timed acquire (it gives up at its deadline). Unless the call
 * fails with EDEADLK or is timed, option on_deadlock applies. */
void lw__misuse_self_deadlock(struct lw__thread *t, struct lw__lock *l,
			      const struct lw__held *h, int mode, int timed,
			      const struct lw__site *s);

/* t unlocks l, which it does not hold. Clears another holder's ownership
 * (the lock is free now: its entry goes stale). */
void lw__misuse_bad_unlock(struct lw__thread *t, struct lw__lock *l, const struct lw__site *s);

/* t initialises l again while it is held (by t: entry h, or by its owner). */
/* A lock its holder t made again (init) and then unlocked (site s): the
 * init_held report then, with the stacks that took it and made it again
 * (t->reinit_*). */
void lw__misuse_init_held_unlocked(struct lw__thread *t, struct lw__lock *l,
				   const struct lw__site *s);
void lw__misuse_init_held(struct lw__thread *t, struct lw__lock *l, const struct lw__held *h,
			  const struct lw__site *s);

/* t destroys l while it is held (by t: entry h, or by l's owner). */
void lw__misuse_destroy_held(struct lw__thread *t, struct lw__lock *l,
			     const struct lw__held *h, const struct lw__site *s);

/* t blocks on l, orphaned at a fork or by its holder's exit; then option
 * on_deadlock applies. */
void lw__misuse_orphan(struct lw__thread *t, struct lw__lock *l, int mode,
		       const struct lw__site *s);

/* Was thread tid's wait for l (held by a gone thread) reported, before it
 * blocked, by lw__misuse_orphan? (The watchdog does not report it again.) */
int lw__misuse_orphan_reported(int tid, const struct lw__lock *l);

/* The thread_exit hook: t exits; reported when it still holds locks. A
 * non-robust private mutex (PI and PP too), a private rwlock or a
 * spinlock it holds for writing is marked orphaned (LW__ORPHAN_DEAD): its
 * next locker is deadlocked. */
void lw__misuse_thread_exit(struct lw__thread *t);

/* The lock of the de-duplication set (runtime/init.c takes it around
 * fork). */
struct lw__mutex;
LW__EXTERN struct lw__mutex lw__misuse_mu;

#endif
