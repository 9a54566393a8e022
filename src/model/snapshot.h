/* snapshot.h - a copy of every live thread's held locks and the lock it
 * waits for, taken by the watchdog every watchdog_ms (model/snapshot.c);
 * the stall and deadlock checks read it without holding any lock. */
#ifndef LW_SNAPSHOT_H
#define LW_SNAPSHOT_H

#include "common.h"
#include "thread.h"

struct snap_held {
	struct lw__lock *lock;
	uint32_t tick, stack;
	uint8_t mode;
};

struct snap_thread {
	int tid;
	char name[16];
	struct lw__lock *waiting;
	uint32_t wait_tick, wait_stack;
	uint8_t wait_mode;
	uint8_t wait_cond; /* in pthread_cond_wait: not a long wait */
	int stuck;     /* deadlock search mark */
	int core;      /* on a wait-for cycle (not queued behind one) */
	unsigned n_held;
	struct snap_held *held; /* every held lock, the deep ones too */
	size_t cap_held;        /* (kept from one snapshot to the next) */
};

/* The last snapshot: lw__n_snap threads. */
extern struct snap_thread *lw__snap;
extern size_t lw__n_snap;

/* Take a new snapshot of every live thread. */
void lw__snapshot_take(void);

/* Advance lw__tick to now (ms since start-up), remembering the gap. */
void lw__snap_tick(uint32_t now);

/* How long since `tick`, at least: a tick stored at an acquisition can be
 * up to one gap between two ticks old, so the gap is taken off and a hold
 * is never reported longer than it was. */
uint64_t lw__snap_at_least(uint32_t now, uint32_t tick);

/* Index of l in s's held locks, or -1. */
int lw__snap_holds(const struct snap_thread *s, const struct lw__lock *l);

/* Does hold h of lock l block a waiter that wants `mode`? */
int lw__snap_blocks(const struct snap_held *h, const struct lw__lock *l, int mode);

/* The thread's current name from the kernel (report time only). */
void lw__snap_refresh_name(struct snap_thread *s);

#endif
