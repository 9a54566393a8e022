/* forced.c - a plain pthread program for the language-standard matrix
 * (run_std.sh): built with -include lockwatch/pthread.h under -std=c99 ...
 * c++17, with a feature-test macro (or none) as its first line, which
 * run_std.sh writes above this text. It uses mutexes (a recursive one
 * when _GNU_SOURCE gives PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP), a
 * condition variable and semaphores, and, when the feature macros make
 * them visible, rwlocks, spinlocks and timed calls. forward() takes
 * lock_a then lock_b, backward() the other way round: one
 * lock_order_cycle error, whose stacks show the lines marked SITE. A
 * recv on no socket is a call glibc fortifies (first line
 * _FORTIFY_SOURCE 2); _exit and _Exit are taken as values. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#if defined(_GNU_SOURCE) || defined(_XOPEN_SOURCE) || \
	(defined(_POSIX_C_SOURCE) && _POSIX_C_SOURCE >= 200112L) || !defined(__STRICT_ANSI__)
#define HAVE_XOPEN2K 1
#endif

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cv = PTHREAD_COND_INITIALIZER;
static int ready;
static sem_t done_sem;
#ifdef _GNU_SOURCE
static pthread_mutex_t rec_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
#endif
#ifdef HAVE_XOPEN2K
static pthread_rwlock_t table_rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_spinlock_t counter_spin;
#endif
static int shared;

#define CHECK(x)                                                         \
	do {                                                             \
		if ((x) != 0) {                                          \
			fprintf(stderr, "FAIL line %d: %s\n", __LINE__, #x); \
			return 1;                                        \
		}                                                        \
	} while (0)

__attribute__((noinline)) static int forward(void)
{
	CHECK(pthread_mutex_lock(&lock_a));
	CHECK(pthread_mutex_lock(&lock_b)); /* SITE forward */
	shared++;
	CHECK(pthread_mutex_unlock(&lock_b));
	CHECK(pthread_mutex_unlock(&lock_a));
	return 0;
}

__attribute__((noinline)) static int backward(void)
{
	CHECK(pthread_mutex_lock(&lock_b));
	CHECK(pthread_mutex_lock(&lock_a)); /* SITE backward */
	shared--;
	CHECK(pthread_mutex_unlock(&lock_a));
	CHECK(pthread_mutex_unlock(&lock_b));
	return 0;
}

static int other_locks(void)
{
#ifdef _GNU_SOURCE
	CHECK(pthread_mutex_lock(&rec_lock));
	CHECK(pthread_mutex_lock(&rec_lock));
	CHECK(pthread_mutex_unlock(&rec_lock));
	CHECK(pthread_mutex_unlock(&rec_lock));
#endif
#ifdef HAVE_XOPEN2K
	struct timespec until;
	CHECK(clock_gettime(CLOCK_REALTIME, &until));
	until.tv_sec += 5;
	CHECK(pthread_rwlock_rdlock(&table_rw));
	CHECK(pthread_rwlock_unlock(&table_rw));
	CHECK(pthread_rwlock_timedwrlock(&table_rw, &until));
	CHECK(pthread_rwlock_unlock(&table_rw));
	CHECK(pthread_spin_init(&counter_spin, PTHREAD_PROCESS_PRIVATE));
	CHECK(pthread_spin_lock(&counter_spin));
	shared += 2;
	CHECK(pthread_spin_unlock(&counter_spin));
	CHECK(pthread_spin_destroy(&counter_spin));
	CHECK(pthread_mutex_timedlock(&lock_a, &until));
	CHECK(pthread_mutex_unlock(&lock_a));
#ifndef __cplusplus
	/* a compound literal, whose comma is not a macro argument's */
	CHECK(pthread_mutex_timedlock(&lock_a, &(struct timespec){ until.tv_sec, 0 }));
	CHECK(pthread_mutex_unlock(&lock_a));
#endif
	CHECK(sem_timedwait(&done_sem, &until));
	CHECK(sem_post(&done_sem));
#endif
	return 0;
}

static void *second(void *arg)
{
	(void)arg;
	if (backward() != 0)
		return &shared;
	pthread_mutex_lock(&lock_a);
	ready = 1;
	pthread_cond_signal(&ready_cv);
	pthread_mutex_unlock(&lock_a);
	sem_post(&done_sem);
	return NULL;
}

int main(void)
{
	pthread_t t;
	void *ret = &shared;
	CHECK(sem_init(&done_sem, 0, 1));
	CHECK(other_locks());
	CHECK(sem_wait(&done_sem));
	CHECK(forward());
	CHECK(pthread_create(&t, NULL, second, NULL));
	CHECK(pthread_mutex_lock(&lock_a));
	while (!ready)
		CHECK(pthread_cond_wait(&ready_cv, &lock_a));
	CHECK(pthread_mutex_unlock(&lock_a));
	CHECK(sem_wait(&done_sem));
	CHECK(sem_trywait(&done_sem) == 0);
	CHECK(pthread_join(t, &ret));
	CHECK(ret != NULL);
	CHECK(sem_destroy(&done_sem));
	/* a call glibc fortifies under a first line of _FORTIFY_SOURCE 2 */
	char buf[16];
	CHECK(recv(-1, buf, sizeof(buf), 0) != -1);
	/* the exits as values (the header routes their calls) */
	void (*volatile die)(int) = shared < 0 ? _exit : exit;
	void (*volatile die_now)(int) = &_Exit;
	if (shared < 0)
		die_now(3);
	(void)die;
	printf("forced: done (%d)\n", shared);
	return 0;
}
