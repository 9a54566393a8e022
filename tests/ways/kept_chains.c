/* kept_chains.c - the chains the fast path keeps with each lock (the last
 * chain with a lock on top, the last one pushed above it) never stand in
 * for an order they did not check. A striped table (a bucket lock, then
 * one global lock) and a fan-out (one outer lock over item locks that each
 * take one shared lock) run twice in a consistent order, so every chain is
 * kept; then one thread takes the global lock before bucket 7 (whose own
 * slot keeps the chain of bucket 7 alone), another item 3 before the
 * outer lock (item 3's above slot keeps the chain of the shared lock over
 * it). Each reversal is a lock-order cycle
 * (nothing ever deadlocks: the threads run one after the other): two
 * cycle errors, in every way in, named after the reversing functions. */
#include <pthread.h>
#include <stdio.h>

#define N 256

static pthread_mutex_t buckets[N];
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t outer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t items[N];
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void *consistent(void *arg)
{
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++) {
			pthread_mutex_lock(&buckets[i]);
			pthread_mutex_lock(&stats_lock);
			total++;
			pthread_mutex_unlock(&stats_lock);
			pthread_mutex_unlock(&buckets[i]);
		}
		pthread_mutex_lock(&outer_lock);
		for (int i = 0; i < N; i++) {
			pthread_mutex_lock(&items[i]);
			pthread_mutex_lock(&shared_lock);
			total++;
			pthread_mutex_unlock(&shared_lock);
			pthread_mutex_unlock(&items[i]);
		}
		pthread_mutex_unlock(&outer_lock);
	}
	return arg;
}

static __attribute__((noinline)) void *striped_reverse(void *arg)
{
	pthread_mutex_lock(&stats_lock);
	pthread_mutex_lock(&buckets[7]);
	total++;
	pthread_mutex_unlock(&buckets[7]);
	pthread_mutex_unlock(&stats_lock);
	return arg;
}

static __attribute__((noinline)) void *fanout_reverse(void *arg)
{
	pthread_mutex_lock(&items[3]);
	pthread_mutex_lock(&outer_lock);
	total++;
	pthread_mutex_unlock(&outer_lock);
	pthread_mutex_unlock(&items[3]);
	return arg;
}

static void run(void *(*fn)(void *))
{
	pthread_t t;
	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

int main(void)
{
	for (int i = 0; i < N; i++) {
		pthread_mutex_init(&buckets[i], NULL);
		pthread_mutex_init(&items[i], NULL);
	}
	run(consistent);
	run(consistent);
	run(striped_reverse);
	run(fanout_reverse);
	printf("total %ld\n", total);
	return 0;
}
