/* host_threads.c - 2,000 short-lived threads, 50 at a time, each taking a
 * shared lock and its batch's lock in one order, and exiting. Runs
 * correctly natively; lockwatch must change nothing and report nothing
 * (thread states are reused, nothing grows without bound). */
#include <pthread.h>
#include <stdio.h>

#define THREADS 2000
#define BATCH 50

static pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t batch_lock[THREADS / BATCH];
static long total;

static void *work(void *arg)
{
	pthread_mutex_t *mine = arg;
	pthread_mutex_lock(mine);
	pthread_mutex_lock(&total_lock);
	total++;
	pthread_mutex_unlock(&total_lock);
	pthread_mutex_unlock(mine);
	return NULL;
}

int main(void)
{
	for (int b = 0; b < THREADS / BATCH; b++) {
		pthread_mutex_init(&batch_lock[b], NULL);
		pthread_t t[BATCH];
		for (int i = 0; i < BATCH; i++)
			if (pthread_create(&t[i], NULL, work, &batch_lock[b]) != 0)
				return 1;
		for (int i = 0; i < BATCH; i++)
			pthread_join(t[i], NULL);
	}
	printf("total %ld\n", total);
	return 0;
}
