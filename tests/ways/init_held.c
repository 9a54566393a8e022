/* init_held.c - pthread_mutex_init on a mutex the thread holds: undefined
 * behaviour that glibc lets through (the mutex is simply reset), so the
 * holder's later unlock acts on a fresh lock. It runs fine natively;
 * lockwatch reports it as init_held (an error) naming the lock, with the
 * holder's stack (take_config) and the initialising one (reset_config),
 * once per call site (the loop repeats it at the same sites). The unlock
 * that follows is the same mistake, not reported again as a bad unlock.
 * The same for a read-held rwlock and a held spinlock (reset_others):
 * three init_held reports in all. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t table_rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_spinlock_t stats_spin;

__attribute__((noinline)) static void take_config(void)
{
	pthread_mutex_lock(&config_lock);
}

__attribute__((noinline)) static void reset_config(void)
{
	pthread_mutex_init(&config_lock, NULL);
}

/* the same with a read-held rwlock and a held spinlock */
__attribute__((noinline)) static void reset_others(void)
{
	pthread_rwlock_rdlock(&table_rw);
	pthread_rwlock_init(&table_rw, NULL);
	pthread_rwlock_unlock(&table_rw);
	pthread_spin_lock(&stats_spin);
	pthread_spin_init(&stats_spin, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_unlock(&stats_spin);
}

int main(void)
{
	pthread_spin_init(&stats_spin, PTHREAD_PROCESS_PRIVATE);
	for (int i = 0; i < 3; i++) {
		take_config();
		reset_config();
		pthread_mutex_unlock(&config_lock);
		reset_others();
	}
	printf("done\n");
	return 0;
}
