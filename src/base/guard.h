/* guard.h - the "inside lockwatch" guard: a thread-local count that, while
 * above zero, sends every lock call of this thread straight to the real
 * function, so nothing lockwatch does (allocating, unwinding, writing a
 * report) comes back into lockwatch. While it is up the thread cannot be
 * cancelled. Also the flag the stack signal's handler sets, so a
 * semaphore wait it interrupted is restarted. */
#ifndef LW_GUARD_H
#define LW_GUARD_H

#include "common.h"

#include <signal.h>

extern LW__TLS int lw__tls_guard;      /* > 0: inside lockwatch */
extern LW__TLS int lw__tls_signalled;  /* the watchdog's stack signal hit */
extern LW__TLS int lw__tls_cancel_was; /* the cancel state the guard found */

/* Cancellation. Everything lockwatch does under the guard (reports, symbol
 * lookup, /proc reads, stack capture, the exit hooks, waits for its own
 * threads) may reach a cancellation point (open, read, write, fopen,
 * pthread_cond_wait), and its own locks may be held there: a thread with a
 * cancel pending would be cancelled inside lockwatch, in a lock call that
 * is no cancellation point natively, and leave those locks held for good.
 * So the outermost enter turns the thread's cancellation off and the
 * outermost leave gives back the state it found (guard.c); neither is a
 * cancellation point, and a deferred cancel stays pending for the
 * program's next one. The fast path never enters the guard. */
void lw__guard_cancel_off(void);
void lw__guard_cancel_back(int was);

static inline void lw__guard_enter(void)
{
	/* raised first: a signal handler in between passes straight through */
	if (lw__tls_guard++ == 0)
		lw__guard_cancel_off();
}

static inline void lw__guard_leave(void)
{
	/* read before the count falls: a handler's own enter, once it has,
	 * saves the state as it is here (off) */
	int was = lw__tls_cancel_was;
	lw__signal_fence();
	if (--lw__tls_guard == 0)
		lw__guard_cancel_back(was);
}

/* Put the guard back at n (below where it is now), as that many leaves
 * would: the fork handlers, which enter it once more than they leave. */
static inline void lw__guard_back_to(int n)
{
	lw__tls_guard = n + 1;
	lw__guard_leave();
}

/* Before creating one of lockwatch's own threads (the watchdog, the
 * reader): block every signal in the caller but SIGSYS, the old mask in
 * *old (restore it once the thread is made), so the new thread starts so.
 * The program's signals are never run there; but a system call of ours
 * that the program's seccomp filter traps (SECCOMP_RET_TRAP) must reach
 * the program's SIGSYS handler, which answers it: blocked, the kernel
 * kills the whole process instead. */
void lw__own_thread_mask(sigset_t *old);

#endif
