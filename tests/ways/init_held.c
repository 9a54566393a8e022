/* init_held.c - pthread_mutex_init on a mutex the thread holds: undefined
 * behaviour that glibc lets through (the mutex is simply reset), so the
 * holder's later unlock acts on a fresh lock. It runs fine natively;
 * lockwatch reports it as init_held (an error) naming the lock, with the
 * holder's stack (take_config) and the initialising one (reset_config),
 * once per call site (the loop repeats it at the same sites). The unlock
 * that follows is the same mistake, not reported again as a bad unlock. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void take_config(void)
{
	pthread_mutex_lock(&config_lock);
}

__attribute__((noinline)) static void reset_config(void)
{
	pthread_mutex_init(&config_lock, NULL);
}

int main(void)
{
	for (int i = 0; i < 3; i++) {
		take_config();
		reset_config();
		pthread_mutex_unlock(&config_lock);
	}
	printf("done\n");
	return 0;
}
