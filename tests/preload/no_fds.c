/* no_fds.c - a program at its descriptor limit: it lowers RLIMIT_NOFILE
 * to the three it has open (as a program that uses every descriptor it
 * may does), then holder() holds ledger_lock 1.5 s while two waiters
 * queue for it. Natively it ends well. lockwatch can open nothing in it
 * (no /proc file, no JSON file): its long-hold report must still come,
 * on stderr and counted by `lockwatch run`, and say the holder's doing
 * now cannot be read, not that the holder has exited. With `keep` it
 * keeps its limit (test_seccomp.sh runs it so, in a sandbox). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static pthread_mutex_t ledger_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t posted = PTHREAD_COND_INITIALIZER;
static int done;

static void *holder(void *arg)
{
	struct timespec ts = { 1, 500 * 1000 * 1000 };
	pthread_mutex_lock(&ledger_lock);
	while (nanosleep(&ts, &ts) != 0)
		;
	done = 1;
	pthread_cond_broadcast(&posted);
	pthread_mutex_unlock(&ledger_lock);
	return arg;
}

static void *waiter(void *arg)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	pthread_mutex_lock(&ledger_lock);
	while (!done)
		pthread_cond_wait(&posted, &ledger_lock);
	pthread_mutex_unlock(&ledger_lock);
	return arg;
}

int main(int argc, char **argv)
{
	struct rlimit r = { 3, 3 };
	if (!(argc > 1 && strcmp(argv[1], "keep") == 0) && setrlimit(RLIMIT_NOFILE, &r) != 0)
		return 2;
	pthread_t h, w1, w2;
	if (pthread_create(&h, NULL, holder, NULL) || pthread_create(&w1, NULL, waiter, NULL) ||
	    pthread_create(&w2, NULL, waiter, NULL))
		return 1;
	pthread_join(h, NULL);
	pthread_join(w1, NULL);
	pthread_join(w2, NULL);
	printf("done %d\n", done);
	return 0;
}
