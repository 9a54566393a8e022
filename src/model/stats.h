/* stats.h - opt-in per-lock statistics (option stats=N), as mutrace keeps
 * them: acquisitions, contended acquisitions, total and longest wait,
 * total and longest hold. Clocks are read only for locks that carry a
 * stats block, which exist only when the option was on when the lock was
 * first seen. Waits are split: a contended acquisition's wait, and the
 * cost of the calls that found the lock free. At exit the top N locks by
 * contended wait are printed to the log
 * and written as one JSON line {"stats": [...]} (report/stats_table.c). */
#ifndef LW_STATS_H
#define LW_STATS_H

#include "common.h"
#include "lock.h"

struct lw__stats {
	uint64_t acquisitions, contended;
	uint64_t wait_ns, wait_max_ns; /* contended acquisitions only */
	uint64_t hold_ns, hold_max_ns;
	uint64_t uncontended_ns; /* the time of the calls that found it free */
};

uint64_t lw__now_ns(void);

/* An acquisition that waited wait_ns (0 for a trylock); contended: the lock
 * was held by another thread when asked for. */
void lw__stats_acquired(struct lw__stats *s, uint64_t wait_ns, int contended);
void lw__stats_released(struct lw__stats *s, uint64_t hold_ns);

#endif
