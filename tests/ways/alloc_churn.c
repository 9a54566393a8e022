/* alloc_churn.c - heap objects, each with its own mutex, made, locked in
 * one order and freed by two threads: a program whose allocator (jemalloc,
 * tcmalloc, preloaded in the _jemalloc and _tcmalloc variants) takes
 * pthread locks of its own from inside malloc. lockwatch allocates while
 * it registers each new lock; none of that may come back into lockwatch.
 * No report; the program's output and status (0). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct account {
	pthread_mutex_t mu;
	long balance;
};

static pthread_mutex_t bank = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void *work(void *arg)
{
	long sum = 0;
	for (int i = 0; i < 2000; i++) {
		struct account *a = malloc(sizeof(*a));
		char *junk = malloc((size_t)(16 + i % 4000));
		if (!a || !junk)
			abort();
		pthread_mutex_init(&a->mu, NULL);
		pthread_mutex_lock(&bank);
		pthread_mutex_lock(&a->mu);
		a->balance = (long)arg;
		sum += a->balance;
		pthread_mutex_unlock(&a->mu);
		pthread_mutex_unlock(&bank);
		pthread_mutex_destroy(&a->mu);
		free(junk);
		free(a);
	}
	pthread_mutex_lock(&bank);
	total += sum;
	pthread_mutex_unlock(&bank);
	return NULL;
}

int main(void)
{
	pthread_t t[2];
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, work, (void *)(i + 1));
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("total %ld\n", total);
	return 0;
}
