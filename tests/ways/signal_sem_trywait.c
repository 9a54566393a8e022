/* signal_sem_trywait.c - a signal handler that takes a semaphore with
 * sem_trywait and leaves it taken, and posts it at its next call, while
 * the interrupted thread takes two locks, always in one order, and lets
 * them go. The post is the unlock of an entry deep in the thread's held
 * stack, made while the thread may be in the middle of a lock call on
 * the entries above it. Before, the post moved those entries down under
 * the interrupted pop, which then popped a stale top: a lock the thread
 * had let go of read as still held, and the next round's first lock made
 * a false lock-order cycle (status 66). The program's output and status
 * (0), no report. The timer is wall-clock and stops after MAX_TICKS
 * handler calls or ticker.h's budget of seconds, as in signal_push.c. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#include "ticker.h"

#define ROUNDS 2000000
#define MAX_TICKS 100000
#ifdef __SANITIZE_ADDRESS__
#define PERIOD_US 200
#else
#define PERIOD_US 20
#endif

static sem_t token;
static volatile sig_atomic_t have, ticks;
static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t inner = PTHREAD_MUTEX_INITIALIZER;

static void on_alarm(int sig)
{
	(void)sig;
	if (have) {
		sem_post(&token);
		have = 0;
	} else if (sem_trywait(&token) == 0) {
		have = 1;
	}
	ticks++;
}

int main(void)
{
	sem_init(&token, 0, 1);
	ticker_start(on_alarm, PERIOD_US);
	long taken = 0;
	for (long r = 0; r < ROUNDS && ticks < MAX_TICKS; r++) {
		pthread_mutex_lock(&outer);
		pthread_mutex_lock(&inner);
		pthread_mutex_unlock(&inner);
		pthread_mutex_unlock(&outer);
		taken += 2;
	}
	ticker_stop();
	printf("%s locks taken, the handler ran: %s\n", taken > 0 ? "some" : "no",
	       ticks > 0 ? "yes" : "no");
	return 0;
}
