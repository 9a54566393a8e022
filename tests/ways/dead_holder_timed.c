/* dead_holder_timed.c - a thread locks a mutex and exits holding it;
 * main then tries it with pthread_mutex_timedlock, 100 ms ahead, and
 * gets ETIMEDOUT, as it would for any holder: a timed lock of a lock
 * whose holder is gone fails, it does not wait for good. One
 * thread_exit_holding warning; before, the timed lock was reported as a
 * deadlock with the exited holder and the program killed (status 66). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t config = PTHREAD_MUTEX_INITIALIZER;

static void *leaver(void *arg)
{
	pthread_mutex_lock(&config);
	return arg; /* exits holding config */
}

int main(void)
{
	pthread_t t;
	struct timespec until;
	pthread_create(&t, NULL, leaver, NULL);
	pthread_join(t, NULL);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 100000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	int rc = pthread_mutex_timedlock(&config, &until);
	printf("timedlock: %s\n", rc == ETIMEDOUT ? "ETIMEDOUT" : rc == 0 ? "taken" : "other");
	return 0;
}
