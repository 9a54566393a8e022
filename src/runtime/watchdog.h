/* watchdog.h - the background thread that advances lockwatch's clock tick
 * (so acquisitions never read a clock) and looks at every thread's holds
 * and waits: long holds, long waits, real deadlocks. It is created with
 * all signals blocked, restarted lazily in a forked child and stopped at
 * exit. It never holds a lockwatch lock while it formats or writes. */
#ifndef LW_WATCHDOG_H
#define LW_WATCHDOG_H

#include "common.h"

void lw__watchdog_start(void);

/* In a forked child lw__tick is LW__TICK_RESTART: the watchdog is started
 * again by the child's first blocking lock call (lw__watchdog_restart),
 * not in the fork handler, so a child that only execs never starts a
 * thread. */
void lw__watchdog_restart(void);
void lw__watchdog_stop(void);
void lw__watchdog_atfork_child(void);
void lw__watchdog_options_changed(void);

#endif
