/* stall.h - long holds and long waits (options hold_ms, wait_ms and the
 * per-lock thresholds), judged on the watchdog's snapshot. Watchdog
 * thread only. */
#ifndef LW_STALL_H
#define LW_STALL_H

#include "common.h"
#include "report.h"
#include "snapshot.h"

/* Judge the current snapshot at tick `now`; report new long episodes. */
void lw__stall_check(uint32_t now);

/* Has s's wait been seen in two snapshots in a row? */
int lw__stall_wait_stable(const struct snap_thread *s);

/* Add snapshot thread s to a report: its role, lock index li, how long,
 * the stack where it took or waits (depot id), its held locks, and (when
 * want_now) what it is doing now. Returns its index. */
int lw__stall_add_thread(struct lw__rb *rb, struct snap_thread *s, const char *role, int li,
			 uint64_t dur, uint32_t stack, int want_now);

void lw__stall_atfork_child(void);

#endif
