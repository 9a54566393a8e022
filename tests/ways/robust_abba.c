/* robust_abba.c - a real ABBA deadlock on two process-private robust
 * mutexes: transfer() holds from and waits for to, refund() the other way
 * round, both blocked for good (natively it hangs). glibc marks every
 * robust mutex process-shared in its kind, private or not; before, both
 * were taken for process-shared locks, whose waits are never certain
 * deadlocks: the cycle error was printed, then the run hung. In every way
 * in: the cycle error and the deadlock error, then the program ends with
 * 66. With ABBA_PI (pi_abba.c) the mutexes inherit priority instead. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t from, to;
static pthread_barrier_t both_hold;

static void *transfer(void *arg)
{
	pthread_mutex_lock(&from);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&to);
	return arg;
}

static void *refund(void *arg)
{
	pthread_mutex_lock(&to);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&from);
	return arg;
}

int main(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
#ifdef ABBA_PI
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
#else
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST); /* still private */
#endif
	pthread_mutex_init(&from, &a);
	pthread_mutex_init(&to, &a);
	pthread_mutexattr_destroy(&a);
	pthread_barrier_init(&both_hold, NULL, 2);
	pthread_t x, y;
	pthread_create(&x, NULL, transfer, NULL);
	pthread_create(&y, NULL, refund, NULL);
	pthread_join(x, NULL);
	pthread_join(y, NULL);
	printf("not reached\n");
	return 0;
}
