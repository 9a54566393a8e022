/* cancel_condwait.c - a thread cancelled while blocked in
 * pthread_cond_wait: glibc takes the mutex back before the thread's cleanup
 * handlers run, and the handler unlocks it. No report in any way in (the
 * unlock was once a false bad_unlock), and the mutex is free afterwards. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static int waiting, cleaned;

static void unlock_it(void *arg)
{
	cleaned++;
	pthread_mutex_unlock(arg);
}

static void *waiter(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_cleanup_push(unlock_it, &m);
	waiting = 1;
	for (;;)
		pthread_cond_wait(&never, &m);
	pthread_cleanup_pop(1);
	return arg;
}

int main(void)
{
	pthread_t t;
	void *res;
	pthread_create(&t, NULL, waiter, NULL);
	/* waiting is set under m, which only the wait gives back */
	for (int w = 0; !w;) {
		pthread_mutex_lock(&m);
		w = waiting;
		pthread_mutex_unlock(&m);
	}
	pthread_cancel(t);
	pthread_join(t, &res);
	pthread_mutex_lock(&m);
	printf("cancelled %d, cleaned %d\n", res == PTHREAD_CANCELED, cleaned);
	pthread_mutex_unlock(&m);
	return 0;
}
