/* once_clean.c - pthread_once and C11's call_once used correctly by many
 * threads at once: eight threads start together and call three onces,
 * some while holding outer_lock, in one order everywhere (outer_lock, the
 * onces, inner_lock inside a routine; a routine that runs another once),
 * and a once whose first runner is cancelled inside its routine (glibc
 * lets the next caller run it). Every thread's sums printed. Under
 * lockwatch, the same output and status, and no report: a once is a lock
 * only while its routine runs. */
#include <pthread.h>
#include <stdio.h>
#include <threads.h>
#include <unistd.h>

static pthread_mutex_t outer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t inner_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static once_flag index_once = ONCE_FLAG_INIT;
static pthread_once_t slow_once = PTHREAD_ONCE_INIT;
static pthread_barrier_t start;
static int table_size, index_size, slow_runs, slow_done;

static void make_table(void)
{
	pthread_mutex_lock(&inner_lock);
	table_size = 64;
	pthread_mutex_unlock(&inner_lock);
}

static void make_index(void)
{
	pthread_once(&table_once, make_table);
	index_size = table_size * 2;
}

/* The first run is cancelled in its sleep; the second finishes. */
static void make_slow(void)
{
	pthread_mutex_lock(&inner_lock);
	int first = slow_runs++ == 0;
	pthread_mutex_unlock(&inner_lock);
	if (first)
		for (;;)
			sleep(1);
	slow_done = 1;
}

static void *cancelled(void *arg)
{
	(void)arg;
	pthread_once(&slow_once, make_slow);
	return NULL;
}

static void *worker(void *arg)
{
	long id = (long)arg, sum = 0;
	pthread_barrier_wait(&start);
	for (int round = 0; round < 3; round++) {
		if ((id + round) % 2) {
			pthread_mutex_lock(&outer_lock);
			call_once(&index_once, make_index);
			pthread_once(&table_once, make_table);
			pthread_mutex_unlock(&outer_lock);
		} else {
			pthread_once(&table_once, make_table);
			call_once(&index_once, make_index);
		}
		sum += table_size + index_size;
	}
	return (void *)sum;
}

int main(void)
{
	enum { N = 8 };
	pthread_t t[N], c;
	if (pthread_create(&c, NULL, cancelled, NULL) != 0)
		return 1;
	for (;;) { /* until make_slow's first run has begun */
		pthread_mutex_lock(&inner_lock);
		int ran = slow_runs;
		pthread_mutex_unlock(&inner_lock);
		if (ran)
			break;
		usleep(1000);
	}
	pthread_cancel(c);
	pthread_join(c, NULL);
	pthread_once(&slow_once, make_slow);
	pthread_barrier_init(&start, NULL, N);
	for (long i = 0; i < N; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
			return 1;
	for (int i = 0; i < N; i++) {
		void *r;
		pthread_join(t[i], &r);
		printf("thread %d: %ld\n", i, (long)r);
	}
	printf("slow runs: %d, done: %d\n", slow_runs, slow_done);
	return 0;
}
