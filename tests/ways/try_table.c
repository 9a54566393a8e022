/* try_table.c - try-acquires on the fast way (a chain checked before: a
 * table of locks each taken with trylock, three rounds) still hold their
 * lock for the order: a blocking global lock taken under each is an edge
 * item -> global. A try under the global lock is no edge (it never
 * blocks), and its chain, kept with the locks, never stands in for a
 * blocking acquire's: the one blocking lock of item 7 under the global
 * lock closes the cycle item 7 -> global -> item 7 (two threads doing
 * each would deadlock; here one thread does both, so nothing blocks). One
 * cycle error, in every way in, named after both functions. */
#include <pthread.h>
#include <stdio.h>

#define N 256

static pthread_mutex_t items[N];
static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static long total;

static int try_under(int i)
{
	if (pthread_mutex_trylock(&items[i]) != 0)
		return 0;
	pthread_mutex_lock(&global_lock);
	total += i;
	pthread_mutex_unlock(&global_lock);
	pthread_mutex_unlock(&items[i]);
	return 1;
}

static int try_inside(int i)
{
	pthread_mutex_lock(&global_lock);
	int took = pthread_mutex_trylock(&items[i]) == 0;
	if (took)
		pthread_mutex_unlock(&items[i]);
	pthread_mutex_unlock(&global_lock);
	return took;
}

static void global_then_item(int i)
{
	pthread_mutex_lock(&global_lock);
	pthread_mutex_lock(&items[i]);
	total -= i;
	pthread_mutex_unlock(&items[i]);
	pthread_mutex_unlock(&global_lock);
}

int main(void)
{
	for (int i = 0; i < N; i++)
		pthread_mutex_init(&items[i], NULL);
	int took = 0;
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < N; i++)
			took += try_under(i) + try_inside(i);
	global_then_item(7);
	printf("%d try-acquires took their lock, total %ld\n", took, total);
	return 0;
}
