/* call_once_deadlock.cpp - once_deadlock.c with std::call_once (libstdc++
 * calls pthread_once): a worker runs the callable, which needs
 * config_lock; main holds config_lock and calls std::call_once on the
 * same flag. Natively it hangs for good. Under `lockwatch run`, a
 * deadlock error naming config_lock, the flag (`config_flag`, kind once),
 * read_config and start; status 66. */
#include <mutex>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <thread>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static std::once_flag config_flag;
static sem_t in_callable;
static int settings;

__attribute__((noinline)) static void read_config(void)
{
	sem_post(&in_callable); /* main may go on: the callable is running */
	pthread_mutex_lock(&config_lock); /* main holds it: waits for good */
	settings++;
	pthread_mutex_unlock(&config_lock);
}

__attribute__((noinline)) static void start(void)
{
	pthread_mutex_lock(&config_lock);
	std::thread t([] { std::call_once(config_flag, read_config); });
	while (sem_wait(&in_callable) != 0)
		;
	std::call_once(config_flag, read_config); /* waits for the worker's */
	pthread_mutex_unlock(&config_lock);
	t.join();
}

int main(void)
{
	sem_init(&in_callable, 0, 0);
	start();
	printf("not reached: %d\n", settings);
	return 0;
}
