/* dead_holder_spin.c - a thread exits holding a spinlock; main then locks
 * it and spins for good (natively it hangs). Before, only a mutex counted
 * as dying with its holder: the exit warning, then a busy hang. In every
 * way in: the thread_exit_holding warning, then a deadlock error before
 * main spins, then the program ends with 66. */
#include <pthread.h>
#include <stdio.h>

static pthread_spinlock_t slots;

static void *grab(void *arg)
{
	pthread_spin_lock(&slots);
	return arg; /* forgets to unlock */
}

int main(void)
{
	pthread_spin_init(&slots, PTHREAD_PROCESS_PRIVATE);
	pthread_t t;
	pthread_create(&t, NULL, grab, NULL);
	pthread_join(t, NULL);
	pthread_spin_lock(&slots);
	printf("not reached\n");
	return 0;
}
