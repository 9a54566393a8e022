/* icount.c - one mutex locked and unlocked N times (argv[1]) after a thread
 * was started (so glibc uses its atomic instructions), or with a second
 * argument in a process that never starts one, for tools/bench/icount.sh;
 * -DWRAP uses the wrapper API instead. */
#include <pthread.h>
#include <stdlib.h>
#ifdef WRAP
#include <lockwatch.h>
static lw_mutex_t m = LW_MUTEX_INITIALIZER;
#define LOCK() lw_mutex_lock(&m)
#define UNLOCK() lw_mutex_unlock(&m)
#else
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
#define LOCK() pthread_mutex_lock(&m)
#define UNLOCK() pthread_mutex_unlock(&m)
#endif
static void *idle(void *a) { return a; }
int main(int argc, char **argv)
{
	long n = atol(argv[1]);
	pthread_t t;
	if (argc < 3)
		pthread_create(&t, 0, idle, 0), pthread_join(t, 0);
	for (long i = 0; i < n; i++) { LOCK(); UNLOCK(); }
	return 0;
}
