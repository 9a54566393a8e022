/* mutex.c - the futex steps of mutex.h: a contended lock's wait, an
 * unlock's wake, the condition's wait and broadcast, its deadlines, and
 * the unseen count. Each keeps errno as it was (the program's, in whose thread
 * lockwatch runs). */
#define _GNU_SOURCE
#include "mutex.h"

#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

LW__TLS int lw__tls_unseen;

/* FUTEX_WAIT_BITSET's deadline is absolute, of CLOCK_MONOTONIC: the
 * clock of the watchdog's old condition (a monotonic condattr). 0, or -1
 * with errno (EAGAIN: the word was not val; ETIMEDOUT; EINTR). */
static long futex_wait(void *word, int val, const struct timespec *until)
{
	return syscall(SYS_futex, word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, val, until, NULL,
		       FUTEX_BITSET_MATCH_ANY);
}

static void futex_wake(void *word, int n)
{
	syscall(SYS_futex, word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, n, NULL, NULL, 0);
}

void lw__mutex_lock_wait(struct lw__mutex *mu)
{
	int saved = errno;
	/* marked waited for (2) while it is held, so its unlock wakes one */
	while (__atomic_exchange_n(&mu->word, 2, __ATOMIC_ACQUIRE) != 0)
		futex_wait(&mu->word, 2, NULL);
	errno = saved;
}

void lw__mutex_wake(struct lw__mutex *mu)
{
	int saved = errno;
	futex_wake(&mu->word, 1);
	errno = saved;
}

void lw__cond_wait(struct lw__cond *cv, struct lw__mutex *mu, const struct timespec *until)
{
	int saved = errno;
	/* read with mu held: a broadcast after the unlock moves it, and the
	 * wait then does not sleep */
	unsigned seq = __atomic_load_n(&cv->seq, __ATOMIC_RELAXED);
	lw__mutex_give(mu);
	/* a signal handler's interruption is not a wake-up (nor was it for
	 * the pthread wait) */
	while (futex_wait(&cv->seq, (int)seq, until) != 0 && errno == EINTR &&
	       __atomic_load_n(&cv->seq, __ATOMIC_RELAXED) == seq)
		;
	lw__mutex_take(mu);
	errno = saved;
}

void lw__cond_broadcast(struct lw__cond *cv)
{
	int saved = errno;
	__atomic_add_fetch(&cv->seq, 1u, __ATOMIC_RELAXED);
	futex_wake(&cv->seq, INT_MAX);
	errno = saved;
}

struct timespec lw__after_ms(long ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

int lw__passed(const struct timespec *until)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec > until->tv_sec || (t.tv_sec == until->tv_sec && t.tv_nsec >= until->tv_nsec);
}
