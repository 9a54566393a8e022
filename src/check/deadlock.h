/* deadlock.h - real deadlocks, as they happen: the wait-for relation of
 * the watchdog's snapshot (thread -> awaited lock -> holders). Watchdog
 * thread only. */
#ifndef LW_DEADLOCK_H
#define LW_DEADLOCK_H

#include "common.h"

/* Search the current snapshot; report a new deadlock, then apply option
 * on_deadlock. */
void lw__deadlock_check(void);

void lw__deadlock_atfork_child(void);

#endif
