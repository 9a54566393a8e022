/* stack_signal_own.c - the program handles signal 40 (lockwatch's stack
 * signal, asked for with stack_signal=40) itself, with an SA_SIGINFO
 * handler set before any lock:
 * when a long hold makes lockwatch want to know what the holder is doing,
 * it must leave that handler alone, so the program's own signal 40 still
 * reaches it. Run with hold_ms=100: one long_hold warning; the program's
 * output and status (0). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t slow = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t mine;

static void on_40(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	mine++;
}

static void *holder(void *arg)
{
	struct timespec t = { 0, 400 * 1000000L };
	pthread_mutex_lock(&slow);
	while (nanosleep(&t, &t) != 0)
		;
	pthread_mutex_unlock(&slow);
	return arg;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_40;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(40, &sa, NULL);
	pthread_t t;
	pthread_create(&t, NULL, holder, NULL);
	pthread_join(t, NULL);
	pthread_kill(pthread_self(), 40);
	printf("my handler ran %d time(s)\n", (int)mine);
	return 0;
}
