/* dead_holder_hang.c - a thread exits holding a default (non-robust)
 * mutex; main then locks it: natively it hangs for good, since nobody can
 * unlock it. In every way in: the thread_exit_holding warning, then a
 * deadlock error before main blocks, then the program ends with 66. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;

static void *login(void *arg)
{
	pthread_mutex_lock(&session_lock);
	return arg; /* forgets to unlock */
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, login, NULL);
	pthread_join(t, NULL);
	pthread_mutex_lock(&session_lock);
	printf("not reached\n");
	return 0;
}
