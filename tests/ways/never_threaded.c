/* never_threaded.c - a program that never starts a thread has one thread
 * under lockwatch too (issue 12): the watchdog starts only with a second
 * thread. It still gets every report one thread can earn, each made in
 * the lock call itself: a lock-order cycle (load() takes config then
 * cache, evict() cache then config), a self-deadlock of an error-checking
 * mutex it holds (glibc: EDEADLK) and a bad unlock of one it does not hold
 * (EPERM). It prints its thread count (/proc/self/task) before and after
 * its locking: 1 and 1, every way in. */
#include "task_count.h"
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t config = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t cache = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t journal = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

__attribute__((noinline)) static void load(void)
{
	pthread_mutex_lock(&config);
	pthread_mutex_lock(&cache);
	pthread_mutex_unlock(&cache);
	pthread_mutex_unlock(&config);
}

__attribute__((noinline)) static void evict(void)
{
	pthread_mutex_lock(&cache);
	pthread_mutex_lock(&config);
	pthread_mutex_unlock(&config);
	pthread_mutex_unlock(&cache);
}

__attribute__((noinline)) static int append(void)
{
	pthread_mutex_lock(&journal);
	int rc = pthread_mutex_lock(&journal);
	pthread_mutex_unlock(&journal);
	return rc;
}

int main(void)
{
	printf("threads at start: %d\n", threads());
	for (int i = 0; i < 1000; i++)
		load();
	evict();
	int relock = append();
	int stray = pthread_mutex_unlock(&journal);
	printf("relock: %d, stray unlock: %d\n", relock, stray);
	printf("threads at end: %d\n", threads());
	return 0;
}
