/* long_cycle.c - a long cycle: argv[1] (default 2000) heap mutexes taken in
 * pairs ring[i] -> ring[i+1] by one thread in f_chain, then
 * ring[n-1] -> ring[0] in f_close. The program exits 0. Under lockwatch run:
 * exactly one lock_order_cycle error with all n locks and n edges. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t *ring;
static int n;

__attribute__((noinline)) static void take_two(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x);
	pthread_mutex_lock(y);
	pthread_mutex_unlock(y);
	pthread_mutex_unlock(x);
}

__attribute__((noinline)) void f_chain(void)
{
	for (int i = 0; i + 1 < n; i++)
		take_two(&ring[i], &ring[i + 1]);
}

__attribute__((noinline)) void f_close(void)
{
	take_two(&ring[n - 1], &ring[0]);
}

static void *worker(void *arg)
{
	f_chain();
	f_close();
	return arg;
}

int main(int argc, char **argv)
{
	n = argc > 1 ? atoi(argv[1]) : 2000;
	if (n < 2)
		return 2;
	ring = calloc((size_t)n, sizeof(*ring));
	if (!ring)
		return 1;
	for (int i = 0; i < n; i++)
		pthread_mutex_init(&ring[i], NULL);
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) || pthread_join(t, NULL))
		return 1;
	for (int i = 0; i < n; i++)
		if (pthread_mutex_destroy(&ring[i]) != 0)
			return 1;
	free(ring);
	printf("%d locks\n", n);
	return 0;
}
