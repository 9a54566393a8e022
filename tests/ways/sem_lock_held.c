/* sem_lock_held.c - a binary semaphore used as a lock (CPython's
 * threading.Lock is one): the main thread takes it and keeps it for 1.2 s
 * while a worker waits for it (wait_ms=300: one level, 10x is 3 s). That
 * long wait is worth a look, as on a mutex: one long_wait warning naming
 * the holder, main, busy in its sleep; the program's output and status
 * (0). (Its idle
 * cousins in sem_idle_pool.c are not told.) */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>

static sem_t table_lock;
static int rows;

static void *insert_row(void *arg)
{
	sem_wait(&table_lock);
	rows++;
	sem_post(&table_lock);
	return arg;
}

__attribute__((noinline)) static void rebuild_table(void)
{
	struct timespec ts = { 1, 200000000L };
	sem_wait(&table_lock);
	pthread_t t;
	if (pthread_create(&t, NULL, insert_row, NULL) != 0)
		return;
	while (nanosleep(&ts, &ts) != 0)
		;
	rows = 10;
	sem_post(&table_lock);
	pthread_join(t, NULL);
}

int main(void)
{
	if (sem_init(&table_lock, 0, 1) != 0)
		return 1;
	rebuild_table();
	printf("rows %d\n", rows);
	return 0;
}
