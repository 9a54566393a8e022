/* timed_abba.c - an inversion taken only with pthread_mutex_timedlock:
 * forward() takes A then B, backward() B then A, every acquire with a
 * deadline (one after the other, so natively it never waits). Threads
 * meeting here would block each other until the deadline and then fail,
 * not hang: the cycle is one lock-order warning (every blocking edge is a
 * timed acquire), its edges marked to_timed, in every way in. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int counter, failed;

static struct timespec later(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += 30;
	return t;
}

static void *forward(void *arg)
{
	struct timespec t = later();
	failed += pthread_mutex_timedlock(&lock_a, &t) != 0;
	failed += pthread_mutex_timedlock(&lock_b, &t) != 0;
	counter++;
	failed += pthread_mutex_unlock(&lock_b) != 0;
	failed += pthread_mutex_unlock(&lock_a) != 0;
	return arg;
}

static void *backward(void *arg)
{
	struct timespec t = later();
	failed += pthread_mutex_timedlock(&lock_b, &t) != 0;
	failed += pthread_mutex_timedlock(&lock_a, &t) != 0;
	counter++;
	failed += pthread_mutex_unlock(&lock_a) != 0;
	failed += pthread_mutex_unlock(&lock_b) != 0;
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
