/* once_deadlock.c - a deadlock through pthread_once: a worker runs the
 * once routine load_registry, which needs registry_lock; main holds
 * registry_lock while it calls pthread_once on the same once, and waits
 * there for the worker's routine to end. Natively it hangs for good.
 * Under `lockwatch run`, a deadlock error naming registry_lock, the once
 * (`registry_once`, kind once), load_registry and open_registry, and the
 * cycle through them; status 66. (Before, the once wait was glibc's
 * futex, unseen: long waits, then a hang.) */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;
static sem_t in_routine;
static int entries;

__attribute__((noinline)) static void load_registry(void)
{
	sem_post(&in_routine); /* main may go on: the once is running */
	pthread_mutex_lock(&registry_lock); /* main holds it: waits for good */
	entries++;
	pthread_mutex_unlock(&registry_lock);
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_once(&registry_once, load_registry);
	return NULL;
}

__attribute__((noinline)) static void open_registry(void)
{
	pthread_t t;
	pthread_mutex_lock(&registry_lock);
	if (pthread_create(&t, NULL, worker, NULL) != 0)
		return;
	while (sem_wait(&in_routine) != 0)
		;
	pthread_once(&registry_once, load_registry); /* waits for the worker's */
	pthread_mutex_unlock(&registry_lock);
	pthread_join(t, NULL);
}

int main(void)
{
	sem_init(&in_routine, 0, 0);
	open_registry();
	printf("not reached: %d\n", entries);
	return 0;
}
