/* omp_handoff.c - an OpenMP lock set in one thread and unset in another:
 * OpenMP locks belong to tasks, not threads, and an untied task may
 * resume on another thread of its team and unset its lock there (clang's
 * libomp moves them; a helper's program: a false bad_unlock error, 66, in
 * 5 of 6 runs). Here two threads hand the lock over, a hundred times,
 * in turn: no report, the program's output. */
#include <omp.h>
#include <pthread.h>
#include <stdio.h>

static omp_lock_t baton;
static pthread_barrier_t step;
static long laps;

static void *runner(void *arg)
{
	long me = (long)arg;
	for (int i = 0; i < 200; i++) {
		if ((i & 1) == me) {
			omp_set_lock(&baton); /* taken here ... */
			laps++;
		}
		pthread_barrier_wait(&step);
		if ((i & 1) != me)
			omp_unset_lock(&baton); /* ... let go by the other thread */
		pthread_barrier_wait(&step);
	}
	return NULL;
}

int main(void)
{
	pthread_t a, b;
	omp_init_lock(&baton);
	pthread_barrier_init(&step, NULL, 2);
	pthread_create(&a, NULL, runner, (void *)0L);
	pthread_create(&b, NULL, runner, (void *)1L);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	omp_destroy_lock(&baton);
	printf("laps %ld\n", laps);
	return 0;
}
