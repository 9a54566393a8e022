/* kill_self.c - takes a lock in a second thread, then the process sends
 * itself SIGKILL (nothing can catch it, no atexit runs). Under lockwatch run
 * the status must be 128 + 9 = 137. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *locker(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, locker, NULL);
	pthread_join(t, NULL);
	pthread_mutex_lock(&m);
	fflush(stdout);
	raise(SIGKILL);
	return 0; /* not reached */
}
