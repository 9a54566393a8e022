/* deadlock.c - a program that really deadlocks: philosopher_a takes
 * left_fork then right_fork, philosopher_b the other way round, and a
 * barrier makes sure each holds its first fork before reaching for the
 * second. Natively it hangs forever. Under lockwatch run (which sets
 * on_deadlock=exit) the watchdog must find the deadlock and end the
 * program: status 66 within seconds, a deadlock error naming both forks
 * with both threads waiting, and their functions in the stacks. */
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t left_fork = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t right_fork = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;

__attribute__((noinline)) void *philosopher_a(void *arg)
{
	pthread_mutex_lock(&left_fork);
	pthread_barrier_wait(&both_hold_one);
	pthread_mutex_lock(&right_fork);
	return arg;
}

__attribute__((noinline)) void *philosopher_b(void *arg)
{
	pthread_mutex_lock(&right_fork);
	pthread_barrier_wait(&both_hold_one);
	pthread_mutex_lock(&left_fork);
	return arg;
}

int main(void)
{
	pthread_t a, b;
	pthread_barrier_init(&both_hold_one, NULL, 2);
	pthread_create(&a, NULL, philosopher_a, NULL);
	pthread_create(&b, NULL, philosopher_b, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	puts("not reached");
	return 0;
}
