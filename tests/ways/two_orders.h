/* two_orders.h - the lock-order cycle two ways programs begin with:
 * transfer() takes accounts then journal, audit() journal then accounts,
 * one thread after the other, so the program never deadlocks and
 * lockwatch reports one lock_order_cycle error naming both locks and both
 * functions. two_orders() runs them: 0, or -1 when a thread cannot run. */
#ifndef WAYS_TWO_ORDERS_H
#define WAYS_TWO_ORDERS_H

#include <pthread.h>

static pthread_mutex_t accounts = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t journal = PTHREAD_MUTEX_INITIALIZER;
static long balance;

__attribute__((noinline)) static void *transfer(void *arg)
{
	pthread_mutex_lock(&accounts);
	pthread_mutex_lock(&journal);
	balance += 7;
	pthread_mutex_unlock(&journal);
	pthread_mutex_unlock(&accounts);
	return arg;
}

__attribute__((noinline)) static void *audit(void *arg)
{
	pthread_mutex_lock(&journal);
	pthread_mutex_lock(&accounts);
	balance -= 2;
	pthread_mutex_unlock(&accounts);
	pthread_mutex_unlock(&journal);
	return arg;
}

static int two_orders(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, transfer, NULL) || pthread_join(t, NULL) ||
	    pthread_create(&t, NULL, audit, NULL) || pthread_join(t, NULL))
		return -1;
	return 0;
}

#endif
