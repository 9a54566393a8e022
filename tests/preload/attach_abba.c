/* attach_abba.c - a real ABBA deadlock in a plain program (no lockwatch):
 * forward() holds lock_a and wants lock_b, backward() holds lock_b and
 * wants lock_a (a barrier makes both take their first lock first), main
 * joins them: it hangs for good. It prints its pid-free "started" line;
 * `lockwatch attach PID` must find the deadlock (test_attach.sh). */
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;

__attribute__((noinline)) static void *forward(void *arg)
{
	pthread_mutex_lock(&lock_a);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&lock_b);
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
	return arg;
}

__attribute__((noinline)) static void *backward(void *arg)
{
	pthread_mutex_lock(&lock_b);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&lock_a);
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
	return arg;
}

int main(void)
{
	pthread_t f, b;
	pthread_barrier_init(&both_hold, NULL, 2);
	pthread_create(&f, NULL, forward, NULL);
	pthread_create(&b, NULL, backward, NULL);
	printf("started\n");
	fflush(stdout);
	pthread_join(f, NULL);
	pthread_join(b, NULL);
	printf("not reached\n");
	return 0;
}
