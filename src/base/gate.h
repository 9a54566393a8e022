/* gate.h - lockwatch's calls into the program's allocator, kept apart
 * from the program's forks.
 *
 * lockwatch's own memory never comes from malloc (mem.h), but some of
 * what it calls does: the start-up of its threads (glibc's thread
 * attributes; a sanitizer's thread set-up), libunwind's address spaces,
 * libdw and zlib when a report is made and when its files are let go. A
 * fork while another thread is inside the allocator leaves the child
 * what that thread held at that instant. glibc's malloc takes its locks
 * around fork, so its child is whole; an allocator that does not
 * (AddressSanitizer's, gcc 12) leaves a size class locked for good, and
 * the child hangs at its next allocation of that size. Natively no thread
 * of the program's was there; lockwatch's must not be either. libunwind's
 * own locks are the same: every stack capture is made inside the gate
 * too (model/stack.c), else a child's first capture could wait for good
 * on a lock a parent thread held in libunwind at the fork.
 *
 * So lockwatch's threads make those calls inside the gate, and a fork
 * (runtime/init.c's prepare step) closes it: no one enters, and the fork
 * waits until those inside have left. Reports need no gate: a fork waits
 * for the report lock anyway (report.h).
 *
 * Every wait here is bounded (LW__GATE_WAIT_MS): a fork never waits for
 * good on a thread that waits on something the forking thread holds (a
 * constructor that forks during dlopen, holding the loader's lock), and a
 * thread entering never waits for good on a fork that waits for a lock it
 * holds. Past the bound the fork goes on as it would have before. */
#ifndef LW_GATE_H
#define LW_GATE_H

#define LW__GATE_WAIT_MS 2000

/* Enter (waiting while a fork closes the gate) and leave; this thread may
 * enter again while inside. */
void lw__gate_enter(void);
void lw__gate_leave(void);
/* Enter unless a fork is closing the gate (and this thread is not inside
 * already): 1 when entered (leave as above), 0 at once otherwise. For a
 * thread that may hold what the fork waits for next (a report's lock). */
int lw__gate_enter_now(void);

/* A thread being started counts as inside from its creator's call until
 * its first step (lw__gate_started, in the new thread; or in the creator,
 * when the thread could not be made). */
void lw__gate_ticket(void);
void lw__gate_started(void);

/* The fork steps: close and wait until nobody but this thread is inside
 * (0, or -1 when the bound passed); open again in the parent; in the
 * child, only this thread is left. */
int lw__gate_close(void);
void lw__gate_open(void);
void lw__gate_atfork_child(void);

#endif
