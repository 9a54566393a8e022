/* fork_errcheck_held.c - main holds an error-checking mutex when it forks.
 * In the child, glibc still names the parent's thread its owner: the
 * child's unlock fails with EPERM, and a worker the child starts then
 * waits for it for good (natively the child hangs, and the parent
 * waiting for it). Before, lockwatch took the child's thread for the
 * holder and counted the refused unlock as a release: a long-wait
 * warning, no error, a hang. In every way in: the unlock is a bad
 * unlock, the worker's lock a deadlock error, and the child ends with 66
 * (the parent exits with its status). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t journal = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

static void *flusher(void *arg)
{
	pthread_mutex_lock(&journal); /* nobody in the child can unlock it */
	printf("not reached\n");
	return arg;
}

int main(void)
{
	pthread_mutex_lock(&journal);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		int rc = pthread_mutex_unlock(&journal);
		printf("child unlock: %s\n", rc ? strerror(rc) : "done");
		fflush(stdout);
		pthread_t t;
		pthread_create(&t, NULL, flusher, NULL);
		pthread_join(t, NULL);
		_exit(0);
	}
	int st = 0;
	if (p < 0 || waitpid(p, &st, 0) != p)
		return 1;
	exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
}
