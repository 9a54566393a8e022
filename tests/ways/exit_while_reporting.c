/* exit_while_reporting.c - main calls exit() while a worker is in the
 * lock call that closes a real lock-order cycle (main took first then
 * second, the worker takes second then first), a worker main never
 * joins. Natively that call takes nanoseconds; under lockwatch it makes
 * the cycle's report there, naming its frames, which takes a while.
 * Before, exit ended the process under the report: no report, status 0
 * (a false green, three runs of three). Now exit waits for the reports
 * other threads are making: one lock-order cycle error in every way in.
 * Main waits for the worker's lock call to end or to have used 5 ms of
 * CPU (not of wall-clock time: the test does not depend on how busy the
 * machine is), so under lockwatch the cycle has been found by then.
 * Built with EXIT_WITH=_exit (tests/preload/test_cut_short.sh) it ends
 * with no exit handler: the report is cut short, and `lockwatch run`
 * must still count its error. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#ifndef EXIT_WITH
#define EXIT_WITH exit
#endif

static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t second = PTHREAD_MUTEX_INITIALIZER;
static volatile int stage;

static void *worker(void *arg)
{
	pthread_mutex_lock(&second);
	stage = 1;
	pthread_mutex_lock(&first); /* closes the cycle */
	stage = 2;
	pthread_mutex_unlock(&first);
	pthread_mutex_unlock(&second);
	for (;;)
		pause();
	return arg;
}

static long long cpu_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
	pthread_t t;
	clockid_t c;
	pthread_mutex_lock(&first);
	pthread_mutex_lock(&second);
	pthread_mutex_unlock(&second);
	pthread_mutex_unlock(&first);
	pthread_create(&t, NULL, worker, NULL);
	pthread_getcpuclockid(t, &c);
	while (stage == 0)
		sched_yield();
	long long t0 = cpu_ns(c);
	while (stage == 1 && cpu_ns(c) - t0 < 5000000)
		sched_yield();
	puts("exiting");
	fflush(stdout);
	EXIT_WITH(0);
}
