/* held300_deadlock.c - a real deadlock through the 250th of 300 held
 * locks (natively it hangs): resize() holds all 300 buckets and waits for
 * `extra`, which lookup() holds while it waits for bucket 250. The watchdog
 * sees the wait-for cycle only if its snapshot has the deep entries: one
 * deadlock error (and the lock-order cycle, closed by lookup() alone:
 * resize() has taken extra under all 300 before), and the run ended, in
 * every way in. (With timed locks this would be no certain deadlock: a
 * timed wait returns.) */
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#define N 300

static pthread_mutex_t bucket[N];
static pthread_mutex_t extra = PTHREAD_MUTEX_INITIALIZER;
static sem_t all_held, extra_held;

static void lock_once(pthread_mutex_t *m)
{
	pthread_mutex_lock(m);
	pthread_mutex_unlock(m);
}

static void *resize(void *arg)
{
	for (int i = 0; i < N; i++)
		pthread_mutex_lock(&bucket[i]);
	/* every bucket -> extra edge exists before lookup() takes extra */
	pthread_mutex_lock(&extra);
	pthread_mutex_unlock(&extra);
	sem_post(&all_held);
	sem_wait(&extra_held);
	lock_once(&extra);
	for (int i = N; i-- > 0;)
		pthread_mutex_unlock(&bucket[i]);
	return arg;
}

static void *lookup(void *arg)
{
	sem_wait(&all_held);
	pthread_mutex_lock(&extra);
	sem_post(&extra_held);
	lock_once(&bucket[249]);
	pthread_mutex_unlock(&extra);
	return arg;
}

int main(void)
{
	pthread_t a, b;
	sem_init(&all_held, 0, 0);
	sem_init(&extra_held, 0, 0);
	for (int i = 0; i < N; i++)
		pthread_mutex_init(&bucket[i], NULL);
	pthread_create(&a, NULL, resize, NULL);
	pthread_create(&b, NULL, lookup, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
