/* fork_thread_start.c - a process forks as soon as a worker's first lock
 * is done, and the forked child allocates. Natively the worker waits on a
 * barrier by then, so nothing is inside the allocator at the fork. Under
 * lockwatch that first lock starts lockwatch's watchdog thread, whose
 * start-up calls the program's malloc and free (glibc's thread attributes;
 * AddressSanitizer's own thread set-up). Before, the fork could come while
 * it was inside them: with an allocator that takes no locks around fork
 * (AddressSanitizer's, gcc 12), the child inherited a locked size class and
 * hung at its next allocation of that size. Each round is a fresh process,
 * so that every round starts the watchdog again; a hung grandchild ends by
 * its alarm, and the round says so. Runs correctly natively; no report. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 200
#define BLOCKS 32
#define BLOCK_BYTES 7000 /* AddressSanitizer's 8 KiB class, as libdw's inflate state */

static pthread_mutex_t jobs = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t queued, forked;
static int n_queued;

static void *worker(void *arg)
{
	pthread_mutex_lock(&jobs);
	n_queued++;
	pthread_mutex_unlock(&jobs);
	pthread_barrier_wait(&queued);
	pthread_barrier_wait(&forked); /* no thread ends meanwhile */
	return arg;
}

/* The forked child's work: blocks of one size class, allocated and freed. */
static int child_work(void)
{
	void *p[BLOCKS];
	alarm(30); /* a hang ends, and the round reports it */
	for (int i = 0; i < BLOCKS; i++) {
		p[i] = malloc(BLOCK_BYTES);
		if (!p[i])
			return 2;
		memset(p[i], i, BLOCK_BYTES);
	}
	for (int i = 0; i < BLOCKS; i++)
		free(p[i]);
	return 0;
}

/* Exit status of a waited-for process, or 100 + its signal. */
static int status_of(pid_t p)
{
	int st = 0;
	if (p < 0 || waitpid(p, &st, 0) != p)
		return 99;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

/* One round, in a process of its own: a worker's first lock, then a fork
 * at once, while the worker waits (the fork's child has one thread). */
static int one_round(void)
{
	pthread_t t;
	pthread_barrier_init(&queued, NULL, 2);
	pthread_barrier_init(&forked, NULL, 2);
	if (pthread_create(&t, NULL, worker, NULL))
		return 3;
	pthread_barrier_wait(&queued);
	pid_t p = fork();
	if (p == 0)
		_exit(child_work());
	pthread_barrier_wait(&forked);
	pthread_join(t, NULL);
	return status_of(p);
}

int main(void)
{
	int bad = 0;
	for (int r = 0; r < ROUNDS; r++) {
		fflush(stdout);
		pid_t p = fork();
		if (p == 0)
			_exit(one_round());
		int st = status_of(p);
		if (st != 0) {
			printf("round %d: the forked child ended with %d\n", r, st);
			bad++;
		}
	}
	printf("%d rounds, %d bad\n", ROUNDS, bad);
	return bad != 0;
}
