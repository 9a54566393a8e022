/* attach_self.c - a self-deadlock in a plain program (no lockwatch): a
 * worker's apply() holds config_lock and calls reload(), which takes it
 * again (a default mutex: it waits for itself for good) while main joins
 * the worker. `lockwatch attach PID` must report a self-deadlock of the
 * worker on config_lock, naming both functions (test_attach.sh). */
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static int generation;

__attribute__((noinline)) static void reload(void)
{
	pthread_mutex_lock(&config_lock);
	generation++;
	pthread_mutex_unlock(&config_lock);
}

__attribute__((noinline)) static void *apply(void *arg)
{
	pthread_mutex_lock(&config_lock);
	reload();
	pthread_mutex_unlock(&config_lock);
	return arg;
}

int main(void)
{
	pthread_t t;
	printf("started\n");
	fflush(stdout);
	pthread_create(&t, NULL, apply, NULL);
	pthread_join(t, NULL);
	printf("not reached %d\n", generation);
	return 0;
}
