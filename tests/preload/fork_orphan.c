/* fork_orphan.c - the classic fork hang: a worker holds session_lock while
 * main forks; in the child only main exists, and it locks session_lock,
 * which nobody there can ever unlock. lockwatch reports a deadlock before
 * the child blocks, naming session_lock and child_work; under `lockwatch
 * run` (on_deadlock=exit) the child exits 66 instead of hanging, and the
 * parent prints the child's status. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t held;

static void *holder(void *arg)
{
	pthread_mutex_lock(&session_lock);
	pthread_barrier_wait(&held);
	usleep(500000);
	pthread_mutex_unlock(&session_lock);
	return arg;
}

__attribute__((noinline)) static void child_work(void)
{
	pthread_mutex_lock(&session_lock); /* never returns without lockwatch */
	pthread_mutex_unlock(&session_lock);
}

int main(void)
{
	pthread_t t;
	pthread_barrier_init(&held, NULL, 2);
	pthread_create(&t, NULL, holder, NULL);
	pthread_barrier_wait(&held);
	pid_t pid = fork();
	if (pid == 0) {
		child_work();
		_exit(0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	pthread_join(t, NULL);
	printf("child %s %d\n", WIFEXITED(status) ? "exited" : "killed",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}
