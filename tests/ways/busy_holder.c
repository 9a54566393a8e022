/* busy_holder.c - holders that are busy, running their own code, while
 * they hold their locks: six threads, each holding its own shard's lock
 * three times for 300 ms, doing short bursts of work between very short
 * sleeps, so that when lockwatch looks at one (hold_ms=100: long holds)
 * it is running, and a few microseconds later asleep in nanosleep. What
 * a holder is doing now must be read without cutting any of its sleeps
 * short: not one nanosleep may fail with EINTR (before the fix the stack
 * signal, sent a moment after the look, came in the middle of a sleep in
 * about one run in four). The program's output and status (0). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define SHARDS 6
#define ROUNDS 3

static pthread_mutex_t shard_lock[SHARDS] = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
};
static int interrupted[SHARDS];
static volatile unsigned long sink;

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* a few microseconds of work */
static __attribute__((noinline)) void crunch(void)
{
	for (int i = 0; i < 5000; i++)
		sink += (unsigned long)i * 2654435761u;
}

static __attribute__((noinline)) void compact_shard(int s)
{
	pthread_mutex_lock(&shard_lock[s]);
	for (double end = now_ms() + 300; now_ms() < end;) {
		crunch();
		struct timespec nap = { 0, 1000 };
		if (nanosleep(&nap, NULL) != 0 && errno == EINTR)
			interrupted[s]++;
	}
	pthread_mutex_unlock(&shard_lock[s]);
}

static void *compactor(void *arg)
{
	int s = (int)(long)arg;
	for (int r = 0; r < ROUNDS; r++)
		compact_shard(s);
	return NULL;
}

int main(void)
{
	pthread_t t[SHARDS];
	for (long s = 0; s < SHARDS; s++)
		pthread_create(&t[s], NULL, compactor, (void *)s);
	int cut = 0;
	for (int s = 0; s < SHARDS; s++) {
		pthread_join(t[s], NULL);
		cut += interrupted[s];
	}
	printf("%d shards compacted %d times; sleeps cut short: %d\n", SHARDS, ROUNDS, cut);
	return 0;
}
