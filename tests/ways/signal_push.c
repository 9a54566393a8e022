/* signal_push.c - a signal handler that locks while the interrupted
 * thread is pushing a lock onto its held stack (issue 10). A 25 us
 * interval timer whose SIGALRM handler locks and unlocks a mutex of its
 * own, while the main thread takes two nested mutexes two million times
 * (lockwatch's fast path, where the push is a few stores outside the
 * guard) and a new mutex now and then. The handler's entry must never
 * overwrite the one the interrupted code is writing, and a second handler
 * call that comes before the interrupted code has written its entry again
 * must not find the first one's lock there (it removed it as stale, with
 * the interrupted code's entry: a false bad_unlock of table_lock or
 * row_lock, one run in ten on a busy machine): no report (before the
 * fixes: false bad_unlock, self_deadlock or destroy_held reports); the
 * program's output and status (0). A bounded number of rounds, no timing
 * in what is checked. The timer is wall-clock: on a loaded machine the
 * program gets less CPU between ticks, so the handler's share grew until
 * a way ran past the script's 30 s (once in a fresh clone's suite); the
 * timer stops after MAX_TICKS handler calls or ticker.h's budget of
 * seconds, whichever comes first. */
#include <pthread.h>
#include <stdio.h>

#include "ticker.h"

#define ROUNDS 2000000
#define NEW_EVERY 1000
#define MAX_TICKS 100000
/* a sanitizer build runs everything slower: a slower timer there */
#ifdef __SANITIZE_ADDRESS__
#define PERIOD_US 200
#else
#define PERIOD_US 25
#endif

static pthread_mutex_t tick_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t row_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t ticks;

static void on_alarm(int sig)
{
	(void)sig;
	pthread_mutex_lock(&tick_lock);
	ticks++;
	pthread_mutex_unlock(&tick_lock);
}

int main(void)
{
	ticker_start(on_alarm, PERIOD_US);
	long taken = 0;
	for (long r = 0; r < ROUNDS; r++) {
		pthread_mutex_lock(&table_lock);
		pthread_mutex_lock(&row_lock);
		taken += 2;
		if (r % NEW_EVERY == 0) {
			pthread_mutex_t fresh;
			pthread_mutex_init(&fresh, NULL);
			pthread_mutex_lock(&fresh);
			taken++;
			pthread_mutex_unlock(&fresh);
			pthread_mutex_destroy(&fresh);
		}
		pthread_mutex_unlock(&row_lock);
		pthread_mutex_unlock(&table_lock);
		if (r % NEW_EVERY == 0 && ticks > MAX_TICKS)
			ticker_stop();
	}
	ticker_stop();
	printf("%ld locks taken, the handler ran: %s\n", taken, ticks > 0 ? "yes" : "no");
	return 0;
}
