/* grouped_waits.c - one long-wait shape over many locks (issue 18): a
 * loader holds the 10 shard locks (taken at one line) for 400 ms while
 * 10 readers, one per shard, wait for them at one line of read_shard().
 * Run with hold_ms=100 and wait_ms=100: one grouped long_hold warning
 * (10 holds) and one grouped long_wait warning (10 waits), each listing
 * every instance in its JSON; the output is the program's. The loader
 * sleeps only once every reader is asleep in the futex of its shard lock
 * (read from /proc/self/task/TID/syscall), so a reader slow to start on
 * a busy machine still waits the whole 400 ms. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define N_SHARDS 10

static pthread_mutex_t shard_locks[N_SHARDS];
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started = PTHREAD_COND_INITIALIZER;
static int n_started;
static long values[N_SHARDS];
static volatile pid_t tids[N_SHARDS];

/* Is thread tid asleep in a futex call on lock? */
static int waits_on(pid_t tid, const void *lock)
{
	char path[64], line[256], want[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	snprintf(want, sizeof(want), "%d %p ", SYS_futex, lock);
	return ok && strncmp(line, want, strlen(want)) == 0;
}

static void until_all_wait(void)
{
	for (int tries = 0; tries < 10000; tries++) {
		int n = 0;
		for (int i = 0; i < N_SHARDS; i++)
			n += tids[i] && waits_on(tids[i], &shard_locks[i]);
		if (n == N_SHARDS)
			return;
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
}

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
	tids[i] = (pid_t)syscall(SYS_gettid);
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
	until_all_wait();
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
