/* signal_locks.c - a signal handler that calls into lockwatch while the
 * interrupted thread is busy with many new locks: a 100 us interval timer
 * whose SIGALRM handler sets up and tears down a mutex of its own on its
 * stack, while the main thread makes, nests and destroys thousands of new
 * mutexes, so that lockwatch is often inside its slow path (registering a
 * lock, capturing a stack, adding an edge, holding its registry lock) when
 * the signal comes. A call made from the handler then must pass straight
 * through, never wait for a lock its own thread holds. A bounded number of
 * rounds; no report; the program's output and status (0).
 * (A handler that also locks, while the interrupted code pushes a held
 * entry: signal_push.c.) */
#include <pthread.h>
#include <stdio.h>

#include "ticker.h"

#define ROUNDS 4000
/* the timer's period: 100 us (at 20 us, on a loaded machine, the wrapper
 * build's main thread got no CPU between handlers and never finished; the
 * handler runs slower there, through liblockwatch); a sanitizer build runs
 * the handler slower still, so 400 us there */
#ifdef __SANITIZE_ADDRESS__
#define PERIOD_US 400
#else
#define PERIOD_US 100
#endif
#define PER_ROUND 8

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t hits;

static void on_alarm(int sig)
{
	(void)sig;
	pthread_mutex_t mine;
	pthread_mutex_init(&mine, NULL);
	hits++;
	pthread_mutex_destroy(&mine);
}

int main(void)
{
	ticker_start(on_alarm, PERIOD_US);
	long taken = 0;
	/* ROUNDS, and on until the handler has run (a fast native build can
	 * finish ROUNDS before the first tick: the output said so, and
	 * differed from lockwatch's), at most 100 times as many */
	for (int r = 0; r < ROUNDS || (hits == 0 && r < 100 * ROUNDS); r++) {
		pthread_mutex_t m[PER_ROUND];
		for (int i = 0; i < PER_ROUND; i++)
			pthread_mutex_init(&m[i], NULL);
		pthread_mutex_lock(&outer);
		for (int i = 0; i < PER_ROUND; i++) {
			pthread_mutex_lock(&m[i]);
			taken++;
		}
		for (int i = PER_ROUND; i-- > 0;)
			pthread_mutex_unlock(&m[i]);
		pthread_mutex_unlock(&outer);
		for (int i = 0; i < PER_ROUND; i++)
			pthread_mutex_destroy(&m[i]);
	}
	ticker_stop();
	printf("%s rounds, %d locks a round, the handler ran: %s\n",
	       taken >= (long)ROUNDS * PER_ROUND ? "all" : "not all", PER_ROUND,
	       hits > 0 ? "yes" : "no");
	return 0;
}
