/* cond_nobody_signals.c - a worker waits on a condition variable that
 * nobody will ever signal (the producer forgot to) while main joins it:
 * natively it hangs for good. Every thread is blocked, without a deadline,
 * in a wait lockwatch sees (the cond wait) or in pthread_join, so nothing
 * can ever wake them: in every way in, a deadlock error naming the worker
 * and its mutex, then the program ends with 66. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_ready = PTHREAD_COND_INITIALIZER;
static int jobs;

__attribute__((noinline)) static void take_job(void)
{
	pthread_mutex_lock(&queue_lock);
	while (jobs == 0) /* nobody ever adds one or signals */
		pthread_cond_wait(&job_ready, &queue_lock);
	jobs--;
	pthread_mutex_unlock(&queue_lock);
}

static void *worker(void *arg)
{
	take_job();
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	pthread_join(t, NULL);
	printf("not reached\n");
	return 0;
}
