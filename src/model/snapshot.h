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
	const struct lw__thread *thread; /* its state (never freed) */
	uintptr_t wait_raw;  /* its wait marker and when, as read */
	uint64_t wait_when_raw;
	int tid;
	char name[16];
	struct lw__lock *waiting;
	uint32_t wait_tick, wait_stack;
	uint8_t wait_mode;
	uint8_t wait_cond; /* in pthread_cond_wait: not a long wait */
	uintptr_t join_raw;  /* the pthread_t it joins (pthread_join), 0: none */
	uint64_t join_when_raw; /* since when and where, as read */
	uintptr_t self_pt;   /* its own pthread_t */
	int join_to;         /* the snapshot index of the thread it joins, -1 */
	int stuck;     /* deadlock search mark */
	int core;      /* on a wait-for cycle (not queued behind one) */
	int reporting; /* making a report: its holds' time is lockwatch's */
	unsigned n_held;
	struct snap_held *held; /* every held lock, the deep ones too */
	size_t cap_held;        /* (kept from one snapshot to the next) */
};

/* The last snapshot: lw__n_snap threads. */
LW__EXTERN struct snap_thread *lw__snap;
LW__EXTERN size_t lw__n_snap;

/* Take a new snapshot of every live thread (joins resolved: join_to). */
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

/* Is s's thread still in the very wait the snapshot saw (same marker, same
 * start)? */
int lw__snap_still_waiting(const struct snap_thread *s);

/* What a thread of this process is doing in the kernel, from
 * /proc/self/task/TID/syscall: blocked in system call `nr` with these
 * arguments, or running. For the deadlock check, which must know whether
 * a wait can still end by itself. Cold: the watchdog only. */
struct lw__task {
	int tid;
	int blocked;     /* in a system call (else running, or unreadable) */
	long nr;
	uint64_t arg[6];
	uint64_t sp;     /* its stack pointer there (0: unknown) */
	char raw[192];   /* the line as read, to compare two looks */
};

/* Every live thread of this process (tid only: a main thread that ended
 * with pthread_exit, a zombie, is none), into *tasks (grown as needed,
 * *cap its room); returns how many, or -1 when /proc cannot be read. */
long lw__tasks_list(struct lw__task **tasks, size_t *cap);

/* Fill in task->blocked, nr, arg and raw; -1 when unreadable. A thread
 * in a system call whose state is runnable (being woken) is not blocked. */
int lw__task_read(struct lw__task *task);

/* The name the watchdog thread gives itself (seen in ps, gdb, reports). */
#define LW__WATCHDOG_NAME "lw-watchdog"

#endif
