/* watchdog.c - the watchdog thread (see watchdog.h). */
#include "watchdog.h"
#include "init.h"
#include "options.h"
#include "real.h"
#include "thread.h"

#include <signal.h>
#include <time.h>

static pthread_mutex_t wd_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cv = PTHREAD_COND_INITIALIZER;
static pthread_t wd_thread;
static int wd_running, wd_stop;
static struct timespec t0;

static uint64_t elapsed_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - t0.tv_sec) * 1000u +
	       (uint64_t)((now.tv_nsec - t0.tv_nsec) / 1000000);
}

uint64_t lw__watchdog_now_ms(void)
{
	return elapsed_ms();
}

static void *wd_main(void *arg)
{
	(void)arg;
	lw__guard_enter(); /* everything this thread does passes straight through */
	LW_REAL_FN(pthread_mutex_lock)(&wd_mu);
	while (!wd_stop) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		long ms = lw__opt.watchdog_ms;
		until.tv_sec += ms / 1000;
		until.tv_nsec += (ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		LW_REAL_FN(pthread_cond_timedwait)(&wd_cv, &wd_mu, &until);
		lw__store(&lw__tick, (uint32_t)elapsed_ms());
	}
	LW_REAL_FN(pthread_mutex_unlock)(&wd_mu);
	return NULL;
}

void lw__watchdog_start(void)
{
	if (wd_running)
		return;
	if (!t0.tv_sec && !t0.tv_nsec)
		clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wd_cv, &ca);
	pthread_condattr_destroy(&ca);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	wd_stop = 0;
	if (LW_REAL_FN(pthread_create)(&wd_thread, NULL, wd_main, NULL) == 0)
		wd_running = 1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void lw__watchdog_stop(void)
{
	if (!wd_running)
		return;
	LW_REAL_FN(pthread_mutex_lock)(&wd_mu);
	wd_stop = 1;
	pthread_cond_signal(&wd_cv);
	LW_REAL_FN(pthread_mutex_unlock)(&wd_mu);
	pthread_join(wd_thread, NULL);
	wd_running = 0;
}

void lw__watchdog_atfork_child(void)
{
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	wd_mu = fresh;
	wd_running = 0;
	lw__watchdog_start();
}

void lw__watchdog_options_changed(void)
{
	LW_REAL_FN(pthread_mutex_lock)(&wd_mu);
	pthread_cond_signal(&wd_cv);
	LW_REAL_FN(pthread_mutex_unlock)(&wd_mu);
}
