/* dead_holder_waiting.c - main already waits for a default mutex when its
 * holder exits without unlocking it: natively main hangs for good. In
 * every way in: the thread_exit_holding warning, and the watchdog's
 * deadlock error (the holder has exited), then the program ends with 66. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t locked;

static void *login(void *arg)
{
	pthread_mutex_lock(&session_lock);
	pthread_barrier_wait(&locked);
	struct timespec ts = { 0, 300 * 1000000L }; /* main is blocked by now */
	while (nanosleep(&ts, &ts) != 0)
		;
	return arg; /* exits holding session_lock */
}

int main(void)
{
	pthread_t t;
	pthread_barrier_init(&locked, NULL, 2);
	pthread_create(&t, NULL, login, NULL);
	pthread_barrier_wait(&locked);
	pthread_mutex_lock(&session_lock);
	printf("not reached\n");
	return 0;
}
