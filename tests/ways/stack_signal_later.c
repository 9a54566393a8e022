/* stack_signal_later.c - signal 40 (lockwatch's stack signal, asked for
 * with stack_signal=40) and a program that uses it later. First a thread that blocks every
 * signal holds a lock too long: lockwatch must not signal it (the signal
 * would stay pending, for the program to find). Then the program sets its
 * own handler with signal();
 * another thread holds a lock too long: lockwatch must no longer send
 * signal 40, which would now reach the program's handler. Run with
 * hold_ms=100: two long_hold warnings (each hold lasts 900 ms: a watchdog
 * pass a busy machine delays still sees it, and it never reaches 10x);
 * the program's output and status (0). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t slow = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t mine;

static void on_40(int sig)
{
	(void)sig;
	mine++;
}

static void *holder(void *arg)
{
	int block = arg != NULL, pending;
	sigset_t all, set;
	sigfillset(&all);
	if (block)
		pthread_sigmask(SIG_BLOCK, &all, NULL);
	struct timespec t = { 0, 900 * 1000000L };
	pthread_mutex_lock(&slow);
	while (nanosleep(&t, &t) != 0)
		;
	pthread_mutex_unlock(&slow);
	sigpending(&set);
	pending = sigismember(&set, 40);
	if (block)
		printf("signal 40 pending in the thread that blocks it: %s\n", pending ? "yes" : "no");
	return NULL;
}

static void hold(int block)
{
	pthread_t t;
	pthread_create(&t, NULL, holder, block ? "block" : NULL);
	pthread_join(t, NULL);
}

int main(void)
{
	hold(1);
	signal(40, on_40);
	hold(0);
	printf("my handler ran %d time(s)\n", (int)mine);
	return 0;
}
