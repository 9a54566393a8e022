/* sem_idle_pool.c - semaphores that wait by design, run with wait_ms=100
 * so each wait below lasts many thresholds: three consumers of a work
 * queue (sem_init with no unit) take 30 jobs, then idle while the
 * producer sleeps (each has taken units, which are work, not resources);
 * then a handoff through a binary semaphore, as CPython's condition
 * variable waits on its own waiter lock: the waiter takes the only unit
 * and blocks taking it again until another thread posts it. Before, each
 * idle consumer was a long_wait naming the others as "holders", and the
 * handoff's waiter one saying it held a unit itself. No report; the
 * program's output and status (0). */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

#define CONSUMERS 3
#define JOBS 30

static sem_t jobs, waiter_lock;
static pthread_mutex_t sum_lock = PTHREAD_MUTEX_INITIALIZER;
static int done_jobs, handed;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static void *consumer(void *arg)
{
	for (;;) {
		sem_wait(&jobs); /* idles here once the jobs are done */
		pthread_mutex_lock(&sum_lock);
		int stop = done_jobs >= JOBS;
		if (!stop)
			done_jobs++;
		pthread_mutex_unlock(&sum_lock);
		if (stop)
			break;
	}
	return arg;
}

static void *waiter(void *arg)
{
	sem_wait(&waiter_lock); /* its own unit */
	sem_wait(&waiter_lock); /* until the notifier posts it */
	handed = 1;
	return arg;
}

int main(void)
{
	pthread_t c[CONSUMERS], w;
	if (sem_init(&jobs, 0, 0) != 0 || sem_init(&waiter_lock, 0, 1) != 0)
		return 1;
	for (int i = 0; i < CONSUMERS; i++)
		if (pthread_create(&c[i], NULL, consumer, NULL) != 0)
			return 1;
	for (int i = 0; i < JOBS; i++)
		sem_post(&jobs);
	if (pthread_create(&w, NULL, waiter, NULL) != 0)
		return 1;
	sleep_ms(1200); /* every consumer idles, the waiter waits */
	sem_post(&waiter_lock); /* notify */
	pthread_join(w, NULL);
	for (int i = 0; i < CONSUMERS; i++)
		sem_post(&jobs); /* one each: stop */
	for (int i = 0; i < CONSUMERS; i++)
		pthread_join(c[i], NULL);
	printf("%d jobs done, handed over: %s\n", done_jobs, handed ? "yes" : "no");
	return 0;
}
