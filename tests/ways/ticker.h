/* ticker.h - the signal tests' wall-clock timer: ticker_start(fn, us)
 * calls fn at SIGALRM every us microseconds (SA_RESTART, so the program's
 * own calls are not cut short), ticker_stop() ends it. A header of static
 * functions: each test stays one program. */
#ifndef LW_TEST_TICKER_H
#define LW_TEST_TICKER_H

#include <signal.h>
#include <string.h>
#include <sys/time.h>

static void ticker_set(long us)
{
	struct itimerval it;
	memset(&it, 0, sizeof(it));
	it.it_interval.tv_usec = us;
	it.it_value.tv_usec = us;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void ticker_start(void (*fn)(int), long us)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	ticker_set(us);
}

static void ticker_stop(void)
{
	ticker_set(0);
}

#endif
