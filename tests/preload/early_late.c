/* early_late.c - lock calls at the edges of a process's life: in a
 * constructor that runs before lockwatch's own (priority 101 is the first
 * a program may use), and in a destructor and an atexit handler that run
 * after lockwatch's exit handler. The destructor also takes two locks in
 * the order opposite to main's. Natively and under lockwatch the program
 * must behave the same (print "ok", exit 0 from main); under lockwatch the
 * inversion made during exit is still reported (lockwatch run exits 66). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

pthread_mutex_t early_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t late_lock = PTHREAD_MUTEX_INITIALIZER;
static int counter;

__attribute__((constructor(101))) static void early(void)
{
	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&early_lock);
		counter++;
		pthread_mutex_unlock(&early_lock);
	}
}

static void at_exit_locks(void)
{
	pthread_mutex_lock(&late_lock);
	counter++;
	pthread_mutex_unlock(&late_lock);
}

__attribute__((noinline, destructor)) static void late_inversion(void)
{
	pthread_mutex_lock(&late_lock);
	pthread_mutex_lock(&early_lock);
	counter++;
	pthread_mutex_unlock(&early_lock);
	pthread_mutex_unlock(&late_lock);
}

static void *nop(void *arg) { return arg; }

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, nop, NULL);
	pthread_join(t, NULL);
	pthread_mutex_lock(&early_lock);
	pthread_mutex_lock(&late_lock);
	counter++;
	pthread_mutex_unlock(&late_lock);
	pthread_mutex_unlock(&early_lock);
	atexit(at_exit_locks);
	printf("ok %d\n", counter);
	fflush(stdout);
	return 0;
}
