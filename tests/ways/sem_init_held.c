/* sem_init_held.c - sem_init over a semaphore the initialising thread
 * holds a unit of (taken with sem_wait, not yet posted): undefined
 * behaviour that glibc lets through (the count is reset), so the later
 * sem_post of that unit leaves the pool one unit larger than it was
 * made. It runs fine natively; lockwatch reports it as init_held (an
 * error) naming the semaphore, once per call site, with the initialising
 * stack (a semaphore unit is taken without a stack capture). A signal semaphore
 * re-initialised by a thread that holds none of its units (the units
 * were taken by another thread, as a signal's are) is not reported, and
 * neither is destroying a semaphore whose units are taken. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t pool;
static sem_t ready;

__attribute__((noinline)) static void take_unit(void)
{
	sem_wait(&pool);
}

__attribute__((noinline)) static void reset_pool(void)
{
	sem_init(&pool, 0, 1);
}

static void *consumer(void *arg)
{
	(void)arg;
	sem_wait(&ready); /* takes the signal's unit, never posts it back */
	return NULL;
}

int main(void)
{
	sem_init(&pool, 0, 1);
	for (int i = 0; i < 3; i++) {
		take_unit();
		reset_pool();
		sem_post(&pool);
		int v = 0;
		sem_getvalue(&pool, &v);
		printf("round %d: pool has %d units\n", i, v);
		sem_init(&pool, 0, 1);
	}
	for (int i = 0; i < 2; i++) {
		sem_init(&ready, 0, 0);
		pthread_t th;
		pthread_create(&th, NULL, consumer, NULL);
		sem_post(&ready);
		pthread_join(th, NULL);
	}
	sem_destroy(&ready);
	sem_destroy(&pool);
	printf("done\n");
	return 0;
}
