/* fork_window_orphan.c - a worker locks and unlocks one mutex (or, with
 * N_LOCKS 2, two in turn) as fast as it can while main forks, again and
 * again. A child that finds a mutex held (trylock: EBUSY) inherited it
 * held by a thread it does not have: its lock waits for good (natively it
 * hangs, and its alarm ends it). lockwatch must report each such child's
 * deadlock before it blocks (the child then ends with 66). Before, a fork
 * that came between the worker's real lock call and lockwatch's record of
 * the hold, or between the record's removal and the real unlock (most of
 * them, in so tight a loop), went unseen: the child hung. The parent stops
 * after BUSY such children and exits with 66 when each ended with 66,
 * else with 1. Run as a program that deadlocks (lw_ends_test). */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUSY 8
#define ROUNDS 4000
#ifndef N_LOCKS
#define N_LOCKS 1
#endif

static pthread_mutex_t counter_lock[N_LOCKS] = { PTHREAD_MUTEX_INITIALIZER };
static long counter;
static int stop;

static void *worker(void *arg)
{
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		for (int k = 0; k < N_LOCKS; k++) {
			pthread_mutex_lock(&counter_lock[k]);
			counter++;
			pthread_mutex_unlock(&counter_lock[k]);
		}
	}
	return arg;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL))
		return 1;
	int busy = 0, reported = 0;
	for (int r = 0; r < ROUNDS && busy < BUSY; r++) {
		fflush(stdout);
		pid_t p = fork();
		if (p == 0) {
			alarm(10); /* natively: the hang ends */
			int k = 0;
			while (k < N_LOCKS && pthread_mutex_trylock(&counter_lock[k]) == 0)
				pthread_mutex_unlock(&counter_lock[k++]);
			if (k == N_LOCKS)
				_exit(0);
			pthread_mutex_lock(&counter_lock[k]); /* nobody here can unlock it */
			printf("not reached\n");
			_exit(0);
		}
		int st = 0;
		if (p < 0 || waitpid(p, &st, 0) != p)
			break;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			continue;
		busy++;
		reported += WIFEXITED(st) && WEXITSTATUS(st) == 66;
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	printf("%d children found the lock held, %d reported\n", busy, reported);
	return busy == BUSY && reported == busy ? 66 : 1;
}
