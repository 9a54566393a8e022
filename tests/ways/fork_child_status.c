/* fork_child_status.c - a parent that found an error forks a worker that
 * ends well: the worker's exit status is its own. The parent makes the
 * cycle of two_orders.h, then forks a child that does its own clean work and exits 0, and checks that
 * status, as supervisors and test runners do. Before, with option
 * exitcode the child inherited its parent's error count and exited 66:
 * the parent saw its worker fail. One lock_order_cycle error (the
 * parent's); the output is the program's. */
#include "two_orders.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	if (two_orders() != 0)
		return 1;
	fflush(stdout);
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		pthread_mutex_lock(&accounts); /* the worker's own clean work */
		balance *= 2;
		pthread_mutex_unlock(&accounts);
		exit(0);
	}
	int status = 0;
	if (waitpid(child, &status, 0) != child)
		return 1;
	printf("balance %ld, worker exited %d\n", balance,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
