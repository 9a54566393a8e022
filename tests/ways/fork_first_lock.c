/* fork_first_lock.c - main starts workers that lock, and forks while they
 * run, having made no lock call itself; the child (one thread, main's)
 * then takes a lock of its own and counts its threads. Natively it has
 * one. Before, main's first lock call in the child made its lockwatch
 * state there, which counted as a second thread showing up: the child
 * started lockwatch's watchdog (2 threads), and a ThreadSanitizer child
 * died of it ("starting new threads after multi-threaded fork is not
 * supported"). Runs correctly natively; no report. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "threads_now.h"

#define WORKERS 3

static pthread_mutex_t stats = PTHREAD_MUTEX_INITIALIZER;
static long hits;
static int stop;

static void *worker(void *arg)
{
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&stats);
		hits++;
		pthread_mutex_unlock(&stats);
		usleep(100);
	}
	return arg;
}

int main(void)
{
	pthread_t t[WORKERS];
	for (int i = 0; i < WORKERS; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	usleep(50000); /* the workers lock meanwhile */
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		pthread_mutex_t own = PTHREAD_MUTEX_INITIALIZER;
		pthread_mutex_lock(&own);
		pthread_mutex_unlock(&own);
		usleep(200000); /* time for a thread to show, were one started */
		printf("child: %d thread(s)\n", threads_now());
		fflush(stdout);
		_exit(0);
	}
	int st = 0;
	waitpid(p, &st, 0);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(t[i], NULL);
	printf("child status %d, workers done\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}
