/* robust_fork_orphan.c - a thread holds a process-private robust mutex
 * when main forks; the child then locks it. Only the forking thread lives
 * on in the child and the holder's robust list is not inherited: nobody
 * in the child can unlock it, so it waits for good (natively the child
 * hangs, and the parent waiting for it). Before, the robust mutex was
 * taken for a process-shared one (glibc marks every robust mutex so):
 * no orphan, no report, a hang. In every way in: the deadlock error in
 * the child, which ends with 66, and the parent exits with its status. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t cache_lock;
static pthread_barrier_t held;

static void *refresher(void *arg)
{
	pthread_mutex_lock(&cache_lock);
	pthread_barrier_wait(&held);
	for (;;)
		pause(); /* holds cache_lock while the parent lives */
	return arg;
}

int main(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST); /* still private */
	pthread_mutex_init(&cache_lock, &a);
	pthread_mutexattr_destroy(&a);
	pthread_barrier_init(&held, NULL, 2);
	pthread_t t;
	pthread_create(&t, NULL, refresher, NULL);
	pthread_barrier_wait(&held);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		pthread_mutex_lock(&cache_lock); /* nobody here can unlock it */
		printf("not reached\n");
		_exit(0);
	}
	int st = 0;
	if (p < 0 || waitpid(p, &st, 0) != p)
		return 1;
	exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
}
