/* mlocked_churn.c - a program that locks its memory (mlockall, as
 * real-time and audio programs do) and then makes, takes and destroys a
 * lock per request under a long-lived one, 40,000 times: a new lock
 * order each time, none of them a cycle. Under lockwatch it hung: the
 * kernel refuses to give back locked pages (madvise MADV_DONTNEED: EINVAL),
 * and lockwatch's table of checked chains, reused as if it were empty
 * after much lock churn, was still full: its insert probed for ever. It
 * prints the requests served; nothing is reported. Where the memory cannot
 * be locked (no privilege, a small RLIMIT_MEMLOCK) it runs the same,
 * unlocked. */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>

#define REQUESTS 40000

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static long served;

__attribute__((noinline)) static void serve(void)
{
	pthread_mutex_t request;
	pthread_mutex_init(&request, NULL);
	pthread_mutex_lock(&registry);
	pthread_mutex_lock(&request);
	served++;
	pthread_mutex_unlock(&request);
	pthread_mutex_unlock(&registry);
	pthread_mutex_destroy(&request);
}

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < REQUESTS; i++)
		serve();
	return NULL;
}

int main(void)
{
	(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	pthread_t t;
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return 2;
	pthread_join(t, NULL);
	printf("served %ld requests\n", served);
	return 0;
}
