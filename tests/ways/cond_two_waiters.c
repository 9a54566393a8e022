/* cond_two_waiters.c - two workers, each waiting on a condition variable
 * of its own that nobody will ever signal (the orders queue and the
 * refunds queue), while main joins them: natively it hangs for good.
 * Every thread is blocked for good in a wait lockwatch sees, so the
 * deadlock report must show both waiters and both mutexes, not the first
 * alone with the other "queued behind" it (before: only orders_lock and
 * take_order; a trust check's two boost::shared_mutex deadlock showed one
 * of its two threads). Then the program ends with 66. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t orders_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t order_ready = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t refunds_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t refund_ready = PTHREAD_COND_INITIALIZER;
static int orders, refunds;

__attribute__((noinline)) static void take_order(void)
{
	pthread_mutex_lock(&orders_lock);
	while (orders == 0) /* nobody ever adds one or signals */
		pthread_cond_wait(&order_ready, &orders_lock);
	orders--;
	pthread_mutex_unlock(&orders_lock);
}

__attribute__((noinline)) static void take_refund(void)
{
	pthread_mutex_lock(&refunds_lock);
	while (refunds == 0) /* nor here */
		pthread_cond_wait(&refund_ready, &refunds_lock);
	refunds--;
	pthread_mutex_unlock(&refunds_lock);
}

static void *order_worker(void *arg)
{
	take_order();
	return arg;
}

static void *refund_worker(void *arg)
{
	take_refund();
	return arg;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, order_worker, NULL);
	pthread_create(&b, NULL, refund_worker, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	printf("not reached\n");
	return 0;
}
