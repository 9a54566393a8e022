/* sem_signal_wake.c - every thread blocked, and a signal is what wakes
 * them: a daemon's shutdown (its SIGTERM handler posts a semaphore the
 * main thread waits on, sem_post being async-signal-safe) and Python's
 * way (the handler only sets a flag; sem_wait returns EINTR, the waiter
 * sees the flag). A worker idles on a condition variable meanwhile. Each
 * phase waits a second for a timer's SIGALRM: long enough for the
 * watchdog to find every thread blocked, which is not a deadlock while a
 * handler can still run (it was one: the run killed with status 66, the
 * program correct). No report; the program's own output and status. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static sem_t wake;
static volatile sig_atomic_t posting, flagged;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cond = PTHREAD_COND_INITIALIZER;
static int stopping;

static void on_alarm(int sig)
{
	(void)sig;
	if (posting)
		sem_post(&wake);
	else
		flagged = 1;
}

static void *idle_worker(void *arg)
{
	pthread_mutex_lock(&pool_lock);
	while (!stopping)
		pthread_cond_wait(&pool_cond, &pool_lock);
	pthread_mutex_unlock(&pool_lock);
	return arg;
}

static void alarm_in_a_second(void)
{
	struct itimerval it;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = 1;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* The daemon's way: the handler posts. */
__attribute__((noinline)) static int wait_posted(void)
{
	posting = 1;
	alarm_in_a_second();
	while (sem_wait(&wake) != 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* Python's way: the handler sets a flag, the wait ends with EINTR. */
__attribute__((noinline)) static int wait_interrupted(void)
{
	posting = 0;
	alarm_in_a_second();
	while (!flagged)
		if (sem_wait(&wake) != 0 && errno != EINTR)
			return -1;
	return 0;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: Python installs its handlers so */
	sigaction(SIGALRM, &sa, NULL);
	pthread_t t;
	if (sem_init(&wake, 0, 0) != 0 || pthread_create(&t, NULL, idle_worker, NULL) != 0)
		return 1;
	int a = wait_posted();
	printf("posted by the handler: %s\n", a == 0 ? "woken" : "failed");
	int b = wait_interrupted();
	printf("interrupted, flag set: %s\n", b == 0 ? "woken" : "failed");
	pthread_mutex_lock(&pool_lock);
	stopping = 1;
	pthread_cond_broadcast(&pool_cond);
	pthread_mutex_unlock(&pool_lock);
	pthread_join(t, NULL);
	return a == 0 && b == 0 ? 0 : 1;
}
