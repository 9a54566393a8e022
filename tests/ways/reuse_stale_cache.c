/* reuse_stale_cache.c - a lock record reused for another lock while a
 * thread's address cache still points at it (issue 10, item 8: records are
 * reused). The main thread locks X (its cache now holds X's record), X is
 * destroyed, a second thread churns 600 short-lived mutexes (so X's old
 * record becomes reusable) and then makes 1,024 mutexes it keeps, one of
 * which gets X's old record. X is initialised again and the main thread
 * takes each of the 1,024 under it. Its cache still points at the reused
 * record: taken for X, it would make one of the 1,024 look held already
 * (a false self-deadlock) or tie X's edges to another lock. No report;
 * output and status as native. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define CHURN 600
#define KEEP 1024

static pthread_mutex_t X;
static pthread_mutex_t *kept[KEEP];

static void *other(void *arg)
{
	(void)arg;
	for (int i = 0; i < CHURN; i++) {
		pthread_mutex_t *m = malloc(sizeof(*m));
		if (!m)
			abort();
		pthread_mutex_init(m, NULL);
		pthread_mutex_lock(m);
		pthread_mutex_unlock(m);
		pthread_mutex_destroy(m);
		free(m);
	}
	for (int i = 0; i < KEEP; i++) {
		kept[i] = malloc(sizeof(*kept[i]));
		if (!kept[i])
			abort();
		pthread_mutex_init(kept[i], NULL);
		pthread_mutex_lock(kept[i]);
		pthread_mutex_unlock(kept[i]);
	}
	return NULL;
}

int main(void)
{
	pthread_mutex_init(&X, NULL);
	pthread_mutex_lock(&X);
	pthread_mutex_unlock(&X);
	pthread_mutex_destroy(&X);

	pthread_t t;
	if (pthread_create(&t, NULL, other, NULL) != 0 || pthread_join(t, NULL) != 0)
		return 1;

	pthread_mutex_init(&X, NULL);
	long n = 0;
	pthread_mutex_lock(&X);
	for (int i = 0; i < KEEP; i++) {
		pthread_mutex_lock(kept[i]);
		n++;
		pthread_mutex_unlock(kept[i]);
	}
	pthread_mutex_unlock(&X);
	for (int i = 0; i < KEEP; i++) {
		pthread_mutex_destroy(kept[i]);
		free(kept[i]);
	}
	pthread_mutex_destroy(&X);
	printf("took %ld locks under X\n", n);
	return 0;
}
