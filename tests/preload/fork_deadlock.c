/* fork_deadlock.c - the watchdog in a forked child: the parent (with a
 * second thread, so the fork is from a multi-threaded process) forks; the
 * child deadlocks two of its threads on A and B. The child's watchdog,
 * started again with its second thread, must find the deadlock: under
 * `lockwatch run` the child ends with status 66 (on_deadlock=exit) instead
 * of hanging, and the parent prints the child's status and exits 0. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

pthread_mutex_t A = PTHREAD_MUTEX_INITIALIZER, B = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t bar;

__attribute__((noinline)) static void *a_then_b(void *arg)
{
	pthread_mutex_lock(&A);
	pthread_barrier_wait(&bar);
	pthread_mutex_lock(&B);
	return arg;
}

__attribute__((noinline)) static void *b_then_a(void *arg)
{
	pthread_mutex_lock(&B);
	pthread_barrier_wait(&bar);
	pthread_mutex_lock(&A);
	return arg;
}

static void *idle(void *arg) { sleep(1); return arg; }

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, idle, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t x, y;
		pthread_barrier_init(&bar, NULL, 2);
		pthread_create(&x, NULL, a_then_b, NULL);
		pthread_create(&y, NULL, b_then_a, NULL);
		pthread_join(x, NULL); /* never returns unless the watchdog ends it */
		_exit(0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	pthread_join(t, NULL);
	printf("child %s %d\n", WIFEXITED(status) ? "exited" : "killed",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}
