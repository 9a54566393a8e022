/* grouped_waits.c - one long-wait shape over many locks (issue 18): a
 * loader holds the 10 shard locks (taken at one line) for 400 ms while
 * 10 readers, one per shard, wait for them at one line of read_shard().
 * Run with hold_ms=100 and wait_ms=100: one grouped long_hold warning
 * (10 holds) and one grouped long_wait warning (10 waits), each listing
 * every instance in its JSON; the output is the program's. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define N_SHARDS 10

static pthread_mutex_t shard_locks[N_SHARDS];
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started = PTHREAD_COND_INITIALIZER;
static int n_started;
static long values[N_SHARDS];

__attribute__((noinline)) static long read_shard(int i)
{
	pthread_mutex_lock(&shard_locks[i]);
	long v = values[i];
	pthread_mutex_unlock(&shard_locks[i]);
	return v;
}

static void *reader(void *arg)
{
	int i = (int)(long)arg;
	pthread_mutex_lock(&start_lock);
	n_started++;
	pthread_cond_signal(&started);
	pthread_mutex_unlock(&start_lock);
	return (void *)read_shard(i);
}

__attribute__((noinline)) static void load_all(pthread_t *t)
{
	struct timespec pause = { 0, 400 * 1000000L };
	for (int i = 0; i < N_SHARDS; i++)
		pthread_mutex_lock(&shard_locks[i]);
	for (long i = 0; i < N_SHARDS; i++)
		pthread_create(&t[i], NULL, reader, (void *)i);
	pthread_mutex_lock(&start_lock);
	while (n_started < N_SHARDS)
		pthread_cond_wait(&started, &start_lock);
	pthread_mutex_unlock(&start_lock);
	while (nanosleep(&pause, &pause) != 0)
		;
	for (int i = 0; i < N_SHARDS; i++) {
		values[i] = i + 1;
		pthread_mutex_unlock(&shard_locks[i]);
	}
}

int main(void)
{
	pthread_t t[N_SHARDS];
	long sum = 0;
	for (int i = 0; i < N_SHARDS; i++)
		pthread_mutex_init(&shard_locks[i], NULL);
	load_all(t);
	for (int i = 0; i < N_SHARDS; i++) {
		void *v;
		pthread_join(t[i], &v);
		sum += (long)v;
	}
	printf("sum of the shards %ld\n", sum);
	return 0;
}
