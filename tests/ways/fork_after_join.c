/* fork_after_join.c - a program whose threads have all been joined forks,
 * and then counts its own threads (Threads: of /proc/self/status), as
 * Python 3.12's fork does to warn that a threaded process forked (the
 * warning, turned into an error, fails such a program). Natively it has
 * one. lockwatch's watchdog and reader used to stay (the first thread's
 * lock started them): 3. Now they end before the fork when the program is
 * down to the forking thread (no look under way), and start again with
 * the next thread: a worker then locks, and the program counts again.
 * The joined workers' tasks may linger a moment after the join (as they
 * may natively): each count waits up to 2 s for 1. Runs correctly
 * natively; no report. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "threads_now.h"

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static int jobs;

static void *worker(void *arg)
{
	pthread_mutex_lock(&registry);
	jobs++;
	pthread_mutex_unlock(&registry);
	return arg;
}

/* Threads, once it is 1 or 2 s have passed */
static int settled_threads(void)
{
	int n = threads_now();
	for (int i = 0; i < 200 && n != 1; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		n = threads_now();
	}
	return n;
}

static int fork_and_wait(void)
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	int st = 0;
	return p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void round_of(int workers)
{
	for (int i = 0; i < workers; i++) {
		pthread_t t;
		pthread_create(&t, NULL, worker, NULL);
		pthread_join(t, NULL);
	}
	if (!fork_and_wait())
		printf("the child failed\n");
	printf("after %d workers and a fork: %d thread(s)\n", workers, settled_threads());
}

int main(void)
{
	round_of(3);
	round_of(1); /* lockwatch's threads started again, and ended again */
	printf("%d jobs\n", jobs);
	return 0;
}
