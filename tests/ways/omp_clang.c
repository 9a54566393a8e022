/* omp_clang.c - built with clang and its OpenMP runtime (libomp), whose
 * critical sections are its own entry points (__kmpc_critical), not
 * libgomp's: pthread mutexes taken in both orders, but always inside one
 * critical section (a gate: a warning naming it, status 0), and a
 * mutex taken inside critical(audit) by one thread and around it by the
 * other (an order through the section: an error). Before, the gate was
 * unseen (a false error) and the order through the section missed (a
 * helper's finding). The threads take turns (a barrier): never a real
 * deadlock. */
#include <omp.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER, stats = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t journal = PTHREAD_MUTEX_INITIALIZER;
static long moved;

__attribute__((noinline)) static void pair(pthread_mutex_t *a, pthread_mutex_t *b)
{
	pthread_mutex_lock(a);
	pthread_mutex_lock(b);
	moved++;
	pthread_mutex_unlock(b);
	pthread_mutex_unlock(a);
}

__attribute__((noinline)) static void audit(void)
{
	pthread_mutex_lock(&journal);
#pragma omp critical(audit)
	moved++;
	pthread_mutex_unlock(&journal);
}

__attribute__((noinline)) static void review(void)
{
#pragma omp critical(audit)
	{
		pthread_mutex_lock(&journal);
		moved++;
		pthread_mutex_unlock(&journal);
	}
}

int main(void)
{
#pragma omp parallel num_threads(2)
	{
		int first = omp_get_thread_num() == 0;
		for (int i = 0; i < 200; i++) {
#pragma omp critical
			{
				if (first)
					pair(&table, &stats);
				else
					pair(&stats, &table);
			}
		}
		if (first)
			audit();
#pragma omp barrier
		if (!first)
			review();
	}
	printf("moved %ld\n", moved);
	return 0;
}
