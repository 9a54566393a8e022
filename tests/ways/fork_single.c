/* fork_single.c - a forked child of a process that had threads has one
 * thread, and may rely on it: unshare(CLONE_NEWUSER), setns into a user
 * namespace and a seccomp-before-threads sandbox need a single-threaded
 * caller (a sandboxing helper forked by a threaded service). The parent
 * runs a worker that takes a lock, joins it, and forks; the child takes
 * locks (never a second thread: nobody else can hold them, nobody can
 * deadlock it), then reads how many threads it has. Before, lockwatch
 * started its watchdog thread in the child at its first lock call (glibc
 * never says single-threaded again once a process had a thread), so the
 * child had two and unshare(CLONE_NEWUSER) failed with EINVAL. Runs
 * correctly natively; no report. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "threads_now.h"

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t config = PTHREAD_MUTEX_INITIALIZER;
static int workers;

static void *worker(void *arg)
{
	pthread_mutex_lock(&registry);
	workers++;
	pthread_mutex_unlock(&registry);
	return arg;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) || pthread_join(t, NULL))
		return 1;
	fflush(stdout);
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		pthread_mutex_lock(&registry);
		pthread_mutex_lock(&config);
		workers += 10;
		pthread_mutex_unlock(&config);
		pthread_mutex_unlock(&registry);
		printf("child: %d workers, %d thread(s)\n", workers, threads_now());
		return 0;
	}
	int status = 0;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return 1;
	printf("parent: %d worker(s), child exited %d\n", workers, WEXITSTATUS(status));
	return 0;
}
