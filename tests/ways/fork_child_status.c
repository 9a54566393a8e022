/* fork_child_status.c - a parent that found an error forks a worker that
 * ends well: the worker's exit status is its own. transfer() and audit()
 * take two locks in opposite orders, one thread after the other (a
 * lock-order cycle, never a deadlock), in the parent; then it forks a
 * child that does its own clean work and exits 0, and checks that
 * status, as supervisors and test runners do. Before, with option
 * exitcode the child inherited its parent's error count and exited 66:
 * the parent saw its worker fail. One lock_order_cycle error (the
 * parent's); the output is the program's. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t accounts = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t journal = PTHREAD_MUTEX_INITIALIZER;
static long balance;

__attribute__((noinline)) static void *transfer(void *arg)
{
	pthread_mutex_lock(&accounts);
	pthread_mutex_lock(&journal);
	balance += 7;
	pthread_mutex_unlock(&journal);
	pthread_mutex_unlock(&accounts);
	return arg;
}

__attribute__((noinline)) static void *audit(void *arg)
{
	pthread_mutex_lock(&journal);
	pthread_mutex_lock(&accounts);
	balance -= 2;
	pthread_mutex_unlock(&accounts);
	pthread_mutex_unlock(&journal);
	return arg;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, transfer, NULL) || pthread_join(t, NULL) ||
	    pthread_create(&t, NULL, audit, NULL) || pthread_join(t, NULL))
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
