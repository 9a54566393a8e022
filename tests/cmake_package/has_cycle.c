/* has_cycle.c - a plain pthread program with an A/B inversion (two threads
 * one after the other: it never deadlocks itself, and exits 0). */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;

static void *ab(void *arg)
{
	pthread_mutex_lock(arg ? &b : &a);
	pthread_mutex_lock(arg ? &a : &b);
	pthread_mutex_unlock(arg ? &a : &b);
	pthread_mutex_unlock(arg ? &b : &a);
	return NULL;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, ab, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, ab, &t);
	pthread_join(t, NULL);
	return 0;
}
