/* tsan_exit.c - ThreadSanitizer program (built with -fsanitize=thread by
 * test_tsan_exit.sh) whose threads each take a few hundred locks of their
 * own, singly and in pairs, and end; main joins them and prints the sum
 * of their counts. No race: natively TSan says nothing, status 0.
 * Under lockwatch each first lock of a lock, and each new pair, captures
 * the thread's stack: a thread that captures often moves from glibc's
 * backtrace() to libunwind's, which keeps a cache per thread and frees
 * it from a thread-specific destructor, at the thread's end, taking a
 * pthread mutex. In a TSan program that lock call reaches TSan's
 * interceptor after TSan has finished the thread: before, the program
 * died of SIGSEGV in TSan's runtime (status 139). */
#include <pthread.h>
#include <stdio.h>

#define THREADS 4
#define LOCKS 300

static pthread_mutex_t locks[THREADS][LOCKS];
static long counts[THREADS];

static void *worker(void *arg)
{
	long me = (long)arg;
	pthread_mutex_t *m = locks[me];
	for (int i = 0; i < LOCKS; i++) {
		pthread_mutex_lock(&m[i]);
		counts[me]++;
		pthread_mutex_unlock(&m[i]);
	}
	for (int i = 0; i + 1 < LOCKS; i++) {
		pthread_mutex_lock(&m[i]);
		pthread_mutex_lock(&m[i + 1]);
		counts[me]++;
		pthread_mutex_unlock(&m[i + 1]);
		pthread_mutex_unlock(&m[i]);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	for (int k = 0; k < THREADS; k++)
		for (int i = 0; i < LOCKS; i++)
			pthread_mutex_init(&locks[k][i], NULL);
	for (long k = 0; k < THREADS; k++)
		if (pthread_create(&t[k], NULL, worker, (void *)k))
			return 1;
	long total = 0;
	for (int k = 0; k < THREADS; k++) {
		pthread_join(t[k], NULL);
		total += counts[k];
	}
	printf("%ld locked sections\n", total);
	return 0;
}
