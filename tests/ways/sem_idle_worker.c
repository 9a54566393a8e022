/* sem_idle_worker.c - a worker idles in sem_wait(&jobs) while the producer
 * sleeps between jobs (a Python queue.get() worker, a JVM GC worker): the
 * worker keeps the units it took, since a unit taken by sem_wait belongs to
 * nobody, and any thread may post the next one. Nothing here is a lock bug:
 * no report at all, the program's own output and status in every way. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

static sem_t jobs;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static int queue[8], head, tail, done;

static void *worker(void *arg)
{
	for (;;) {
		sem_wait(&jobs); /* idles here for more than a second */
		pthread_mutex_lock(&queue_lock);
		int job = queue[head++ % 8];
		pthread_mutex_unlock(&queue_lock);
		if (job < 0)
			break;
		done += job;
	}
	return arg;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static void post(int job)
{
	pthread_mutex_lock(&queue_lock);
	queue[tail++ % 8] = job;
	pthread_mutex_unlock(&queue_lock);
	sem_post(&jobs);
}

int main(void)
{
	pthread_t t;
	if (sem_init(&jobs, 0, 0) != 0 || pthread_create(&t, NULL, worker, NULL) != 0)
		return 1;
	post(1);
	sleep_ms(1200); /* the producer is slow: the worker idles */
	post(2);
	sleep_ms(1200);
	post(-1);
	pthread_join(t, NULL);
	sem_destroy(&jobs);
	printf("done %d\n", done);
	return done == 3 ? 0 : 1;
}
