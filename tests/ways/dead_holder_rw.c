/* dead_holder_rw.c - a thread exits holding an rwlock for writing; main
 * then read-locks it: nobody can unlock it (glibc's unlock by another
 * thread is a reader's), so main waits for good (natively it hangs).
 * Before, only a mutex counted as dying with its holder: the exit
 * warning, long waits, a hang. In every way in: the thread_exit_holding
 * warning, then a deadlock error before main blocks, then the program
 * ends with 66. */
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t routes = PTHREAD_RWLOCK_INITIALIZER;

static void *update(void *arg)
{
	pthread_rwlock_wrlock(&routes);
	return arg; /* forgets to unlock */
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, update, NULL);
	pthread_join(t, NULL);
	pthread_rwlock_rdlock(&routes);
	printf("not reached\n");
	return 0;
}
