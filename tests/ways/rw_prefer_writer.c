/* rw_prefer_writer.c - a writer-preferring rwlock (glibc's
 * PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP) blocks a new reader behind
 * a queued writer, so what is harmless on the default reader-preferring
 * rwlock can deadlock here: lookup() read-locks config then takes stats,
 * record() takes stats then read-locks config (a cycle through reads: an
 * error here, a warning on a reader-preferring lock), and reread()
 * read-locks config twice (a self-deadlock once a writer queues in
 * between). The threads run one after the other, so it runs fine. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t config;
static pthread_mutex_t stats = PTHREAD_MUTEX_INITIALIZER;
static int hits;

static void *lookup(void *arg)
{
	pthread_rwlock_rdlock(&config);
	pthread_mutex_lock(&stats);
	hits++;
	pthread_mutex_unlock(&stats);
	pthread_rwlock_unlock(&config);
	return arg;
}

static void *record(void *arg)
{
	pthread_mutex_lock(&stats);
	pthread_rwlock_rdlock(&config);
	hits++;
	pthread_rwlock_unlock(&config);
	pthread_mutex_unlock(&stats);
	return arg;
}

static void *reread(void *arg)
{
	pthread_rwlock_rdlock(&config);
	pthread_rwlock_rdlock(&config);
	hits++;
	pthread_rwlock_unlock(&config);
	pthread_rwlock_unlock(&config);
	return arg;
}

int main(void)
{
	pthread_rwlockattr_t a;
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&config, &a);
	pthread_rwlockattr_destroy(&a);
	void *(*steps[])(void *) = { lookup, record, reread };
	for (int i = 0; i < 3; i++) {
		pthread_t t;
		pthread_create(&t, NULL, steps[i], NULL);
		pthread_join(t, NULL);
	}
	printf("hits %d\n", hits);
	return 0;
}
