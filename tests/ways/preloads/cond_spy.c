/* cond_spy.c - a library that interposes pthread_cond_wait and
 * pthread_cond_timedwait as a sanitizer's runtime does (ThreadSanitizer's
 * libtsan: unversioned definitions, linked into the program), counting
 * the calls that reach it for each condition variable before passing
 * them on to glibc. A program linked with it asks cond_spy_calls(c) how
 * many waits on c did (cond_spied.c); lockwatch's own waits, on its own
 * condition variables, reach it too in some ways and are not counted
 * there. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>

#define SLOTS 64

static struct {
	pthread_cond_t *c;
	unsigned calls;
} seen[SLOTS];

static void count(pthread_cond_t *c)
{
	for (int i = 0; i < SLOTS; i++) {
		pthread_cond_t *was = NULL;
		if (__atomic_compare_exchange_n(&seen[i].c, &was, c, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE) ||
		    was == c) {
			__atomic_add_fetch(&seen[i].calls, 1, __ATOMIC_RELAXED);
			return;
		}
	}
}

unsigned cond_spy_calls(pthread_cond_t *c)
{
	for (int i = 0; i < SLOTS; i++)
		if (__atomic_load_n(&seen[i].c, __ATOMIC_ACQUIRE) == c)
			return __atomic_load_n(&seen[i].calls, __ATOMIC_RELAXED);
	return 0;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	static int (*next)(pthread_cond_t *, pthread_mutex_t *);
	if (!next)
		next = (int (*)(pthread_cond_t *, pthread_mutex_t *))dlvsym(
			RTLD_NEXT, "pthread_cond_wait", "GLIBC_2.3.2");
	count(c);
	return next(c, m);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t)
{
	static int (*next)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
	if (!next)
		next = (int (*)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *))dlvsym(
			RTLD_NEXT, "pthread_cond_timedwait", "GLIBC_2.3.2");
	count(c);
	return next(c, m, t);
}
