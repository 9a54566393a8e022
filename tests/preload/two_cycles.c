/* two_cycles.c - "someone else's program" with two unrelated lock-order
 * inversions, run one thread after the other so that it never deadlocks
 * and exits 0: pay_lock/book_lock (in pay_in and book_out) and
 * cache_lock/index_lock (in cache_fill and index_scan). Each is one
 * lock_order_cycle error; a suppression naming one leaves the other. */
#include <pthread.h>

pthread_mutex_t pay_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t book_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;

static void both(pthread_mutex_t *a, pthread_mutex_t *b)
{
	pthread_mutex_lock(a);
	pthread_mutex_lock(b);
	pthread_mutex_unlock(b);
	pthread_mutex_unlock(a);
}

__attribute__((noinline)) void pay_in(void) { both(&pay_lock, &book_lock); }
__attribute__((noinline)) void book_out(void) { both(&book_lock, &pay_lock); }
__attribute__((noinline)) void cache_fill(void) { both(&cache_lock, &index_lock); }
__attribute__((noinline)) void index_scan(void) { both(&index_lock, &cache_lock); }

static void *run(void *fn)
{
	((void (*)(void))fn)();
	return NULL;
}

int main(void)
{
	void (*const steps[])(void) = { pay_in, book_out, cache_fill, index_scan };
	for (int i = 0; i < 4; i++) {
		pthread_t t;
		pthread_create(&t, NULL, run, (void *)steps[i]);
		pthread_join(t, NULL);
	}
	return 0;
}
