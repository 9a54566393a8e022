/* fork_capture.c - threads make, lock and free new mutexes (each a first
 * use: lockwatch registers it and captures its stack with libunwind)
 * while they fork, again and again; each child makes and locks one more
 * new mutex, then exits. Natively every child exits 0 at once. Before,
 * a child now and then hung for good inside lockwatch's stack capture,
 * on a libunwind lock a parent thread held at the fork (its alarm then
 * ends it). Runs correctly natively; no report. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 4
#define FORKS 60
#define BETWEEN 50

static pthread_mutex_t tally = PTHREAD_MUTEX_INITIALIZER;
static int hung, failed;

static void fresh_lock(void)
{
	pthread_mutex_t *m = malloc(sizeof(*m));
	if (!m)
		abort();
	pthread_mutex_init(m, NULL);
	pthread_mutex_lock(m);
	pthread_mutex_unlock(m);
	pthread_mutex_destroy(m);
	free(m);
}

static void *worker(void *arg)
{
	for (int f = 0; f < FORKS; f++) {
		for (int i = 0; i < BETWEEN; i++)
			fresh_lock();
		pid_t p = fork();
		if (p == 0) {
			alarm(20); /* a hung child ends */
			fresh_lock();
			_exit(0);
		}
		int st = 0;
		if (p < 0 || waitpid(p, &st, 0) != p)
			abort();
		pthread_mutex_lock(&tally);
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
			hung++;
		else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
		pthread_mutex_unlock(&tally);
	}
	return arg;
}

int main(void)
{
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("%d forks: %d children hung, %d failed\n", THREADS * FORKS, hung, failed);
	return hung || failed;
}
