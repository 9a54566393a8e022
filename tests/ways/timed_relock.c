/* timed_relock.c - a thread tries a timed lock of a mutex it already
 * holds: glibc waits until the deadline and returns ETIMEDOUT (and with a
 * deadline that is no time at all, EINVAL at once); the program handles
 * it and goes on. A relock, reported, but one that cannot hang: a
 * warning, as a relock an error-checking mutex refuses (EDEADLK). Before,
 * it was a certain self-deadlock: an error, and the program was ended
 * (on_deadlock=exit) before it printed. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t settings = PTHREAD_MUTEX_INITIALIZER;

static int try_again(void)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 50 * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	return pthread_mutex_timedlock(&settings, &until);
}

int main(void)
{
	pthread_mutex_lock(&settings);
	int rc = try_again(); /* a bug: the thread holds it */
	printf("timed relock: %s\n", rc == ETIMEDOUT ? "timed out" : strerror(rc));
	struct timespec bad = { 0, 2000000000L }; /* not a time */
	rc = pthread_mutex_timedlock(&settings, &bad);
	printf("with a bad deadline: %s\n", rc == EINVAL ? "invalid" : strerror(rc));
	pthread_mutex_unlock(&settings);
	return 0;
}
