/* stack_reuse_helper.c - two functions' local mutexes (made with
 * PTHREAD_MUTEX_INITIALIZER, never destroyed, as is legal) at one stack
 * address at different times, every lock taken through one helper (as
 * libuv's uv_mutex_lock, OpenSSL's CRYPTO_THREAD_write_lock, or
 * std::mutex::lock out of line in a debug build). One takes its local
 * mutex under `table`, the other takes `table` under its own. Their
 * lifetimes never overlap, so nothing can deadlock and nothing must be
 * reported. Before, every lock had the helper's call site, so the second
 * local mutex was taken for the first one made again in its role, and a
 * lock-order cycle through `table` was reported (status 66). Each
 * function is called twice, and a recursive call of the first takes its
 * lock one frame deeper: still no report. The two addresses must be one,
 * else the program tests nothing: it aborts, which fails the test. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static uintptr_t where_add, where_drop;
static long rows;

static __attribute__((noinline)) void take(pthread_mutex_t *m)
{
	if (pthread_mutex_lock(m))
		abort();
}

static __attribute__((noinline)) void give(pthread_mutex_t *m)
{
	if (pthread_mutex_unlock(m))
		abort();
}

static __attribute__((noinline)) void add_row(int depth)
{
	pthread_mutex_t done = PTHREAD_MUTEX_INITIALIZER; /* a local completion */
	if (depth > 0) {
		add_row(depth - 1);
		return;
	}
	where_add = (uintptr_t)&done;
	take(&table);
	take(&done); /* table -> done */
	rows++;
	give(&done);
	give(&table);
}

/* the same shape of frame as add_row's (a depth too), so that its local
 * takes the same slot in every build (-O0, and under ASan's redzones) */
static __attribute__((noinline)) void drop_row(int depth)
{
	pthread_mutex_t batch = PTHREAD_MUTEX_INITIALIZER; /* another mutex, same slot */
	if (depth > 0) {
		drop_row(depth - 1);
		return;
	}
	where_drop = (uintptr_t)&batch;
	take(&batch);
	take(&table); /* batch -> table */
	rows--;
	give(&table);
	give(&batch);
}

static void *nothing(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t; /* a second thread first: the program is multi-threaded */
	if (pthread_create(&t, NULL, nothing, NULL) || pthread_join(t, NULL))
		return 1;
	for (int i = 0; i < 2; i++) {
		add_row(0);
		drop_row(0);
	}
	if (where_add != where_drop) {
		fprintf(stderr, "the two local mutexes are not at one address\n");
		abort();
	}
	add_row(1);
	drop_row(0);
	printf("rows %ld\n", rows);
	return 0;
}
