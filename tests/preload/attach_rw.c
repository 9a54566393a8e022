/* attach_rw.c - a deadlock through a rwlock in a plain program (no
 * lockwatch): rebuild() write-holds table_rw and wants stats_lock,
 * report() holds stats_lock and read-locks table_rw (a barrier makes both
 * take their first lock first, and second_writer() waits at it too, so it
 * never takes table_rw first and leaves); second_writer() queues behind
 * them and main joins them all: it hangs for good. `lockwatch attach PID` must find
 * the writer through glibc's __cur_writer (test_attach.sh). */
#include <pthread.h>
#include <stdio.h>

pthread_rwlock_t table_rw = PTHREAD_RWLOCK_INITIALIZER;
pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;

__attribute__((noinline)) static void *rebuild(void *arg)
{
	pthread_rwlock_wrlock(&table_rw);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&stats_lock);
	pthread_mutex_unlock(&stats_lock);
	pthread_rwlock_unlock(&table_rw);
	return arg;
}

__attribute__((noinline)) static void *report(void *arg)
{
	pthread_mutex_lock(&stats_lock);
	pthread_barrier_wait(&both_hold);
	pthread_rwlock_rdlock(&table_rw);
	pthread_rwlock_unlock(&table_rw);
	pthread_mutex_unlock(&stats_lock);
	return arg;
}

__attribute__((noinline)) static void *second_writer(void *arg)
{
	pthread_barrier_wait(&both_hold); /* only once the others hold theirs */
	pthread_rwlock_wrlock(&table_rw);
	pthread_rwlock_unlock(&table_rw);
	return arg;
}

int main(void)
{
	pthread_t f, b, w;
	pthread_barrier_init(&both_hold, NULL, 3);
	pthread_create(&f, NULL, rebuild, NULL);
	pthread_create(&b, NULL, report, NULL);
	pthread_create(&w, NULL, second_writer, NULL);
	pthread_join(f, NULL);
	pthread_join(b, NULL);
	pthread_join(w, NULL);
	printf("not reached\n");
	return 0;
}
