/* stats_prog.c - for option stats: two threads take hot_lock 200 times
 * each, holding it about 100 us, so that they contend; cold_lock is taken
 * once. Expected under `lockwatch run --stats 5`: a table on the log and a
 * {"stats": [...]} JSON line with hot_lock first (more wait), 400
 * acquisitions, some contended, and cold_lock with 1. */
#include <pthread.h>
#include <time.h>

pthread_mutex_t hot_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t cold_lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	struct timespec t = { 0, 100000 };
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&hot_lock);
		nanosleep(&t, NULL);
		pthread_mutex_unlock(&hot_lock);
	}
	return arg;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, worker, NULL);
	pthread_create(&b, NULL, worker, NULL);
	pthread_mutex_lock(&cold_lock);
	pthread_mutex_unlock(&cold_lock);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
