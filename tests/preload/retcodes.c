/* retcodes.c - every return code (and errno) of the interposed calls must be
 * exactly glibc's, with or without the preload. The program provokes each
 * failure for real and asserts the code; it exits 0 when all match, 1 and
 * a FAIL line otherwise. Run natively and under lockwatch run.
 *   EBUSY      pthread_mutex_trylock on a mutex another thread holds (and
 *              on one this thread holds), pthread_spin_trylock,
 *              pthread_rwlock_trywrlock / tryrdlock, pthread_mutex_destroy
 *              of a locked mutex
 *   ETIMEDOUT  pthread_mutex_timedlock, pthread_rwlock_timedwrlock,
 *              pthread_rwlock_timedrdlock, pthread_cond_timedwait (the
 *              mutex is held again after it), sem_timedwait (-1, errno)
 *   EDEADLK    relock of an errorcheck mutex; wrlock of a rwlock this
 *              thread write-holds
 *   EPERM      errorcheck unlock by a non-owner, and of an unlocked one
 *   EOWNERDEAD robust mutex whose owner thread exited holding it; then
 *              pthread_mutex_consistent + unlock succeed and the next lock
 *              returns 0
 *   EINVAL     pthread_mutex_timedlock with tv_nsec out of range when it
 *              must wait; pthread_mutex_clocklock / pthread_rwlock_clock*
 *              with a CPU-time clock; sem_init with a value over
 *              SEM_VALUE_MAX; sem_timedwait with a bad tv_nsec (errno)
 *   EAGAIN     sem_trywait on a zero semaphore (errno)
 * and errno is left alone by successful calls (set to a sentinel before). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures;

#define EXPECT_RC(call, want)                                                        \
	do {                                                                         \
		int rc_ = (call);                                                    \
		if (rc_ != (want)) {                                                 \
			fprintf(stderr, "FAIL line %d: %s returned %d (%s), expected %s\n", \
				__LINE__, #call, rc_, strerror(rc_), #want);         \
			failures++;                                                  \
		}                                                                    \
	} while (0)

/* sem_*: -1 with errno `want`, or 0 when want is 0 */
#define EXPECT_ERRNO(call, want)                                                     \
	do {                                                                         \
		errno = 0;                                                           \
		int rc_ = (call);                                                    \
		int e_ = errno;                                                      \
		if ((want) == 0 ? rc_ != 0 : (rc_ != -1 || e_ != (want))) {          \
			fprintf(stderr, "FAIL line %d: %s returned %d errno %d (%s), expected %s\n", \
				__LINE__, #call, rc_, e_, strerror(e_), #want);      \
			failures++;                                                  \
		}                                                                    \
	} while (0)

/* errno must survive a successful call untouched */
#define KEEPS_ERRNO(call)                                                            \
	do {                                                                         \
		errno = EXDEV;                                                       \
		int rc_ = (call);                                                    \
		if (rc_ != 0 || errno != EXDEV) {                                    \
			fprintf(stderr, "FAIL line %d: %s returned %d, errno %d (expected 0, errno kept %d)\n", \
				__LINE__, #call, rc_, errno, EXDEV);                 \
			failures++;                                                  \
		}                                                                    \
	} while (0)

static struct timespec in_ms(int ms)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += (long)ms * 1000000L;
	t.tv_sec += t.tv_nsec / 1000000000L;
	t.tv_nsec %= 1000000000L;
	return t;
}

/* ---- a helper thread that holds a lock until told to let go ---------- */
enum what { MUTEX, RWLOCK_W, RWLOCK_R, SPIN, MUTEX_EXIT };
struct holder {
	enum what what;
	void *lock;
	pthread_barrier_t taken, release;
	pthread_t th;
};

__attribute__((noinline)) static void *holder_main(void *arg)
{
	struct holder *h = arg;
	switch (h->what) {
	case MUTEX:
	case MUTEX_EXIT: EXPECT_RC(pthread_mutex_lock(h->lock), 0); break;
	case RWLOCK_W: EXPECT_RC(pthread_rwlock_wrlock(h->lock), 0); break;
	case RWLOCK_R: EXPECT_RC(pthread_rwlock_rdlock(h->lock), 0); break;
	case SPIN: EXPECT_RC(pthread_spin_lock(h->lock), 0); break;
	}
	pthread_barrier_wait(&h->taken);
	if (h->what == MUTEX_EXIT)
		return NULL; /* exits holding it: the robust case */
	pthread_barrier_wait(&h->release);
	switch (h->what) {
	case MUTEX:
	case MUTEX_EXIT: EXPECT_RC(pthread_mutex_unlock(h->lock), 0); break;
	case RWLOCK_W:
	case RWLOCK_R: EXPECT_RC(pthread_rwlock_unlock(h->lock), 0); break;
	case SPIN: EXPECT_RC(pthread_spin_unlock(h->lock), 0); break;
	}
	return NULL;
}

static void hold(struct holder *h, enum what w, void *lock)
{
	h->what = w;
	h->lock = lock;
	pthread_barrier_init(&h->taken, NULL, 2);
	pthread_barrier_init(&h->release, NULL, 2);
	if (pthread_create(&h->th, NULL, holder_main, h) != 0) {
		fprintf(stderr, "FAIL: pthread_create\n");
		exit(1);
	}
	pthread_barrier_wait(&h->taken);
}

static void let_go(struct holder *h)
{
	if (h->what != MUTEX_EXIT)
		pthread_barrier_wait(&h->release);
	pthread_join(h->th, NULL);
	pthread_barrier_destroy(&h->taken);
	pthread_barrier_destroy(&h->release);
}

static void *trylock_main(void *m)
{
	return (void *)(intptr_t)pthread_mutex_trylock(m);
}

/* pthread_mutex_trylock(m) as called by another thread. */
static int trylock_elsewhere(pthread_mutex_t *m)
{
	pthread_t t;
	void *rc;
	if (pthread_create(&t, NULL, trylock_main, m) != 0 || pthread_join(t, &rc) != 0)
		return -1;
	return (int)(intptr_t)rc;
}

/* ---- the cases --------------------------------------------------------- */

__attribute__((noinline)) static void busy(void)
{
	pthread_mutex_t m;
	pthread_spinlock_t s;
	pthread_rwlock_t rw;
	struct holder h;

	KEEPS_ERRNO(pthread_mutex_init(&m, NULL));
	hold(&h, MUTEX, &m);
	EXPECT_RC(pthread_mutex_trylock(&m), EBUSY);
	let_go(&h);
	KEEPS_ERRNO(pthread_mutex_trylock(&m));
	EXPECT_RC(pthread_mutex_trylock(&m), EBUSY); /* held by this thread */
	KEEPS_ERRNO(pthread_mutex_unlock(&m));
	KEEPS_ERRNO(pthread_mutex_destroy(&m));

	KEEPS_ERRNO(pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE));
	hold(&h, SPIN, (void *)&s);
	EXPECT_RC(pthread_spin_trylock(&s), EBUSY);
	let_go(&h);
	KEEPS_ERRNO(pthread_spin_trylock(&s));
	KEEPS_ERRNO(pthread_spin_unlock(&s));
	KEEPS_ERRNO(pthread_spin_destroy(&s));

	KEEPS_ERRNO(pthread_rwlock_init(&rw, NULL));
	hold(&h, RWLOCK_R, &rw);
	EXPECT_RC(pthread_rwlock_trywrlock(&rw), EBUSY);
	KEEPS_ERRNO(pthread_rwlock_tryrdlock(&rw)); /* readers share */
	KEEPS_ERRNO(pthread_rwlock_unlock(&rw));
	let_go(&h);
	hold(&h, RWLOCK_W, &rw);
	EXPECT_RC(pthread_rwlock_tryrdlock(&rw), EBUSY);
	EXPECT_RC(pthread_rwlock_trywrlock(&rw), EBUSY);
	let_go(&h);
	KEEPS_ERRNO(pthread_rwlock_destroy(&rw));
}

__attribute__((noinline)) static void destroy_locked(void)
{
	pthread_mutex_t m;
	EXPECT_RC(pthread_mutex_init(&m, NULL), 0);
	EXPECT_RC(pthread_mutex_lock(&m), 0);
	EXPECT_RC(pthread_mutex_destroy(&m), EBUSY);
	EXPECT_RC(pthread_mutex_unlock(&m), 0);
	EXPECT_RC(pthread_mutex_destroy(&m), 0);
}

__attribute__((noinline)) static void timeouts(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
	pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	sem_t sem;
	struct holder h;
	struct timespec t;

	hold(&h, MUTEX, &m);
	t = in_ms(30);
	EXPECT_RC(pthread_mutex_timedlock(&m, &t), ETIMEDOUT);
	let_go(&h);
	t = in_ms(30);
	KEEPS_ERRNO(pthread_mutex_timedlock(&m, &t));
	KEEPS_ERRNO(pthread_mutex_unlock(&m));

	hold(&h, RWLOCK_R, &rw);
	t = in_ms(30);
	EXPECT_RC(pthread_rwlock_timedwrlock(&rw, &t), ETIMEDOUT);
	let_go(&h);
	hold(&h, RWLOCK_W, &rw);
	t = in_ms(30);
	EXPECT_RC(pthread_rwlock_timedrdlock(&rw, &t), ETIMEDOUT);
	t = in_ms(30);
	EXPECT_RC(pthread_rwlock_timedwrlock(&rw, &t), ETIMEDOUT);
	let_go(&h);

	EXPECT_RC(pthread_mutex_lock(&m), 0);
	t = in_ms(30);
	EXPECT_RC(pthread_cond_timedwait(&cv, &m, &t), ETIMEDOUT);
	/* the mutex is ours again: another thread cannot take it */
	EXPECT_RC(trylock_elsewhere(&m), EBUSY);
	EXPECT_RC(pthread_mutex_unlock(&m), 0);

	EXPECT_ERRNO(sem_init(&sem, 0, 0), 0);
	t = in_ms(30);
	EXPECT_ERRNO(sem_timedwait(&sem, &t), ETIMEDOUT);
	EXPECT_ERRNO(sem_trywait(&sem), EAGAIN);
	EXPECT_ERRNO(sem_post(&sem), 0);
	EXPECT_ERRNO(sem_trywait(&sem), 0);
	EXPECT_ERRNO(sem_trywait(&sem), EAGAIN);
	EXPECT_ERRNO(sem_post(&sem), 0); /* give the unit back (see sem_signal.c) */
	EXPECT_ERRNO(sem_destroy(&sem), 0);
}

__attribute__((noinline)) static void errorcheck(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	pthread_rwlock_t rw;
	struct holder h;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	EXPECT_RC(pthread_mutex_init(&m, &a), 0);
	pthread_mutexattr_destroy(&a);

	EXPECT_RC(pthread_mutex_unlock(&m), EPERM); /* not locked at all */
	EXPECT_RC(pthread_mutex_lock(&m), 0);
	EXPECT_RC(pthread_mutex_lock(&m), EDEADLK); /* relock */
	EXPECT_RC(pthread_mutex_unlock(&m), 0);
	EXPECT_RC(pthread_mutex_unlock(&m), EPERM); /* once too often */

	hold(&h, MUTEX, &m);
	EXPECT_RC(pthread_mutex_unlock(&m), EPERM); /* not the owner */
	let_go(&h);
	EXPECT_RC(pthread_mutex_destroy(&m), 0);

	EXPECT_RC(pthread_rwlock_init(&rw, NULL), 0);
	EXPECT_RC(pthread_rwlock_wrlock(&rw), 0);
	EXPECT_RC(pthread_rwlock_wrlock(&rw), EDEADLK);
	EXPECT_RC(pthread_rwlock_unlock(&rw), 0);
	EXPECT_RC(pthread_rwlock_destroy(&rw), 0);
}

__attribute__((noinline)) static void robust(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	struct holder h;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	EXPECT_RC(pthread_mutex_init(&m, &a), 0);
	pthread_mutexattr_destroy(&a);

	hold(&h, MUTEX_EXIT, &m); /* the owner exits holding m */
	let_go(&h);
	EXPECT_RC(pthread_mutex_lock(&m), EOWNERDEAD);
	EXPECT_RC(pthread_mutex_consistent(&m), 0);
	EXPECT_RC(pthread_mutex_unlock(&m), 0);
	EXPECT_RC(pthread_mutex_lock(&m), 0);
	EXPECT_RC(pthread_mutex_unlock(&m), 0);
	EXPECT_RC(pthread_mutex_destroy(&m), 0);
}

__attribute__((noinline)) static void invalid(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
	sem_t sem;
	struct holder h;
	struct timespec bad = { .tv_sec = 0, .tv_nsec = 2000000000L };
	struct timespec t;

	hold(&h, MUTEX, &m);
	EXPECT_RC(pthread_mutex_timedlock(&m, &bad), EINVAL);
	t = in_ms(30);
	EXPECT_RC(pthread_mutex_clocklock(&m, CLOCK_PROCESS_CPUTIME_ID, &t), EINVAL);
	let_go(&h);

	t = in_ms(30);
	EXPECT_RC(pthread_rwlock_clockwrlock(&rw, CLOCK_PROCESS_CPUTIME_ID, &t), EINVAL);
	EXPECT_RC(pthread_rwlock_clockrdlock(&rw, CLOCK_PROCESS_CPUTIME_ID, &t), EINVAL);
	t = in_ms(30);
	KEEPS_ERRNO(pthread_rwlock_clockwrlock(&rw, CLOCK_MONOTONIC, &t));
	KEEPS_ERRNO(pthread_rwlock_unlock(&rw));

	EXPECT_ERRNO(sem_init(&sem, 0, (unsigned)SEM_VALUE_MAX + 1u), EINVAL);
	EXPECT_ERRNO(sem_init(&sem, 0, 0), 0);
	EXPECT_ERRNO(sem_timedwait(&sem, &bad), EINVAL);
	EXPECT_ERRNO(sem_destroy(&sem), 0);
}

int main(void)
{
	busy();
	destroy_locked();
	timeouts();
	errorcheck();
	robust();
	invalid();
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("all return codes as expected\n");
	return 0;
}
