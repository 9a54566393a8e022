/* late_thread_deadlock.c - a program that runs alone for a while, then
 * starts one thread and deadlocks with it for real (natively it hangs):
 * main() holds ledger while post() takes audit and then waits for ledger,
 * and main() then waits for audit. The watchdog of a process that had one
 * thread starts with the second (issue 12), in time to see the wait-for
 * cycle: one deadlock error (and the lock-order cycle), the run ended, in
 * every way in. */
#include <pthread.h>
#include <semaphore.h>

static pthread_mutex_t ledger = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t audit = PTHREAD_MUTEX_INITIALIZER;
static sem_t audit_held;

static void *post(void *arg)
{
	pthread_mutex_lock(&audit);
	sem_post(&audit_held);
	pthread_mutex_lock(&ledger);
	pthread_mutex_unlock(&ledger);
	pthread_mutex_unlock(&audit);
	return arg;
}

__attribute__((noinline)) static void settle(void)
{
	pthread_t t;
	pthread_mutex_lock(&ledger);
	pthread_create(&t, NULL, post, NULL);
	sem_wait(&audit_held);
	pthread_mutex_lock(&audit);
	pthread_mutex_unlock(&audit);
	pthread_mutex_unlock(&ledger);
	pthread_join(t, NULL);
}

int main(void)
{
	sem_init(&audit_held, 0, 0);
	for (int i = 0; i < 100000; i++) {
		pthread_mutex_lock(&ledger);
		pthread_mutex_unlock(&ledger);
	}
	settle();
	return 0;
}
