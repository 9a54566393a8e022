/* site_memo_paths.c - locks made and first locked at one call site, in one
 * frame at one address, reached through two callers of the same size by
 * one call through a pointer. A lock's first-use stack (its name: the
 * first frame in the program's own code) is its own caller's: a stack
 * remembered for that call site and frame (model/site_memo.h) must not
 * answer for the other caller. Locks made through first() teach it first's
 * stack; then one lock through each, taken in both orders: one lock-order
 * cycle, its locks named after first()'s and second()'s lines. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* A frame lock names pass over: its file reads as a system header's. */
#line 1 "/usr/include/site_memo_paths_maker.h"
__attribute__((noinline)) static pthread_mutex_t *made_locked(int *uses)
{
	pthread_mutex_t *m = malloc(sizeof *m);
	if (!m)
		abort();
	pthread_mutex_init(m, NULL);
	pthread_mutex_lock(m);
	(*uses)++;
	return m;
}
#line 26 "site_memo_paths.c"

static int uses;

__attribute__((noinline)) static pthread_mutex_t *first(void)
{
	pthread_mutex_t *m = made_locked(&uses); /* line 31 */
	__asm__ volatile("" ::: "memory");
	return m;
}

__attribute__((noinline)) static pthread_mutex_t *second(void)
{
	pthread_mutex_t *m = made_locked(&uses); /* line 38 */
	__asm__ volatile("" ::: "memory");
	return m;
}

static pthread_mutex_t *(*volatile makers[2])(void) = { first, second };

__attribute__((noinline)) static pthread_mutex_t *make(int i)
{
	pthread_mutex_t *m = makers[i]();
	__asm__ volatile("" ::: "memory");
	return m;
}

static void both(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x);
	pthread_mutex_lock(y);
	pthread_mutex_unlock(y);
	pthread_mutex_unlock(x);
}

int main(void)
{
	for (int i = 0; i < 4; i++) {
		pthread_mutex_t *m = make(0);
		pthread_mutex_unlock(m);
		pthread_mutex_destroy(m);
		free(m);
	}
	pthread_mutex_t *a = make(0), *b = make(1);
	pthread_mutex_unlock(a);
	pthread_mutex_unlock(b);
	both(a, b);
	both(b, a);
	printf("%d locks made\n", uses);
	pthread_mutex_destroy(a);
	pthread_mutex_destroy(b);
	free(a);
	free(b);
	return 0;
}
