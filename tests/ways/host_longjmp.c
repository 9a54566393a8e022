/* host_longjmp.c - longjmp out of a function that holds two locks (an
 * error path that unwinds by hand): the locks stay held, and main lets
 * them go later in the reverse order, then takes them again in the same
 * order. Runs correctly natively; lockwatch must change nothing and
 * report nothing (the holds are real, the order is one). */
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t inner = PTHREAD_MUTEX_INITIALIZER;
static jmp_buf on_error;

__attribute__((noinline)) static void parse(int depth)
{
	if (depth == 0) {
		pthread_mutex_lock(&outer);
		pthread_mutex_lock(&inner);
	}
	if (depth == 20)
		longjmp(on_error, 1);
	if (depth < 20)
		parse(depth + 1);
}

int main(void)
{
	for (volatile int round = 0; round < 3; round++) {
		if (setjmp(on_error) == 0)
			parse(0);
		pthread_mutex_unlock(&inner);
		pthread_mutex_unlock(&outer);
		pthread_mutex_lock(&outer);
		pthread_mutex_lock(&inner);
		pthread_mutex_unlock(&inner);
		pthread_mutex_unlock(&outer);
		printf("round %d recovered\n", round);
	}
	return 0;
}
