/* omp_gate.c - pthread locks taken in both orders, but always inside one
 * OpenMP critical section, one named critical section, or under one
 * omp_set_lock (or omp_test_lock) lock: the gate serialises them, so they
 * cannot deadlock: each cycle is a warning naming its gate, status 0
 * (libgomp's locks were invisible to lockwatch: three false errors, 66). Two OpenMP
 * threads take each pair in opposite orders, a thousand times. */
#include <omp.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER, stats = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t left = PTHREAD_MUTEX_INITIALIZER, right = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t inbox = PTHREAD_MUTEX_INITIALIZER, outbox = PTHREAD_MUTEX_INITIALIZER;
static omp_lock_t gate;
static long moved, tried;

/* a then b, one step of work under both */
static void pair(pthread_mutex_t *a, pthread_mutex_t *b)
{
	pthread_mutex_lock(a);
	pthread_mutex_lock(b);
	moved++;
	pthread_mutex_unlock(b);
	pthread_mutex_unlock(a);
}

int main(void)
{
	omp_init_lock(&gate);
#pragma omp parallel num_threads(2)
	{
		int first = omp_get_thread_num() == 0;
		for (int i = 0; i < 1000; i++) {
#pragma omp critical
			{
				if (first)
					pair(&table, &stats);
				else
					pair(&stats, &table);
			}
#pragma omp critical(journal)
			{
				if (first)
					pair(&left, &right);
				else
					pair(&right, &left);
			}
			omp_set_lock(&gate);
			if (first)
				pair(&inbox, &outbox);
			else
				pair(&outbox, &inbox);
			omp_unset_lock(&gate);
			if (omp_test_lock(&gate)) {
				if (first)
					pair(&inbox, &outbox);
				else
					pair(&outbox, &inbox);
				tried++;
				omp_unset_lock(&gate);
			}
		}
	}
	omp_destroy_lock(&gate);
	printf("moved %s\n", moved >= 6000 ? "at least 6000" : "too few");
	return 0;
}
