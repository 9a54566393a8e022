/* stack_reuse.c - mutexes on the stack, made with PTHREAD_MUTEX_INITIALIZER
 * (no init call), as a per-call completion or a local guard often is. Two
 * functions called one after the other get their local mutex at the same
 * address; one takes it under `registry`, the other takes `registry`
 * under it. They are different locks (the first is gone before the second
 * exists), so nothing can deadlock and nothing must be reported. Before,
 * lockwatch kept one identity for the address and reported a lock-order
 * cycle between `registry` and "the" local mutex (status 66). The same in
 * a second thread, and a local rwlock made with its initializer. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static long entries;

static __attribute__((noinline)) void add_entry(void)
{
	pthread_mutex_t done = PTHREAD_MUTEX_INITIALIZER; /* a local completion */
	pthread_mutex_lock(&registry);
	pthread_mutex_lock(&done);
	entries++;
	pthread_mutex_unlock(&done);
	pthread_mutex_unlock(&registry);
}

static __attribute__((noinline)) void flush_entries(void)
{
	pthread_mutex_t batch = PTHREAD_MUTEX_INITIALIZER; /* a local guard */
	pthread_mutex_lock(&batch);
	pthread_mutex_lock(&registry);
	entries--;
	pthread_mutex_unlock(&registry);
	pthread_mutex_unlock(&batch);
}

static __attribute__((noinline)) void read_entries(void)
{
	pthread_rwlock_t view = PTHREAD_RWLOCK_INITIALIZER;
	pthread_rwlock_rdlock(&view);
	pthread_mutex_lock(&registry);
	entries += 0;
	pthread_mutex_unlock(&registry);
	pthread_rwlock_unlock(&view);
}

static __attribute__((noinline)) void write_entries(void)
{
	pthread_rwlock_t view = PTHREAD_RWLOCK_INITIALIZER;
	pthread_mutex_lock(&registry);
	pthread_rwlock_wrlock(&view);
	entries += 0;
	pthread_rwlock_unlock(&view);
	pthread_mutex_unlock(&registry);
}

static void *round_trip(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++) {
		add_entry();
		flush_entries();
		write_entries();
		read_entries();
	}
	return NULL;
}

int main(void)
{
	round_trip(NULL);
	pthread_t t;
	pthread_create(&t, NULL, round_trip, NULL);
	pthread_join(t, NULL);
	printf("entries %ld\n", entries);
	return 0;
}
