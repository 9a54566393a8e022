/* ticker.h - the signal tests' wall-clock timer: ticker_start(fn, us)
 * calls fn at SIGALRM every us microseconds (SA_RESTART, so the program's
 * own calls are not cut short), ticker_stop() ends it. The timer also
 * ends itself TICKER_BUDGET_S seconds after the start: a signal costs
 * this virtual machine's kernel 50-150 us, so a storm of the tests'
 * sizes lasted 5-15 s alone and, beside other tests, past the harness's
 * 30 s while the interrupted loop barely moved (CI failed so). The check
 * is in the handler, which runs however starved the loop is. A header
 * of static functions: each test stays one program. */
#ifndef LW_TEST_TICKER_H
#define LW_TEST_TICKER_H

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define TICKER_BUDGET_S 6

static struct timespec ticker_t0;
static void (*ticker_fn)(int);

static void ticker_set(long us)
{
	struct itimerval it;
	memset(&it, 0, sizeof(it));
	it.it_interval.tv_usec = us;
	it.it_value.tv_usec = us;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void ticker_on_signal(int sig)
{
	int saved = errno;
	ticker_fn(sig);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - ticker_t0.tv_sec > TICKER_BUDGET_S)
		ticker_set(0);
	errno = saved;
}

static void ticker_start(void (*fn)(int), long us)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	ticker_fn = fn;
	sa.sa_handler = ticker_on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	clock_gettime(CLOCK_MONOTONIC, &ticker_t0);
	sigaction(SIGALRM, &sa, NULL);
	ticker_set(us);
}

static void ticker_stop(void)
{
	ticker_set(0);
}

#endif
