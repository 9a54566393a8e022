/* guard.h - the "inside lockwatch" guard: a thread-local count that, while
 * above zero, sends every lock call of this thread straight to the real
 * function (kept in one word with the thread's state), so nothing lockwatch does (allocating, unwinding, writing a
 * report) comes back into lockwatch. While it is up the thread cannot be
 * cancelled. Also the flag the stack signal's handler sets, so a
 * semaphore wait it interrupted is restarted. */
#ifndef LW_GUARD_H
#define LW_GUARD_H

#include "common.h"

#include <signal.h>

/* The guard and the calling thread's state in one thread-local word, so
 * the lock calls' fast path learns "go on, with this state" from one load
 * and one test: the state (model/thread.h's, page-aligned: lw__os_map) in
 * the high bits, the guard's count (> 0: inside lockwatch) in the low
 * ones, and LW__GS_NONE while the thread has no state. The fast path goes
 * on only when the low bits are all 0. The count changes by one
 * instruction (lw__guard_add), the state only with the guard up or the
 * state there, so a signal handler that interrupts a change never loses
 * what it made. */
struct lw__thread;
#define LW__GS_COUNT 0x7ffu /* nesting far below: each level is a lockwatch call or a handler */
#define LW__GS_NONE 0x800u
#define LW__GS_LOW 0xfffu
LW__EXTERN LW__TLS uintptr_t lw__tls_gs;

/* The guard's count: > 0 inside lockwatch. */
static inline int lw__guard_up(void)
{
	return (int)(lw__tls_gs & LW__GS_COUNT);
}

/* The calling thread's state, whatever the guard, or NULL. */
static inline struct lw__thread *lw__guard_state(void)
{
	return (struct lw__thread *)(lw__tls_gs & ~(uintptr_t)LW__GS_LOW);
}

/* The calling thread's state when the guard is down, else NULL: one load
 * and one test. */
static inline struct lw__thread *lw__guard_fast(void)
{
	uintptr_t w = lw__tls_gs;
	if (w == 0)
		__builtin_unreachable(); /* no state is LW__GS_NONE: callers' NULL tests go */
	int low; /* a test, not an and: no copy of w for the compiler to make */
	__asm__("testl %2, %k1" : "=@ccnz"(low) : "r"(w), "i"(LW__GS_LOW));
	return lw__unlikely(low) ? NULL : (struct lw__thread *)w;
}

/* The calling thread's state is t now (NULL: none), the count kept; for
 * model/thread.c, which makes and ends it. */
static inline void lw__guard_set_state(struct lw__thread *t)
{
	uintptr_t c = lw__tls_gs & LW__GS_COUNT;
	lw__tls_gs = (t ? (uintptr_t)t : LW__GS_NONE) | c;
}

/* The count changed by d, as one instruction (the value after): a signal
 * handler's first lock call, between the load and the store of a plain
 * increment, would make the thread's state there, and the store would
 * lose it (a second state for the thread). Slow paths only. */
static inline uintptr_t lw__guard_add(int d)
{
	return __atomic_add_fetch(&lw__tls_gs, (uintptr_t)(intptr_t)d, __ATOMIC_RELAXED);
}

/* The count up and down by one, nothing else (a signal handler's stack
 * capture, model/now.c); lw__guard_enter and lw__guard_leave below also
 * turn cancellation off and back. */
static inline void lw__guard_raise(void)
{
	lw__guard_add(1);
}

static inline void lw__guard_lower(void)
{
	lw__guard_add(-1);
}

LW__EXTERN LW__TLS int lw__tls_signalled;  /* the watchdog's stack signal hit */
LW__EXTERN LW__TLS int lw__tls_cancel_was; /* the cancel state the guard found */

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
	if ((lw__guard_add(1) & LW__GS_COUNT) == 1)
		lw__guard_cancel_off();
}

static inline void lw__guard_leave(void)
{
	/* read before the count falls: a handler's own enter, once it has,
	 * saves the state as it is here (off) */
	int was = lw__tls_cancel_was;
	lw__signal_fence();
	if ((lw__guard_add(-1) & LW__GS_COUNT) == 0)
		lw__guard_cancel_back(was);
}

/* Put the guard back at n (below where it is now), as that many leaves
 * would: the fork handlers, which enter it once more than they leave. */
static inline void lw__guard_back_to(int n)
{
	lw__tls_gs = (lw__tls_gs & ~(uintptr_t)LW__GS_COUNT) | (uintptr_t)(n + 1);
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
