/* sem_bounded_buffer.c - the textbook bounded buffer: two counting
 * semaphores (free slots, filled slots) and a mutex, a fast producer and a
 * slow consumer, so the producer spends most of its time in
 * sem_wait(&slots_free) holding units of it that the consumer gives back.
 * Correct: no report at all, the program's own output and status. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

#define SLOTS 2
#define ITEMS 8

static sem_t slots_free, slots_full;
static pthread_mutex_t buf_lock = PTHREAD_MUTEX_INITIALIZER;
static int buf[SLOTS], in, out;

static void *producer(void *arg)
{
	for (int i = 1; i <= ITEMS; i++) {
		sem_wait(&slots_free);
		pthread_mutex_lock(&buf_lock);
		buf[in++ % SLOTS] = i;
		pthread_mutex_unlock(&buf_lock);
		sem_post(&slots_full);
	}
	return arg;
}

static void *consumer(void *arg)
{
	int *sum = arg;
	for (int i = 0; i < ITEMS; i++) {
		sem_wait(&slots_full);
		pthread_mutex_lock(&buf_lock);
		*sum += buf[out++ % SLOTS];
		pthread_mutex_unlock(&buf_lock);
		sem_post(&slots_free);
		struct timespec ts = { 0, 300 * 1000000L }; /* slow */
		while (nanosleep(&ts, &ts) != 0)
			;
	}
	return NULL;
}

int main(void)
{
	pthread_t p, c;
	int sum = 0;
	if (sem_init(&slots_free, 0, SLOTS) != 0 || sem_init(&slots_full, 0, 0) != 0)
		return 1;
	pthread_create(&c, NULL, consumer, &sum);
	pthread_create(&p, NULL, producer, NULL);
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	printf("sum %d\n", sum);
	return sum == ITEMS * (ITEMS + 1) / 2 ? 0 : 1;
}
