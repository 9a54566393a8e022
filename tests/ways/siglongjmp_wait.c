/* siglongjmp_wait.c - a thread that gives up a lock wait by a signal
 * handler's siglongjmp (a timeout done the old way), then goes on
 * holding the lock it took first, and lets it go a second later; the
 * main thread, which held the lock the thread had waited for, meanwhile
 * waits for that first lock. The two orders are a real cycle (without
 * the signal the program deadlocks), one error; but the wait lockwatch
 * saw begin never ended through it, and before, the watchdog took the
 * two waits for a deadlock and killed the program (status 66, "main
 * took config" never printed). The kernel shows the thread is not asleep
 * on the lock's word: no deadlock. The program's output, one
 * lock_order_cycle. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t config = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats = PTHREAD_MUTEX_INITIALIZER;
static sigjmp_buf give_up;

static void on_timeout(int sig)
{
	(void)sig;
	siglongjmp(give_up, 1);
}

static void *refresher(void *arg)
{
	pthread_mutex_lock(&config);
	if (sigsetjmp(give_up, 1) == 0) {
		pthread_mutex_lock(&stats); /* main holds it: waits for the signal */
		puts("took stats");
		pthread_mutex_unlock(&stats);
	} else {
		puts("gave up waiting for stats");
	}
	sleep(1); /* still holding config */
	pthread_mutex_unlock(&config);
	return arg;
}

int main(void)
{
	struct sigaction sa;
	pthread_t t;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_timeout;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_mutex_lock(&stats);
	pthread_create(&t, NULL, refresher, NULL);
	usleep(300000);
	pthread_kill(t, SIGUSR1);
	usleep(100000);
	pthread_mutex_lock(&config); /* until refresher lets it go */
	puts("main took config");
	pthread_mutex_unlock(&config);
	pthread_mutex_unlock(&stats);
	pthread_join(t, NULL);
	return 0;
}
