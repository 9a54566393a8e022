/* thrd_join_holding.c - join_holding.c in C11 threads: main holds
 * registry_lock (an mtx_t) and joins, with thrd_join, a worker that needs
 * it: natively it hangs for good. glibc's thrd_join is its pthread_join
 * by another name, called inside libc where no interposer reaches: in
 * the preload and header ways, a deadlock error naming the lock, the join
 * and both threads' functions, then the program ends with 66. (Before,
 * the join was not seen: long waits, then a hang.) */
#include <stdio.h>
#include <threads.h>

static mtx_t registry_lock;
static int entries;

__attribute__((noinline)) static void register_entry(void)
{
	mtx_lock(&registry_lock); /* main holds it until the join ends */
	entries++;
	mtx_unlock(&registry_lock);
}

static int worker(void *arg)
{
	(void)arg;
	register_entry();
	return 0;
}

__attribute__((noinline)) static void shutdown_registry(void)
{
	thrd_t t;
	mtx_lock(&registry_lock);
	if (thrd_create(&t, worker, NULL) != thrd_success)
		return;
	thrd_join(t, NULL); /* waits for the worker, which waits for us */
	mtx_unlock(&registry_lock);
}

int main(void)
{
	if (mtx_init(&registry_lock, mtx_plain) != thrd_success)
		return 1;
	shutdown_registry();
	printf("not reached: %d\n", entries);
	return 0;
}
