/* cond_spied.c - a program linked with a library that interposes the
 * condition waits (cond_spy.c, as ThreadSanitizer's runtime does): a
 * producer hands 200 items to a consumer through a condition variable
 * (pthread_cond_wait), then the main thread makes one timed wait whose
 * deadline has passed. Every call the program makes must reach that
 * library, as natively: before, the preload way looked glibc's versioned
 * waits up past it, so the library saw none (ThreadSanitizer then took a
 * mutex released by a wait for still held: "double lock of a mutex", and
 * false reports of the program's own). No report; the program's output
 * and status (0). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

unsigned cond_spy_calls(pthread_cond_t *c);

#define ITEMS 200

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int queued, taken;
static unsigned waits_made; /* the program's own calls, under mu */

static void *consumer(void *arg)
{
	pthread_mutex_lock(&mu);
	while (taken < ITEMS) {
		while (queued == 0) {
			waits_made++;
			pthread_cond_wait(&ready, &mu);
		}
		queued--;
		taken++;
	}
	pthread_mutex_unlock(&mu);
	return arg;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, consumer, NULL))
		return 1;
	for (int i = 0; i < ITEMS; i++) {
		pthread_mutex_lock(&mu);
		queued++;
		pthread_cond_signal(&ready);
		pthread_mutex_unlock(&mu);
	}
	pthread_join(t, NULL);
	struct timespec past = { 0, 0 };
	pthread_mutex_lock(&mu);
	waits_made++;
	int rc = pthread_cond_timedwait(&ready, &mu, &past);
	pthread_mutex_unlock(&mu);
	unsigned seen = cond_spy_calls(&ready);
	printf("%d items taken; the timed wait: %s; the interposing library saw %s\n", taken,
	       rc == ETIMEDOUT ? "timed out" : "did not time out",
	       seen == waits_made ? "every wait" : "not every wait");
	if (seen != waits_made)
		fprintf(stderr, "cond_spied: %u waits made, %u seen\n", waits_made, seen);
	return 0;
}
