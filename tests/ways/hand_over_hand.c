/* hand_over_hand.c - lock coupling: a walk down a list takes the next
 * node's lock, then lets go of the one before it, which is then just
 * below the innermost lock (the fast way: lw__release_below), with and
 * without the list's own lock held over the walk. The walk never breaks
 * the order (node i before node i + 1), so it is no report however often
 * it runs; the first walks cover half the list, later ones all of it (new
 * edges made after many fast releases). Then one step back, node 41
 * before node 40, closes the cycle 40 -> 41 -> 40: one cycle error, in
 * every way in, named after both functions. */
#include <pthread.h>
#include <stdio.h>

#define N 64

static pthread_mutex_t nodes[N];
static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static int value[N];

static long walk(int upto, int with_list)
{
	long sum = 0;
	if (with_list)
		pthread_mutex_lock(&list_lock);
	pthread_mutex_lock(&nodes[0]);
	for (int i = 1; i < upto; i++) {
		pthread_mutex_lock(&nodes[i]);
		sum += value[i - 1];
		pthread_mutex_unlock(&nodes[i - 1]);
	}
	sum += value[upto - 1];
	pthread_mutex_unlock(&nodes[upto - 1]);
	if (with_list)
		pthread_mutex_unlock(&list_lock);
	return sum;
}

static void walk_back(int from)
{
	pthread_mutex_lock(&nodes[from]);
	pthread_mutex_lock(&nodes[from - 1]);
	value[from - 1]++;
	pthread_mutex_unlock(&nodes[from]);
	pthread_mutex_unlock(&nodes[from - 1]);
}

int main(void)
{
	for (int i = 0; i < N; i++) {
		pthread_mutex_init(&nodes[i], NULL);
		value[i] = i;
	}
	long sum = 0;
	for (int round = 0; round < 6; round++)
		sum += walk(round < 3 ? N / 2 : N, round & 1);
	walk_back(41);
	sum += walk(N, 1);
	printf("walked, sum %ld\n", sum);
	return 0;
}
