/* held300_abba.c - a thread holds 300 locks at once (a bucket-locked table
 * being resized) and takes `extra` while holding them; later another
 * thread takes `extra` then bucket 250. The inversion with the 250th lock
 * is one lock-order cycle error in every way in; the threads run one after
 * the other, so it never deadlocks. Locks beyond the 64th were once not
 * tracked and the cycle was missed. */
#include <pthread.h>
#include <stdio.h>

#define N 300

static pthread_mutex_t bucket[N];
static pthread_mutex_t extra = PTHREAD_MUTEX_INITIALIZER;
static int counter;

static void *resize(void *arg)
{
	for (int i = 0; i < N; i++)
		pthread_mutex_lock(&bucket[i]);
	pthread_mutex_lock(&extra);
	counter++;
	pthread_mutex_unlock(&extra);
	for (int i = N; i-- > 0;)
		pthread_mutex_unlock(&bucket[i]);
	return arg;
}

static void *lookup(void *arg)
{
	pthread_mutex_lock(&extra);
	pthread_mutex_lock(&bucket[249]);
	counter++;
	pthread_mutex_unlock(&bucket[249]);
	pthread_mutex_unlock(&extra);
	return arg;
}

int main(void)
{
	pthread_t t;
	for (int i = 0; i < N; i++)
		pthread_mutex_init(&bucket[i], NULL);
	pthread_create(&t, NULL, resize, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, lookup, NULL);
	pthread_join(t, NULL);
	printf("counter %d\n", counter);
	return 0;
}
