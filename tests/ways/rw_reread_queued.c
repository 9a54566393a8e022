/* rw_reread_queued.c - a reader read-locks a writer-preferring rwlock
 * (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP) it already read-holds,
 * after a writer queued on it: glibc lets no new reader in while a writer
 * waits, and the writer waits for the first read: natively it hangs for
 * good. In every way in: the self_deadlock (reported before it blocks: the
 * pattern is a mistake) and the deadlock itself, naming the lock and both
 * threads' functions, then the program ends with 66. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_rwlock_t table_lock;
static int rows;

__attribute__((noinline)) static void add_row(void)
{
	pthread_rwlock_wrlock(&table_lock); /* queues behind the first read */
	rows++;
	pthread_rwlock_unlock(&table_lock);
}

static void *writer(void *arg)
{
	add_row();
	return arg;
}

/* Is a writer queued on the lock? (A try-read fails with EBUSY then.) */
static int writer_queued(void)
{
	if (pthread_rwlock_tryrdlock(&table_lock) != 0)
		return 1;
	pthread_rwlock_unlock(&table_lock);
	return 0;
}

__attribute__((noinline)) static int count_rows(void)
{
	pthread_rwlock_rdlock(&table_lock); /* the second read: behind the writer */
	int n = rows;
	pthread_rwlock_unlock(&table_lock);
	return n;
}

__attribute__((noinline)) static void scan_table(void)
{
	pthread_t t;
	pthread_rwlock_rdlock(&table_lock);
	pthread_create(&t, NULL, writer, NULL);
	while (!writer_queued()) {
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	count_rows();
	pthread_rwlock_unlock(&table_lock);
	pthread_join(t, NULL);
}

int main(void)
{
	pthread_rwlockattr_t a;
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&table_lock, &a);
	pthread_rwlockattr_destroy(&a);
	scan_table();
	printf("not reached: %d\n", rows);
	return 0;
}
