/* signal_sem_post.c - a signal handler that posts a semaphore (the
 * async-signal-safe way to hand an event to a thread), while the
 * interrupted thread takes and lets go of locks: a binary semaphore used
 * as a lock with a mutex inside it, and hand-over-hand pairs (take the
 * next, let go of the one before). The handler's sem_post is an unlock of
 * a lock the thread does not hold, made while the thread may be popping
 * its own held entry. Before, a handler that came between the pop's two
 * stores found a counted entry without its lock and crashed (SIGSEGV,
 * status 139, in three runs of three), or left the held stack wrong (a
 * false lock-order cycle). The program's output and status (0), no
 * report. The timer is wall-clock and stops after MAX_TICKS handler
 * calls or ticker.h's budget of seconds, as in signal_push.c. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#include "ticker.h"

#define ROUNDS 1000000
#define MAX_TICKS 50000
#ifdef __SANITIZE_ADDRESS__
#define PERIOD_US 200
#else
#define PERIOD_US 20
#endif

static sem_t events, gate;
static pthread_mutex_t inner = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t second = PTHREAD_MUTEX_INITIALIZER;

static void on_alarm(int sig)
{
	(void)sig;
	sem_post(&events);
}

int main(void)
{
	sem_init(&events, 0, 0);
	sem_init(&gate, 0, 1);
	ticker_start(on_alarm, PERIOD_US);
	long taken = 0;
	for (long r = 0; r < ROUNDS; r++) {
		sem_wait(&gate);
		pthread_mutex_lock(&inner);
		pthread_mutex_unlock(&inner);
		sem_post(&gate);
		pthread_mutex_lock(&first);
		pthread_mutex_lock(&second);
		pthread_mutex_unlock(&first); /* hand over hand */
		pthread_mutex_unlock(&second);
		taken += 4;
		int v = 0;
		if (r % 1000 == 0 && sem_getvalue(&events, &v) == 0 && v > MAX_TICKS)
			ticker_stop();
	}
	ticker_stop();
	int v = 0;
	sem_getvalue(&events, &v);
	printf("%ld locks taken, the handler ran: %s\n", taken, v > 0 ? "yes" : "no");
	return 0;
}
