/* stack_lock_left_held.c - each worker makes a mutex of its own on its
 * stack (PTHREAD_MUTEX_INITIALIZER), locks it and returns without
 * unlocking it; the next worker, started once the one before is joined,
 * runs on the same cached thread stack, so its mutex is made where the
 * last one was, by the same code. No lock is shared and nothing waits.
 * Each exit is a thread_exit_holding warning; before, the second worker's
 * lock call was taken for a wait on a lock whose holder had exited: a
 * false deadlock that killed the program (status 66, one line of its
 * output). The program's output and status (0). */
#include <pthread.h>
#include <stdio.h>

#define WORKERS 3

static void *worker(void *arg)
{
	pthread_mutex_t mine = PTHREAD_MUTEX_INITIALIZER;
	int rc = pthread_mutex_lock(&mine);
	printf("worker %ld: lock %d\n", (long)arg, rc);
	return NULL; /* holding mine, whose memory goes with the frame */
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (long i = 0; i < WORKERS; i++) {
		pthread_t t;
		pthread_create(&t, NULL, worker, (void *)i);
		pthread_join(t, NULL);
	}
	return 0;
}
