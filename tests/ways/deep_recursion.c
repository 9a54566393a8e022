/* deep_recursion.c - a recursive mutex taken 70,000 times deep (glibc
 * allows 2^32-1), then released as deep, twice over, with a second lock
 * taken inside at full depth: no report in any way in. The depth once
 * stopped at 65,535 and the rest of the unlocks were bad_unlock errors. */
#include <pthread.h>
#include <stdio.h>

#define DEPTH 70000

static pthread_mutex_t rec = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_mutex_t inner = PTHREAD_MUTEX_INITIALIZER;

static void *work(void *arg)
{
	long failed = arg != NULL;
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < DEPTH; i++)
			failed += pthread_mutex_lock(&rec) != 0;
		pthread_mutex_lock(&inner);
		pthread_mutex_unlock(&inner);
		for (int i = 0; i < DEPTH; i++)
			failed += pthread_mutex_unlock(&rec) != 0;
	}
	/* all released: another thread can take it */
	return (void *)failed;
}

int main(void)
{
	pthread_t t;
	void *failed;
	pthread_create(&t, NULL, work, NULL);
	pthread_join(t, &failed);
	pthread_mutex_lock(&rec);
	pthread_mutex_unlock(&rec);
	printf("depth %d, failed calls %ld\n", DEPTH, (long)failed);
	return 0;
}
