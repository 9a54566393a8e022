/* cycle3.c - a 3-lock cycle across 3 threads: f_ab takes lock_a then
 * lock_b, f_bc lock_b then lock_c, f_ca lock_c then lock_a. The threads run
 * one after the other (no real deadlock, exit 0). Under lockwatch run:
 * exactly one lock_order_cycle error with the 3 locks and 3 edges, and
 * f_ab, f_bc, f_ca in its stacks. */
#include <pthread.h>

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_c = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void two(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x);
	pthread_mutex_lock(y);
	pthread_mutex_unlock(y);
	pthread_mutex_unlock(x);
}

__attribute__((noinline)) void f_ab(void) { two(&lock_a, &lock_b); __asm__ volatile("");}
__attribute__((noinline)) void f_bc(void) { two(&lock_b, &lock_c); __asm__ volatile("");}
__attribute__((noinline)) void f_ca(void) { two(&lock_c, &lock_a); __asm__ volatile("");}

static void *run(void *fn)
{
	for (int i = 0; i < 100; i++)
		((void (*)(void))fn)();
	return NULL;
}

int main(void)
{
	void (*fns[3])(void) = { f_ab, f_bc, f_ca };
	for (int i = 0; i < 3; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, run, (void *)fns[i]) || pthread_join(t, NULL))
			return 1;
	}
	return 0;
}
