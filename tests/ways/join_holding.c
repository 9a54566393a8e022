/* join_holding.c - main holds registry_lock and joins a worker that needs
 * it: natively it hangs for good (the worker waits for the lock, main for
 * the worker). A join is a wait on a thread: in every way in, a deadlock
 * error naming the lock, the join and both threads' functions, then the
 * program ends with 66. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static int entries;

__attribute__((noinline)) static void register_entry(void)
{
	pthread_mutex_lock(&registry_lock); /* main holds it until the join ends */
	entries++;
	pthread_mutex_unlock(&registry_lock);
}

static void *worker(void *arg)
{
	register_entry();
	return arg;
}

__attribute__((noinline)) static void shutdown_registry(void)
{
	pthread_t t;
	pthread_mutex_lock(&registry_lock);
	pthread_create(&t, NULL, worker, NULL);
	pthread_join(t, NULL); /* waits for the worker, which waits for us */
	pthread_mutex_unlock(&registry_lock);
}

int main(void)
{
	shutdown_registry();
	printf("not reached: %d\n", entries);
	return 0;
}
