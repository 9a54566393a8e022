/* mutex.h - lockwatch's own mutex: one type for every internal lock, with
 * the three fork steps, and the condition its two waiting threads (the
 * watchdog, the reader of base/aside.c) sleep on. runtime/init.c takes
 * every mutex around fork() in one documented order (its fork table);
 * each is only ever held for a short, non-blocking piece of work.
 *
 * Both are made on a futex word of their own (syscall(SYS_futex), private
 * to the process), never on pthread calls: in a program whose pthread
 * calls another library interposes (ThreadSanitizer's runtime, whose
 * interceptors the real-function table finds), taking one through them
 * would show that library acquire/release pairs between the program's
 * threads that the program does not have (two threads each registering a
 * new lock), and ThreadSanitizer would hide real races. The mutex is the
 * classic three-state one: 0 free, 1 held, 2 held and maybe waited for;
 * an uncontended lock is one compare-and-swap, an unlock wakes only when
 * contended. No call here changes errno. While a thread holds one (and
 * for good in lockwatch's own threads) ThreadSanitizer, when in the
 * process, is told to ignore the thread's memory accesses (the unseen
 * count below): what lockwatch's code does through its interceptors
 * (memset, mmap, read) is lockwatch's, ordered by these locks it does not
 * see, and no race of the program's.
 *
 * Holding one enters the "inside lockwatch" guard (guard.h), and letting
 * it go leaves it: whatever runs while an internal lock is held (libdw's
 * or the demangler's malloc while a report is made, an allocator that
 * takes pthread locks of its own, a signal handler that locks) passes
 * straight through to the real calls and can never come back into
 * lockwatch and wait for the lock its own thread holds. lockwatch's own
 * memory never comes from malloc (base/mem.h): a program's allocator that
 * another thread is inside, holding its heap lock and waiting for one of
 * these, is never waited for under one. The
 * lock and unlock fast path never takes one. */
#ifndef LW_MUTEX_H
#define LW_MUTEX_H

#include "common.h"
#include "guard.h"

#include <errno.h>
#include <time.h>

/* ThreadSanitizer's runtime's, when it is in the process (else NULL) */
void __tsan_ignore_thread_begin(void) __attribute__((weak));
void __tsan_ignore_thread_end(void) __attribute__((weak));

/* Is ThreadSanitizer's runtime in the process? */
static inline int lw__tsan_here(void)
{
	return __tsan_ignore_thread_begin != NULL;
}

LW__EXTERN LW__TLS int lw__tls_unseen; /* depth of lw__unseen_begin */

/* Begin and end a stretch of this thread that ThreadSanitizer does not
 * see (nested: the outermost counts). Nothing without its runtime. */
static inline void lw__unseen_begin(void)
{
	if (lw__unlikely(__tsan_ignore_thread_begin != NULL) && lw__tls_unseen++ == 0)
		__tsan_ignore_thread_begin();
}

static inline void lw__unseen_end(void)
{
	if (lw__unlikely(__tsan_ignore_thread_end != NULL) && --lw__tls_unseen == 0)
		__tsan_ignore_thread_end();
}

/* A forked child's: the count back to depth, the forking thread's
 * before the fork's prepare step took the mutexes the child remakes. */
static inline void lw__unseen_restore(int depth)
{
	while (lw__tls_unseen > depth)
		lw__unseen_end();
}

struct lw__mutex {
	int word; /* 0 free, 1 held, 2 held and maybe waited for */
};

#define LW__MUTEX_INIT { 0 }

/* The contended steps (mutex.c): wait until the mutex is had; wake one
 * waiter of a mutex just let go. */
void lw__mutex_lock_wait(struct lw__mutex *mu);
void lw__mutex_wake(struct lw__mutex *mu);

/* Take and let go without the guard (the condition wait's). */
static inline void lw__mutex_take(struct lw__mutex *mu)
{
	int c = 0;
	if (lw__unlikely(!__atomic_compare_exchange_n(&mu->word, &c, 1, 0, __ATOMIC_ACQUIRE,
						      __ATOMIC_RELAXED)))
		lw__mutex_lock_wait(mu);
}

static inline void lw__mutex_give(struct lw__mutex *mu)
{
	if (lw__unlikely(__atomic_exchange_n(&mu->word, 0, __ATOMIC_RELEASE) == 2))
		lw__mutex_wake(mu);
}

static inline void lw__mutex_lock(struct lw__mutex *mu)
{
	lw__guard_enter();
	lw__mutex_take(mu);
	lw__unseen_begin();
}

static inline void lw__mutex_unlock(struct lw__mutex *mu)
{
	lw__unseen_end();
	lw__mutex_give(mu);
	lw__guard_leave();
}

/* 0 when taken (the guard entered), else EBUSY (the guard as it was). */
static inline int lw__mutex_trylock(struct lw__mutex *mu)
{
	lw__guard_enter();
	int c = 0;
	if (__atomic_compare_exchange_n(&mu->word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		lw__unseen_begin();
		return 0;
	}
	lw__guard_leave();
	return EBUSY;
}

/* Fork: prepare takes it, the parent lets it go, the child starts afresh
 * (the child's only thread is the one that took it in prepare). The child
 * step only makes the mutex afresh (it also serves a mutex some other,
 * vanished thread held) and leaves the guard count alone: the fork
 * handlers put the forking thread's guard and unseen count back as they
 * were before prepare (runtime/init.c). */
static inline void lw__mutex_prefork(struct lw__mutex *mu) { lw__mutex_lock(mu); }
static inline void lw__mutex_postfork_parent(struct lw__mutex *mu) { lw__mutex_unlock(mu); }
static inline void lw__mutex_postfork_child(struct lw__mutex *mu)
{
	lw__store(&mu->word, 0);
}

/* A condition: a sequence word every broadcast moves on. */
struct lw__cond {
	unsigned seq;
};

#define LW__COND_INIT { 0 }

/* With mu held: let it go, sleep until a broadcast (or, until not NULL,
 * until that time of CLOCK_MONOTONIC has passed), take mu again. It may
 * come back early, as a pthread condition wait may: callers look again.
 * The guard stays as it is. */
void lw__cond_wait(struct lw__cond *cv, struct lw__mutex *mu, const struct timespec *until);

/* Deadlines for lw__cond_wait: CLOCK_MONOTONIC ms from now; whether that
 * clock has passed until. */
struct timespec lw__after_ms(long ms);
int lw__passed(const struct timespec *until);

/* Wake every waiter; mu held. */
void lw__cond_broadcast(struct lw__cond *cv);

/* Fork: the child has no waiter. */
static inline void lw__cond_postfork_child(struct lw__cond *cv)
{
	lw__store(&cv->seq, 0u);
}

#endif
