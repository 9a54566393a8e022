/* grouped_pairs.c - one bug shape over many locks (issue 18): 45 locks,
 * every pair of them taken in both orders from the same two functions,
 * forward() a then b and backward() b then a, one pair after the other in
 * one thread, so it never deadlocks. That is 990 inverted pairs of one
 * shape: one grouped lock_order_cycle error whose JSON lists all 990
 * pairs, its text naming both functions; the output is the program's. */
#include <pthread.h>
#include <stdio.h>

#define N_LOCKS 45

static pthread_mutex_t locks[N_LOCKS];
static long sum;

__attribute__((noinline)) static void forward(pthread_mutex_t *a, pthread_mutex_t *b)
{
	pthread_mutex_lock(a);
	pthread_mutex_lock(b);
	sum++;
	pthread_mutex_unlock(b);
	pthread_mutex_unlock(a);
}

__attribute__((noinline)) static void backward(pthread_mutex_t *a, pthread_mutex_t *b)
{
	pthread_mutex_lock(b);
	pthread_mutex_lock(a);
	sum++;
	pthread_mutex_unlock(a);
	pthread_mutex_unlock(b);
}

int main(void)
{
	for (int i = 0; i < N_LOCKS; i++)
		pthread_mutex_init(&locks[i], NULL);
	for (int i = 0; i < N_LOCKS; i++)
		for (int j = i + 1; j < N_LOCKS; j++)
			forward(&locks[i], &locks[j]);
	for (int i = 0; i < N_LOCKS; i++)
		for (int j = i + 1; j < N_LOCKS; j++)
			backward(&locks[i], &locks[j]);
	printf("%ld pairs taken\n", sum);
	return 0;
}
