/* pidns_names.c - a process in a new PID namespace whose /proc was not
 * mounted again (`unshare --pid --fork` without --mount-proc): its
 * getpid() is 1 and its thread ids are the namespace's, but /proc still
 * names them as the parent namespace does. The child takes A then B,
 * and B then A: one lock_order_cycle error, with its locks and functions
 * named (they were `mutex@pidns_names+0x...` and `??`: the module list
 * was read from /proc/TID/maps with the namespace's thread id, another
 * process's). Root only (77 elsewhere). */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER, lock_b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void forward(void)
{
	pthread_mutex_lock(&lock_a);
	pthread_mutex_lock(&lock_b);
	pthread_mutex_unlock(&lock_b);
	pthread_mutex_unlock(&lock_a);
}

__attribute__((noinline)) static void backward(void)
{
	pthread_mutex_lock(&lock_b);
	pthread_mutex_lock(&lock_a);
	pthread_mutex_unlock(&lock_a);
	pthread_mutex_unlock(&lock_b);
}

int main(void)
{
	if (geteuid() != 0 || unshare(CLONE_NEWPID) != 0) {
		puts("skipped: cannot make a PID namespace here");
		return 77;
	}
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		forward();
		backward();
		printf("child is pid %d\n", (int)getpid());
		exit(0);
	}
	int st = 0;
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
