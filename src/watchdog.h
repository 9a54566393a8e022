/* watchdog.h - the background thread that advances lockwatch's clock tick
 * (so acquisitions never read a clock) and looks at every thread's holds
 * and waits: long holds, long waits, real deadlocks. It is created with
 * all signals blocked, restarted lazily in a forked child and stopped at
 * exit. It never holds a lockwatch lock while it formats or writes. */
#ifndef LW_WATCHDOG_H
#define LW_WATCHDOG_H

#include "common.h"

void lw__watchdog_start(void);
void lw__watchdog_stop(void);
void lw__watchdog_atfork_child(void);
void lw__watchdog_options_changed(void);

/* Milliseconds since lockwatch started, as the watchdog last saw them. */
uint64_t lw__watchdog_now_ms(void);

#endif
