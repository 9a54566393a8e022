/* held300_clean.c - two threads each take 300 locks in one order, then one
 * more, a trylock and a recursive mutex at full depth, a condition wait on
 * the 200th, release some out of order (across the 64th) and the rest in
 * reverse, three rounds each: no report in any way in, and the program's
 * own output. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define N 300

static pthread_mutex_t bucket[N];
static pthread_mutex_t extra = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t rec = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_mutex_t side = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static long total;

static void *resize(void *arg)
{
	long failed = 0;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++)
			failed += pthread_mutex_lock(&bucket[i]) != 0;
		failed += pthread_mutex_lock(&extra) != 0;
		failed += pthread_mutex_lock(&rec) != 0;
		failed += pthread_mutex_lock(&rec) != 0;
		if (pthread_mutex_trylock(&side) == 0)
			failed += pthread_mutex_unlock(&side) != 0;
		struct timespec soon;
		clock_gettime(CLOCK_REALTIME, &soon);
		failed += pthread_cond_timedwait(&never, &bucket[199], &soon) == 0;
		total += (long)arg;
		failed += pthread_mutex_unlock(&rec) != 0;
		failed += pthread_mutex_unlock(&rec) != 0;
		failed += pthread_mutex_unlock(&extra) != 0;
		/* out of order: the 11th, the 64th and the 65th first */
		failed += pthread_mutex_unlock(&bucket[10]) != 0;
		failed += pthread_mutex_unlock(&bucket[63]) != 0;
		failed += pthread_mutex_unlock(&bucket[64]) != 0;
		for (int i = N; i-- > 0;)
			if (i != 10 && i != 63 && i != 64)
				failed += pthread_mutex_unlock(&bucket[i]) != 0;
	}
	return (void *)failed;
}

int main(void)
{
	pthread_t a, b;
	void *fa, *fb;
	for (int i = 0; i < N; i++)
		pthread_mutex_init(&bucket[i], NULL);
	pthread_create(&a, NULL, resize, (void *)1);
	pthread_create(&b, NULL, resize, (void *)2);
	pthread_join(a, &fa);
	pthread_join(b, &fb);
	printf("total %ld, failed calls %ld\n", total, (long)fa + (long)fb);
	return 0;
}
