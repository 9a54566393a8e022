/* watchdog.h - the background thread that advances lockwatch's clock tick
 * (so acquisitions never read a clock) and looks at every thread's holds
 * and waits: long holds, long waits, real deadlocks. It is created with
 * all signals blocked, only once the process may need it (below),
 * restarted lazily in a forked child and stopped at exit. It never holds
 * a lockwatch lock while it formats or writes.
 *
 * A process that has one thread cannot wait for a lock another thread
 * holds, and a watchdog thread would cost it glibc's atomic instructions
 * (glibc skips them until a second thread is created). So it waits
 * (lw__watchdog_idle, base/hooks.h) until the process has a second
 * thread, seen at a thread's first chain check or try-acquire, or waits
 * where one thread may wait for good (an empty semaphore, a condition
 * variable), or has option timeout set and makes its first blocking lock
 * call (a hang request may come; never at start-up). Until
 * then the tick stands still; a hold taken meanwhile counts from the
 * watchdog's start. */
#ifndef LW_WATCHDOG_H
#define LW_WATCHDOG_H

#include "common.h"

void lw__watchdog_start(void);

/* The hook of base/hooks.h: start the idle watchdog, always or (0) only
 * when the process has had a second thread (glibc's
 * __libc_single_threaded). Once. */
void lw__watchdog_wanted(int always);

/* A forked child has one thread: its watchdog is idle again, as at
 * start-up; with option timeout, lw__tick is LW__TICK_RESTART instead and
 * the watchdog is started again by the child's first blocking lock call
 * (lw__watchdog_restart), not in the fork handler, so a child that only
 * execs never starts a thread. */
void lw__watchdog_restart(void);
void lw__watchdog_stop(void);
void lw__watchdog_atfork_child(void);

/* Before a fork: when the program is down to the calling thread (every
 * other task but lockwatch's is gone or exiting) and no look is under
 * way, lockwatch's threads end, and the watchdog is idle again as in a
 * forked child. The program forks with one thread, as natively (Python
 * 3.12's fork warns of threads it counts in /proc). Not from inside
 * lockwatch. */
void lw__watchdog_quiesce(void);
void lw__watchdog_options_changed(void);

#endif
