/* mtx_abba.c - C11 <threads.h> mutexes: forward() takes A then B,
 * backward() B then A (one after the other, so natively it never hangs).
 * glibc's mtx_lock calls its internal mutex function, not the interposable
 * pthread_mutex_lock, so lockwatch once saw none of it: the cycle must be
 * one lock-order error in every way in. B is made mtx_timed, and both are
 * destroyed with mtx_destroy at the end. The wrapper API has no C11 types:
 * that way is skipped. */
#include <stdio.h>
#include <threads.h>

#ifdef LW_AS_WRAPPER_H
/* the wrapper form is built, never run (WAYS_SKIP) */
int main(void)
{
	return 1;
}
#else

static mtx_t lock_a, lock_b;
static int counter, failed;

static int forward(void *arg)
{
	failed += mtx_lock(&lock_a) != thrd_success;
	failed += mtx_lock(&lock_b) != thrd_success;
	counter++;
	failed += mtx_unlock(&lock_b) != thrd_success;
	failed += mtx_unlock(&lock_a) != thrd_success;
	return arg != NULL;
}

static int backward(void *arg)
{
	failed += mtx_lock(&lock_b) != thrd_success;
	failed += mtx_lock(&lock_a) != thrd_success;
	counter++;
	failed += mtx_unlock(&lock_a) != thrd_success;
	failed += mtx_unlock(&lock_b) != thrd_success;
	return arg != NULL;
}

int main(void)
{
	thrd_t t;
	int res;
	failed += mtx_init(&lock_a, mtx_plain) != thrd_success;
	failed += mtx_init(&lock_b, mtx_timed) != thrd_success;
	thrd_create(&t, forward, NULL);
	thrd_join(t, &res);
	thrd_create(&t, backward, NULL);
	thrd_join(t, &res);
	mtx_destroy(&lock_b);
	mtx_destroy(&lock_a);
	printf("counter %d, failed calls %d\n", counter, failed);
	return 0;
}
#endif
