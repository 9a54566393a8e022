/* exit_fast.c - a program that found an error and ends with _exit, as
 * programs that skip their exit handlers do (and forked children): the
 * error must still reach the exit status: the cycle of two_orders.h
 * first. A vfork child that cannot exec ends with
 * _exit(3), and its parent checks that status: the vfork child shares
 * its parent's memory, errors included, and must keep its own status.
 * Then the program prints its result and calls _exit(0). Before, with
 * option exitcode, the header and wrapper ways ended 0: _exit runs no
 * exit handler. One lock_order_cycle error; the output is the program's. */
#include "two_orders.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	if (two_orders() != 0)
		return 1;
	pid_t child = vfork();
	if (child < 0)
		return 1;
	if (child == 0)
		_exit(3); /* as after an exec that failed */
	int status = 0;
	if (waitpid(child, &status, 0) != child)
		return 1;
	printf("balance %ld, vfork child exited %d\n", balance,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	fflush(stdout);
	_exit(0);
}
