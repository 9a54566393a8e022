/* errcheck_probe.c - libtdb's probe for working mutexes (samba's smbd runs
 * it at start-up): an error-checking, robust, process-shared mutex locked
 * twice on purpose; the second lock must fail with EDEADLK, which the
 * program checks, and one unlock follows. Nothing can hang, and the lock
 * is used as its type allows: a warning, not an error (it was an error,
 * so smbd exited 66 under lockwatch). A program that ignores the EDEADLK
 * and unlocks twice is told by the second unlock (bad_unlock). Prints
 * what the relock returned. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) static int mutexes_work(void)
{
	pthread_mutexattr_t ma;
	pthread_mutex_t m;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&m, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_mutex_lock(&m);
	int rc = pthread_mutex_lock(&m);
	printf("relock: %s\n", strerror(rc));
	pthread_mutex_unlock(&m);
	pthread_mutex_destroy(&m);
	return rc == EDEADLK;
}

int main(void)
{
	return mutexes_work() ? 0 : 1;
}
