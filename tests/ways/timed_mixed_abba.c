/* timed_mixed_abba.c - an inversion where only one side waits with a
 * deadline: forward() takes A, then B with pthread_rwlock_timedwrlock;
 * backward() takes B for writing, then A with pthread_mutex_lock (one after
 * the other, so natively it never waits). backward() would wait forever:
 * the cycle stays one lock-order error, its note saying which side is a
 * timed acquire, in every way in. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t lock_b = PTHREAD_RWLOCK_INITIALIZER;
static int counter, failed;

static void *forward(void *arg)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += 30;
	failed += pthread_mutex_lock(&lock_a) != 0;
	failed += pthread_rwlock_timedwrlock(&lock_b, &t) != 0;
	counter++;
	failed += pthread_rwlock_unlock(&lock_b) != 0;
	failed += pthread_mutex_unlock(&lock_a) != 0;
	return arg;
}

static void *backward(void *arg)
{
	failed += pthread_rwlock_wrlock(&lock_b) != 0;
	failed += pthread_mutex_lock(&lock_a) != 0;
	counter++;
	failed += pthread_mutex_unlock(&lock_a) != 0;
	failed += pthread_rwlock_unlock(&lock_b) != 0;
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, forward, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, backward, NULL);
	pthread_join(t, NULL);
	printf("counter %d, failed calls %d\n", counter, failed);
	return 0;
}
