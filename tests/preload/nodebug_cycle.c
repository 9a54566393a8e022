/* nodebug_cycle.c - a lock-order inversion one of whose orders is taken
 * in a library without debug information (nodebug_lib.c): alpha_lock then
 * beta_lock there, the other order here, one thread after the other, so
 * it never deadlocks and exits 0. For test_debuginfod.sh. */
#include <pthread.h>
#include <stdio.h>

void nodebug_both(pthread_mutex_t *first, pthread_mutex_t *second);

pthread_mutex_t alpha_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t beta_lock = PTHREAD_MUTEX_INITIALIZER;

static void *in_library(void *arg)
{
	(void)arg;
	nodebug_both(&alpha_lock, &beta_lock);
	return NULL;
}

__attribute__((noinline)) static void backwards(void)
{
	pthread_mutex_lock(&beta_lock);
	pthread_mutex_lock(&alpha_lock);
	pthread_mutex_unlock(&alpha_lock);
	pthread_mutex_unlock(&beta_lock);
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, in_library, NULL) != 0)
		return 1;
	pthread_join(t, NULL);
	backwards();
	printf("done\n");
	return 0;
}
