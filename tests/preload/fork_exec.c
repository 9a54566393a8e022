/* fork_exec.c - a multi-threaded parent (two threads taking locks in one
 * order) forks a child that runs /bin/sh -c 'exec "$0"' PROGRAM: the shell
 * and then PROGRAM (argv[1], the inversion program) start with the preload
 * still in LD_PRELOAD and LOCKWATCH_OPTIONS in the environment. main prints
 * "child PID" (exec keeps the pid), waits, and exits with 0 when the child
 * exited 0. Under lockwatch run: PROGRAM's lock_order_cycle error lands in
 * the same JSON file with the child's pid, and the status is 66. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t second = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop;

__attribute__((noinline)) static void in_order(void)
{
	pthread_mutex_lock(&first);
	pthread_mutex_lock(&second);
	pthread_mutex_unlock(&second);
	pthread_mutex_unlock(&first);
}

static void *busy(void *arg)
{
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		in_order();
	return arg;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: fork_exec PROGRAM\n");
		return 2;
	}
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, busy, NULL);
	usleep(10000);
	fflush(stdout);
	pid_t p = fork();
	if (p < 0)
		return 1;
	if (p == 0) {
		execl("/bin/sh", "sh", "-c", "exec \"$0\"", argv[1], (char *)NULL);
		_exit(127);
	}
	printf("child %d\n", (int)p);
	fflush(stdout);
	int st;
	if (waitpid(p, &st, 0) != p)
		return 1;
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
