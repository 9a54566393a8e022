/* clock_abba.c - the clock variants: forward() takes A then B with
 * pthread_mutex_clocklock, backward() B then A; each also takes a rwlock
 * with pthread_rwlock_clockwrlock / clockrdlock, waits on a condition
 * with pthread_cond_clockwait (the deadline has passed: it returns with
 * the mutex) and takes a semaphore unit with sem_clockwait. One
 * lock-order cycle in every way in, nothing else (an unrouted clocklock
 * once made a false bad_unlock and hid the cycle in the header way): a
 * warning, as both sides are timed acquires. The wrapper API has no clock functions: that way is skipped. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

#ifdef LW_AS_WRAPPER_H
/* the wrapper form is built, never run (WAYS_SKIP) */
int main(void)
{
	return 1;
}
#else

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static sem_t slots;
static int counter, failed;

static struct timespec later(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += 30;
	return t;
}

static void *forward(void *arg)
{
	struct timespec t = later(), now;
	failed += pthread_mutex_clocklock(&lock_a, CLOCK_MONOTONIC, &t) != 0;
	failed += pthread_mutex_clocklock(&lock_b, CLOCK_MONOTONIC, &t) != 0;
	failed += pthread_rwlock_clockwrlock(&table, CLOCK_MONOTONIC, &t) != 0;
	counter++;
	failed += pthread_rwlock_unlock(&table) != 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	failed += pthread_cond_clockwait(&never, &lock_b, CLOCK_MONOTONIC, &now) == 0;
	failed += pthread_mutex_unlock(&lock_b) != 0;
	failed += pthread_mutex_unlock(&lock_a) != 0;
	return arg;
}

static void *backward(void *arg)
{
	struct timespec t = later();
	failed += pthread_mutex_clocklock(&lock_b, CLOCK_MONOTONIC, &t) != 0;
	failed += pthread_mutex_clocklock(&lock_a, CLOCK_MONOTONIC, &t) != 0;
	failed += pthread_rwlock_clockrdlock(&table, CLOCK_MONOTONIC, &t) != 0;
	failed += sem_clockwait(&slots, CLOCK_MONOTONIC, &t) != 0;
	counter++;
	failed += sem_post(&slots) != 0;
	failed += pthread_rwlock_unlock(&table) != 0;
	failed += pthread_mutex_unlock(&lock_a) != 0;
	failed += pthread_mutex_unlock(&lock_b) != 0;
	return arg;
}

int main(void)
{
	pthread_t t;
	sem_init(&slots, 0, 1);
	pthread_create(&t, NULL, forward, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, backward, NULL);
	pthread_join(t, NULL);
	printf("counter %d, failed calls %d\n", counter, failed);
	return 0;
}
#endif
