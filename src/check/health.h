/* health.h - the figures lw_health() returns, set by the stall and
 * deadlock checks after each look of the watchdog. */
#ifndef LW_HEALTH_H
#define LW_HEALTH_H

#include "common.h"

void lw__health_stalls(unsigned long long_holds, unsigned long long_waits, uint64_t max_hold,
		       uint64_t max_wait);
void lw__health_deadlocked(size_t n_threads);
void lw__health_deadlock_found(void);
void lw__health_cycles(unsigned long n);
void lw__health_atfork_child(void);

#endif
