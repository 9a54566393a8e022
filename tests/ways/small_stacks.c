/* small_stacks.c - threads on small stacks, as servers with thousands of
 * threads make them: 64 KiB, set per thread and as the process's default
 * (pthread_setattr_default_np, which lockwatch's own watchdog thread must
 * not take). Natively each thread uses a few KiB. forward() and backward()
 * take two locks in opposite orders, one thread after the other (a
 * lock-order cycle, never a deadlock here); settle() holds a lock past the
 * test's hold_ms. lockwatch reports both, building the reports (symbols,
 * text, JSON: well over 64 KiB of stack) on the way: the program must run
 * as natively, with one lock_order_cycle error and one long_hold warning,
 * the holder's stack naming settle(). */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define SMALL (64 * 1024)

static pthread_mutex_t accounts = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t audit = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ledger = PTHREAD_MUTEX_INITIALIZER;
static long balance;

__attribute__((noinline)) static void *forward(void *arg)
{
	pthread_mutex_lock(&accounts);
	pthread_mutex_lock(&audit);
	balance += 10;
	pthread_mutex_unlock(&audit);
	pthread_mutex_unlock(&accounts);
	return arg;
}

__attribute__((noinline)) static void *backward(void *arg)
{
	pthread_mutex_lock(&audit);
	pthread_mutex_lock(&accounts);
	balance -= 3;
	pthread_mutex_unlock(&accounts);
	pthread_mutex_unlock(&audit);
	return arg;
}

__attribute__((noinline)) static void *settle(void *arg)
{
	struct timespec ts = { 0, 600 * 1000 * 1000 };
	pthread_mutex_lock(&ledger);
	while (nanosleep(&ts, &ts) != 0)
		;
	balance *= 2;
	pthread_mutex_unlock(&ledger);
	return arg;
}

static int run(void *(*fn)(void *), const pthread_attr_t *attr)
{
	pthread_t t;
	if (pthread_create(&t, attr, fn, NULL) != 0)
		return -1;
	return pthread_join(t, NULL);
}

int main(void)
{
	pthread_attr_t small;
	pthread_attr_init(&small);
	if (pthread_attr_setstacksize(&small, SMALL) != 0) {
		puts("cannot set a 64 KiB stack");
		return 1;
	}
	if (run(forward, &small) || run(backward, &small))
		return 1;
	/* from here every thread, the watchdog's included, would be small */
	if (pthread_setattr_default_np(&small) != 0) {
		puts("cannot set the default stack");
		return 1;
	}
	if (run(settle, NULL))
		return 1;
	pthread_attr_destroy(&small);
	printf("balance %ld\n", balance);
	return 0;
}
