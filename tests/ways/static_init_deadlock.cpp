/* static_init_deadlock.cpp - a deadlock through a function-local static:
 * a worker starts settings()'s first initialisation (the C++ runtime's
 * guard held while the constructor runs) and, inside it, needs
 * registry_lock, which main holds while it calls settings() too, and
 * waits there for that initialisation to end. Natively it hangs for good.
 * Under lockwatch, a deadlock error naming registry_lock, the static's
 * guard (`guard variable for settings()::s`), load_settings and
 * open_registry; status 66. (Before, the guard's wait was the C++
 * runtime's futex, unseen: long waits, then a hang.) */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t in_constructor;
static int entries;

__attribute__((noinline)) static int load_settings(void)
{
	sem_post(&in_constructor); /* main may go on: the guard is held */
	pthread_mutex_lock(&registry_lock); /* main holds it: waits for good */
	int n = entries;
	pthread_mutex_unlock(&registry_lock);
	return n;
}

struct Settings {
	int value;
	Settings() : value(load_settings()) {}
};

__attribute__((noinline)) static Settings &settings(void)
{
	static Settings s; /* its first initialisation, under the guard */
	return s;
}

static void *worker(void *arg)
{
	(void)arg;
	return (void *)(long)settings().value;
}

__attribute__((noinline)) static void open_registry(void)
{
	pthread_t t;
	pthread_mutex_lock(&registry_lock);
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return;
	while (sem_wait(&in_constructor) != 0)
		;
	entries = settings().value; /* waits for the worker's initialisation */
	pthread_mutex_unlock(&registry_lock);
	pthread_join(t, NULL);
}

int main(void)
{
	sem_init(&in_constructor, 0, 0);
	open_registry();
	printf("not reached: %d\n", entries);
	return 0;
}
