/* cancel_pending_report.c - threads with a cancel pending (deferred, so
 * acted on only at a cancellation point) whose lock calls, which are no
 * cancellation points, make lockwatch report: an error-checking mutex
 * probed (EDEADLK, a warning), a real lock-order cycle (an error), a
 * thread that returns holding a lock (a warning). Natively each thread
 * runs to its end and returns 7. lockwatch's reports open and write files
 * (cancellation points): the thread was once cancelled inside lockwatch,
 * its own locks held, and every way hung or joined PTHREAD_CANCELED.
 * Last, a thread with cancellation disabled and asynchronous, a cancel
 * pending: lockwatch gives its state and type back as they were (it is
 * never cancelled in a lock call, and the program finds what it set). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t e = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t h = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER, d = PTHREAD_MUTEX_INITIALIZER;
static int async_state = -1, async_type = -1;

__attribute__((noinline)) static void *probe(void *arg)
{
	pthread_cancel(pthread_self());
	pthread_mutex_lock(&e);
	int rc = pthread_mutex_lock(&e); /* EDEADLK */
	pthread_mutex_unlock(&e);
	return rc == EDEADLK ? (void *)7 : arg;
}

static void unlock_it(void *m)
{
	pthread_mutex_unlock(m);
}

__attribute__((noinline)) static void *cycle(void *arg)
{
	void *ret = (void *)7;
	pthread_cancel(pthread_self());
	pthread_mutex_lock(&b);
	pthread_cleanup_push(unlock_it, &b);
	pthread_mutex_lock(&a); /* main took a, then b */
	pthread_mutex_unlock(&a);
	pthread_cleanup_pop(1);
	return arg ? arg : ret;
}

__attribute__((noinline)) static void *keeps(void *arg)
{
	pthread_cancel(pthread_self());
	pthread_mutex_lock(&h);
	return arg ? arg : (void *)7; /* returns holding h */
}

__attribute__((noinline)) static void *async(void *arg)
{
	int type = -1;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
	pthread_cancel(pthread_self()); /* pending while disabled */
	pthread_mutex_lock(&c);
	pthread_mutex_lock(&d);
	pthread_mutex_unlock(&d);
	pthread_mutex_unlock(&c);
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &async_state);
	pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, &type);
	async_type = type;
	return arg ? arg : (void *)7;
}

static const char *run(void *(*fn)(void *))
{
	pthread_t t;
	void *r;
	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, &r);
	return r == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : r == (void *)7 ? "7" : "?";
}

int main(void)
{
	printf("probe returned %s\n", run(probe));
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	printf("cycle returned %s\n", run(cycle));
	printf("keeps returned %s\n", run(keeps));
	printf("async returned %s\n", run(async));
	printf("async: still disabled %d, still asynchronous %d\n",
	       async_state == PTHREAD_CANCEL_DISABLE, async_type == PTHREAD_CANCEL_ASYNCHRONOUS);
	return 0;
}
