/* omp_abba.c - an order inversion between an OpenMP lock and a pthread
 * mutex, and between a named critical section and another mutex: one
 * thread takes gate (omp_set_lock) then ledger, the other ledger then
 * gate; one enters critical(audit) holding journal, the other takes
 * journal inside it. The threads take turns (a barrier), so the program
 * never deadlocks, but it can: two lock_order_cycle errors in every way,
 * naming gate and ledger, journal and the critical section's lock. */
#include <omp.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t ledger = PTHREAD_MUTEX_INITIALIZER, journal = PTHREAD_MUTEX_INITIALIZER;
static omp_lock_t gate;
static long entries;

__attribute__((noinline)) static void post(void)
{
	omp_set_lock(&gate);
	pthread_mutex_lock(&ledger);
	entries++;
	pthread_mutex_unlock(&ledger);
	omp_unset_lock(&gate);
}

__attribute__((noinline)) static void settle(void)
{
	pthread_mutex_lock(&ledger);
	omp_set_lock(&gate);
	entries++;
	omp_unset_lock(&gate);
	pthread_mutex_unlock(&ledger);
}

__attribute__((noinline)) static void audit(void)
{
	pthread_mutex_lock(&journal);
#pragma omp critical(audit)
	entries++;
	pthread_mutex_unlock(&journal);
}

__attribute__((noinline)) static void review(void)
{
#pragma omp critical(audit)
	{
		pthread_mutex_lock(&journal);
		entries++;
		pthread_mutex_unlock(&journal);
	}
}

int main(void)
{
	omp_init_lock(&gate);
#pragma omp parallel num_threads(2)
	{
		if (omp_get_thread_num() == 0) {
			post();
			audit();
		}
#pragma omp barrier
		if (omp_get_thread_num() == 1) {
			settle();
			review();
		}
	}
	omp_destroy_lock(&gate);
	printf("entries %ld\n", entries);
	return 0;
}
