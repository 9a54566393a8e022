/* blocked.h - can a wait still end by itself? A wait for a lock held by a
 * stuck thread cannot; a semaphore has no owner and a condition variable
 * no signaller, so a wait for one is stuck for good only when no thread
 * that could post or signal it can run: when
 * every thread of the process is blocked, with no deadline, in a wait
 * lockwatch sees (a lock, a semaphore, a condition variable) or in
 * pthread_join, and no signal handler can post a semaphore waited on. Read from the kernel (/proc/self/task/TID/syscall) on the
 * watchdog thread only, and only when the snapshot suggests a deadlock. */
#ifndef LW_BLOCKED_H
#define LW_BLOCKED_H

#include "common.h"
#include "snapshot.h"

/* Can stuck thread s's wait still end by itself, as the kernel shows it:
 * a futex wait with a deadline (a timed lock, sem_timedwait,
 * pthread_cond_timedwait); or, waiting for a mutex or an rwlock, not
 * asleep on that lock's word (it left the wait unseen: a siglongjmp out
 * of a signal handler; or is on its way in: a later look sees it)? 0 when
 * /proc cannot be read. */
int lw__wait_can_end(const struct snap_thread *s);

/* Is every thread of the process but the caller blocked for good: each in
 * a stable wait of the snapshot or in pthread_join, none with a deadline,
 * none on a futex shared with other processes, still so at a second look,
 * and, where one waits on a semaphore, none able to run a handler of the
 * program's (a signal it catches and does not block)? */
int lw__all_blocked_for_good(void);

#endif
